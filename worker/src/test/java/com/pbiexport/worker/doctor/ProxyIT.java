package com.pbiexport.worker.doctor;

import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DoctorCommand;
import com.pbiexport.worker.auth.CredentialSource;
import com.pbiexport.worker.auth.TenantCredentials;
import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.auth.TokenPolicy;
import com.pbiexport.worker.auth.TokenService;
import com.pbiexport.worker.config.CloudName;
import com.pbiexport.worker.config.KafkaSettings;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.config.Sinks;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.diagnose.doctor.CheckStatus;
import com.pbiexport.worker.diagnose.doctor.DoctorCheck;
import com.pbiexport.worker.diagnose.doctor.DoctorReport;
import com.pbiexport.worker.diagnose.doctor.DoctorRequest;
import com.pbiexport.worker.net.ProxyConfig;
import com.pbiexport.worker.storage.AzureBlobSink;
import com.pbiexport.worker.storage.StoreRequest;
import com.pbiexport.worker.testing.Azurite;
import com.pbiexport.worker.testing.TinyProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static com.pbiexport.worker.doctor.DoctorStacks.CONTOSO_APP;
import static com.pbiexport.worker.doctor.DoctorStacks.CONTOSO_SECRET;
import static com.pbiexport.worker.doctor.DoctorStacks.CONTOSO_TENANT_ID;
import static com.pbiexport.worker.doctor.DoctorStacks.SALES_REPORT;
import static com.pbiexport.worker.doctor.DoctorStacks.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Token and export through a real forward proxy (Debian's tinyproxy on loopback), wired exactly as the worker wires
 * them: the doctor's trial export (token from the Entra simulator, ExportTo, polls, download) with HTTPS_PROXY and
 * HTTP_PROXY in an explicit environment map. The devstack speaks plain http, so the proxy forwards the requests
 * (bearer token included) instead of tunnelling them: acceptable on loopback; real https hosts get a CONNECT tunnel.
 * The proxy's own log shows what went through it.
 */
class ProxyIT {
    private static final String ALIAS = "contoso";
    private static final String USER = "exporter";
    private static final String PASSWORD = "pr0xy.pass-1"; // tinyproxy allows only [-a-z0-9._] here

    private static DevStack stack;
    private static TinyProxy open;
    private static TinyProxy guarded;
    private static Path output;

    @BeforeAll
    static void start() throws Exception {
        stack = DevStack.builder().scenario(Scenario.defaultScenario().withPageRenderMillis(200)).kafka(false).start();
        open = TinyProxy.start();
        guarded = TinyProxy.start(USER, PASSWORD);
        output = Files.createTempDirectory("proxy-it-");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {guarded, open, stack}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // keep stopping the others
            }
        }
    }

    private static WorkerConfig config() {
        return WorkerConfig.of(new KafkaSettings("127.0.0.1:9", "proxy-it", Map.of(), Map.of(), Map.of()),
                Map.of(ALIAS, DoctorStacks.contoso(stack, CloudName.PUBLIC)),
                Sinks.single("files", new SinkConfig.Filesystem(output)));
    }

    private static DoctorReport trialExport(Map<String, String> env) {
        return DoctorCommand.diagnose(config(), ALIAS, DoctorRequest.of(SALES_WS, SALES_REPORT, "PDF").withTrial(true),
                env, Clock.systemUTC());
    }

    private static String hostPort(String url) {
        URI u = URI.create(url);
        return u.getHost() + ":" + u.getPort();
    }

    @Test
    void tokenAndExportGoThroughTheProxyNamedInTheEnvironment() {
        int before = open.requests().size();

        DoctorReport report = trialExport(Map.of("HTTPS_PROXY", open.url(), "HTTP_PROXY", open.url()));

        assertThat(report.checks()).as(report.toText()).allSatisfy(c -> assertThat(c.status()).isEqualTo(CheckStatus.PASS));
        assertThat(report.get(DoctorCheck.PROXY).detail())
                .contains("Entra ID " + hostPort(stack.entraUrl()) + " via " + open.url() + " (HTTP_PROXY)")
                .contains("Power BI " + hostPort(stack.powerBiUrl()) + " via " + open.url() + " (HTTP_PROXY)")
                .contains("answered HTTP");
        List<String> seen = open.requests().subList(before, open.requests().size());
        assertThat(seen).as(open.log())
                .anySatisfy(l -> assertThat(l).contains("POST " + stack.entraUrl()).contains("/oauth2/v2.0/token"))
                .anySatisfy(l -> assertThat(l).contains("POST " + stack.powerBiUrl()).contains("/ExportTo"))
                .anySatisfy(l -> assertThat(l).contains("GET " + stack.powerBiUrl()).contains("/file"));
    }

    @Test
    void noProxyMatchingTheDevstackHostSendsEverythingDirect() {
        int before = open.requests().size();

        DoctorReport report = trialExport(Map.of("HTTPS_PROXY", open.url(), "HTTP_PROXY", open.url(),
                "NO_PROXY", "localhost," + URI.create(stack.powerBiUrl()).getHost()));

        assertThat(report.checks()).as(report.toText()).allSatisfy(c -> assertThat(c.status()).isEqualTo(CheckStatus.PASS));
        assertThat(report.get(DoctorCheck.PROXY).detail())
                .contains("Entra ID " + hostPort(stack.entraUrl()) + " direct (NO_PROXY entry '"
                        + URI.create(stack.entraUrl()).getHost() + "')");
        assertThat(open.requests()).as(open.log()).hasSize(before);
    }

    @Test
    void aProxyDemandingCredentialsRefusesWithoutThemWithAClassifiedFailure() {
        Map<String, String> env = Map.of("HTTPS_PROXY", guarded.url(), "HTTP_PROXY", guarded.url());
        int logged = guarded.log().length();

        DoctorReport report = trialExport(env);

        assertThat(report.get(DoctorCheck.PROXY).status()).as(report.toText()).isEqualTo(CheckStatus.FAIL);
        assertThat(report.get(DoctorCheck.PROXY).code()).contains(ErrorCode.AUTH_UNAVAILABLE);
        assertThat(report.get(DoctorCheck.PROXY).detail()).contains("407 Proxy Authentication Required",
                "give credentials as http://user:password@host:port");
        assertThat(report.get(DoctorCheck.TOKEN).status()).isEqualTo(CheckStatus.SKIP);

        // the worker's own token source fails the same way, with a message that names the cause
        try (TokenService tokens = TokenService.create(List.of(credentials()), TokenPolicy.defaults(),
                Clock.systemUTC(), ProxyConfig.resolve("env", env, new Properties()))) {
            assertThatThrownBy(() -> tokens.forTenant(ALIAS).token())
                    .isInstanceOf(TokenAcquisitionException.class)
                    // tinyproxy answers 407 to a POST without reading its body, so the client may see a reset
                    // instead of the 407: either way the message names the proxy
                    .hasMessageContaining("through the proxy " + guarded.url() + " (HTTP_PROXY)")
                    .satisfies(e -> assertThat(new Classifier().classify(e).code())
                            .isEqualTo(ErrorCode.AUTH_UNAVAILABLE));
        }
        assertThat(guarded.log().substring(logged)).doesNotContain("opensock: opening connection to " + hostPort(stack.entraUrl()));
    }

    @Test
    void withCredentialsInTheProxyUrlTheDemandingProxyLetsTokenAndExportThrough() {
        String url = guarded.url(USER, PASSWORD);

        DoctorReport report = trialExport(Map.of("HTTPS_PROXY", url, "HTTP_PROXY", url));

        assertThat(report.checks()).as(report.toText()).allSatisfy(c -> assertThat(c.status()).isEqualTo(CheckStatus.PASS));
        assertThat(report.toText()).doesNotContain(PASSWORD);
        assertThat(report.get(DoctorCheck.PROXY).detail()).contains("via " + guarded.url() + " (HTTP_PROXY, with "
                + "credentials)");
        assertThat(guarded.log()).contains("opensock: opening connection to " + hostPort(stack.entraUrl()),
                "opensock: opening connection to " + hostPort(stack.powerBiUrl()));
    }

    @Test
    void blobUploadsGoThroughTheProxyToo() {
        try (Azurite azurite = Azurite.start()) {
            ProxyConfig proxy = ProxyConfig.resolve("env", Map.of("HTTP_PROXY", open.url()), new Properties());
            AzureBlobSink sink = AzureBlobSink.fromConnectionString(AzureBlobSink.Settings.of(
                    azurite.connectionString(), "proxied", "").withServiceVersion(Azurite.SERVICE_VERSION)
                    .withCreateContainerIfMissing(true), proxy);
            byte[] content = "through the proxy".getBytes(StandardCharsets.UTF_8);
            int logged = open.log().length();

            sink.store(new StoreRequest("req-1", ALIAS, "t/proxied.txt", "text/plain", content.length, 1024),
                    new ByteArrayInputStream(content));

            // the Azure SDK's client tunnels even plain http through CONNECT
            assertThat(open.log().substring(logged)).contains("CONNECT 127.0.0.1:" + azurite.port(),
                    "opensock: opening connection to 127.0.0.1:" + azurite.port());
        }
    }

    private static TenantCredentials credentials() {
        return new TenantCredentials(ALIAS, CONTOSO_TENANT_ID, CONTOSO_APP,
                URI.create("https://" + CloudName.PUBLIC.authorityHost()), CloudName.PUBLIC.powerBiScope(),
                new CredentialSource.Secret(() -> CONTOSO_SECRET), Optional.of(URI.create(stack.entraUrl())));
    }
}
