package com.pbiexport.worker.app;

import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.scenario.App;
import com.pbiexport.devstack.scenario.Tenant;
import com.pbiexport.worker.config.AdminSettings;
import com.pbiexport.worker.config.CloudName;
import com.pbiexport.worker.config.CredentialConfig;
import com.pbiexport.worker.config.HttpSettings;
import com.pbiexport.worker.config.KafkaSettings;
import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.config.LoggingSettings;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.config.Sinks;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.config.TokenSettings;
import com.pbiexport.worker.config.Topics;
import com.pbiexport.worker.config.WorkerConfig;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A worker configuration pointing at a running {@link DevStack} with the default scenario: one tenant alias per
 * simulated tenant, plus aliases that are misconfigured on purpose (a Graph scope, an expired secret) so the
 * demo and the tests can show how each misconfiguration is reported.
 *
 * <p>A test fixture (it needs the devstack, which the worker's main code never sees), shared with module
 * {@code demo} through the worker's test-jar, which holds this class only (worker/pom.xml): the demo and the integration
 * tests run on the very same configuration.
 */
public final class DemoStack {
    /** Default-scenario tenant aliases. */
    public static final String CONTOSO = "contoso";
    public static final String FABRIKAM = "fabrikam";
    public static final String NORTHWIND = "northwind";
    /** Contoso's app, but asking a bare {@code .default} scope: gets a Microsoft Graph token. */
    public static final String CONTOSO_GRAPH_SCOPE = "contoso-graph-scope";
    /** Contoso's second app, whose only secret has expired. */
    public static final String CONTOSO_EXPIRED_SECRET = "contoso-expired-secret";

    private DemoStack() {
    }

    public static WorkerConfig config(DevStack stack, Path outputDir, String groupId) {
        Map<String, TenantConfig> tenants = new LinkedHashMap<>();
        Tenant contoso = tenant(stack, "contoso.onmicrosoft.com");
        tenants.put(CONTOSO, tenantConfig(stack, contoso, contoso.apps().get(0)));
        tenants.put(FABRIKAM, tenantConfig(stack, tenant(stack, "fabrikam.onmicrosoft.com"),
                tenant(stack, "fabrikam.onmicrosoft.com").apps().get(0)));
        tenants.put(NORTHWIND, tenantConfig(stack, tenant(stack, "northwind.onmicrosoft.com"),
                tenant(stack, "northwind.onmicrosoft.com").apps().get(0)));
        tenants.put(CONTOSO_GRAPH_SCOPE, tenantConfig(stack, contoso, contoso.apps().get(0)).withScope(".default"));
        tenants.put(CONTOSO_EXPIRED_SECRET, tenantConfig(stack, contoso, contoso.apps().get(1)));
        Limits limits = Limits.defaults().withPollFallbackInterval(Duration.ofSeconds(1))
                .withExportTimeout(Duration.ofMinutes(5));
        return new WorkerConfig("demo-worker",
                new KafkaSettings(stack.kafkaBootstrap(), groupId, Map.of(), Map.of(), Map.of()),
                new Topics(Topics.DEFAULT_REQUESTS, Topics.DEFAULT_RESULTS, Topics.DEFAULT_JOB_STATE,
                        Topics.DEFAULT_DEAD_LETTER),
                tenants,
                Sinks.single("files", new SinkConfig.Filesystem(outputDir)),
                limits,
                HttpSettings.defaults(),
                new TokenSettings(TokenSettings.DEFAULT_REFRESH_AT_FRACTION, Duration.ofSeconds(10),
                        Duration.ofSeconds(1)),
                new AdminSettings("127.0.0.1", 0),
                LoggingSettings.defaults());
    }

    private static Tenant tenant(DevStack stack, String domain) {
        return stack.scenario().tenant(domain).orElseThrow(() -> new IllegalStateException(
                "the devstack scenario has no tenant " + domain + " (the demo needs the default scenario)"));
    }

    private static TenantConfig tenantConfig(DevStack stack, Tenant t, App app) {
        return new TenantConfig(t.id(), app.clientId(), CloudName.PUBLIC,
                CredentialConfig.Secret.inline(app.secrets().get(0).value()), Optional.empty(),
                Optional.of(URI.create(stack.entraUrl())), Optional.of(URI.create(stack.powerBiUrl())), Optional.empty());
    }
}
