package com.pbiexport.devstack.entra;

import com.pbiexport.devstack.scenario.App;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.scenario.Secret;
import com.pbiexport.devstack.scenario.Tenant;
import com.pbiexport.devstack.sim.AccessTokens;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.devstack.sim.Faults;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The simulator on its own loopback HttpServer (port 0), over the default scenario plus a tenant whose app
 * authenticates with a keytool-made certificate.
 */
final class EntraTestServer implements AutoCloseable {
    static final String CONTOSO_ID = "4a1f0c2e-0000-4000-a000-000000000001";
    static final String CONTOSO_DOMAIN = "contoso.onmicrosoft.com";
    static final String EXPORTER = "c11e7700-0000-4000-a000-000000000001";
    static final String EXPORTER_SECRET = "devstack-secret-not-for-production";
    static final String EXPORTER_OBJECT_ID = "0b1ec700-0000-4000-a000-000000000001";
    static final String FEDERATED_ASSERTION = "devstack-federated-assertion";
    static final String EXPIRED_APP = "c11e7700-0000-4000-a000-000000000002";
    static final String DISABLED_APP = "c11e7700-0000-4000-a000-000000000003";
    static final String FABRIKAM_ID = "4a1f0c2e-0000-4000-a000-000000000002";
    static final String FABRIKAM_APP = "c11e7700-0000-4000-a000-000000000011";
    static final String FABRIKAM_SECRET = "fabrikam-secret-not-for-production";
    static final String ADATUM_ID = "4a1f0c2e-0000-4000-a000-0000000000a1";
    static final String ADATUM_DOMAIN = "adatum.onmicrosoft.com";
    static final String CERT_APP = "c11e7700-0000-4000-a000-0000000000a1";
    static final String CERT_APP_OBJECT_ID = "0b1ec700-0000-4000-a000-0000000000a1";
    static final String GOV_HIGH_ID = "4a1f0c2e-0000-4000-a000-0000000000b1";
    static final String GOV_HIGH_APP = "c11e7700-0000-4000-a000-0000000000b1";
    static final String GOV_HIGH_SECRET = "gov-high-secret";
    static final String POWER_BI = "https://analysis.windows.net/powerbi/api";

    final Counters counters = new Counters();
    final Faults faults;
    final AccessTokens tokens = new AccessTokens();
    final EntraSimulator simulator;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);

    private EntraTestServer(Scenario scenario, Clock clock) throws IOException {
        this.faults = new Faults(clock);
        this.simulator = new EntraSimulator(scenario, tokens, faults, counters, clock);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", simulator);
        server.setExecutor(executor);
        server.start();
    }

    static EntraTestServer start() throws IOException {
        return start(scenario(3599), Clock.systemUTC());
    }

    static EntraTestServer start(Scenario scenario, Clock clock) throws IOException {
        return new EntraTestServer(scenario, clock);
    }

    /** The default scenario plus the certificate tenant (adatum) and a GCC High tenant. */
    static Scenario scenario(long tokenLifetimeSeconds) {
        Scenario base = Scenario.defaultScenario();
        List<Tenant> tenants = new ArrayList<>(base.tenants());
        App certApp = new App(CERT_APP, "cert-exporter", CERT_APP_OBJECT_ID, true, List.of(),
                List.of(TestCertificates.registered().base64Der()), List.of(), List.of());
        tenants.add(new Tenant(ADATUM_ID, ADATUM_DOMAIN, "Public", null, List.of(certApp), null, null, null));
        App govApp = new App(GOV_HIGH_APP, "gov-exporter", null, true, List.of(new Secret(GOV_HIGH_SECRET, null)),
                List.of(), List.of(), List.of());
        tenants.add(new Tenant(GOV_HIGH_ID, "govhigh.onmicrosoft.us", "USGovHigh", null, List.of(govApp), null, null, null));
        return new Scenario(base.name(), tokenLifetimeSeconds, base.fileExpirySeconds(), base.pageRenderMillis(),
                base.pollRetryAfterSeconds(), tenants);
    }

    int port() {
        return server.getAddress().getPort();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    static String tokenPath(String tenant) {
        return "/" + tenant + "/oauth2/v2.0/token";
    }

    @Override
    public void close() {
        server.stop(0);
        simulator.close();
        executor.shutdownNow();
    }
}
