package com.pbiexport.worker.tenant;

import com.pbiexport.worker.auth.FakeTokenSource;
import com.pbiexport.worker.auth.TenantCredentials;
import com.pbiexport.worker.auth.TokenPolicy;
import com.pbiexport.worker.config.CloudName;
import com.pbiexport.worker.config.ConfigLoader;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.diagnose.probe.CloudProbe;
import com.pbiexport.worker.net.ProxyConfig;
import com.pbiexport.worker.powerbi.PowerBiHttpSettings;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the worker, {@code doctor} and the cloud probe used to build each in their own way, now built in one place:
 * the scope and authority of each cloud, the API root, and the proxy-aware HTTP settings (expected values from
 * docs/CONFIGURATION.md and the Power BI reference: sovereign clouds, scopes and API roots).
 */
class TenantConnectionsTest {
    private static final String YAML = """
            kafka:
              bootstrapServers: localhost:9092
            http:
              connectTimeout: PT3S
              responseTimeout: PT7S
              maxConnections: 37
              proxy: http://proxy.corp.example:3128
            tokens:
              refreshAtFraction: 0.6
              requestTimeout: PT9S
              minRefreshInterval: PT11S
            tenants:
              contoso:
                tenantId: 11111111-1111-1111-1111-111111111111
                clientId: 22222222-2222-2222-2222-222222222222
                credential:
                  secret:
                    env: CONTOSO_SECRET
              gov:
                tenantId: 33333333-3333-3333-3333-333333333333
                clientId: 44444444-4444-4444-4444-444444444444
                cloud: USGovHigh
                credential:
                  secret:
                    env: GOV_SECRET
              local:
                tenantId: 55555555-5555-5555-5555-555555555555
                clientId: 66666666-6666-6666-6666-666666666666
                authorityUrl: http://127.0.0.1:1/55555555-5555-5555-5555-555555555555
                powerBiApiUrl: http://127.0.0.1:1
                credential:
                  secret:
                    env: LOCAL_SECRET_NOT_SET
            sinks:
              targets:
                files:
                  filesystem:
                    root: /var/exports
            """;
    private static final Map<String, String> ENV = Map.of("CONTOSO_SECRET", "s3cr3t", "GOV_SECRET", "g0v");

    private final WorkerConfig config = ConfigLoader.loadFromString(YAML, true, "test.yaml", ENV).config();
    private final TenantConnections connections = TenantConnections.resolvingProxy(config, ENV, Clock.systemUTC());

    @Test
    void eachTenantAsksItsCloudsAuthorityForItsCloudsPowerBiScope() {
        TenantCredentials contoso = connections.credentials("contoso");
        assertThat(contoso.scope()).isEqualTo("https://analysis.windows.net/powerbi/api/.default");
        assertThat(contoso.authorityHost()).isEqualTo(URI.create("https://login.microsoftonline.com"));
        assertThat(contoso.tenantId()).isEqualTo("11111111-1111-1111-1111-111111111111");
        assertThat(contoso.clientId()).isEqualTo("22222222-2222-2222-2222-222222222222");
        assertThat(contoso.authorityOverride()).isEmpty();

        TenantCredentials gov = connections.credentials("gov");
        assertThat(gov.scope()).isEqualTo("https://high.analysis.usgovcloudapi.net/powerbi/api/.default");
        assertThat(gov.authorityHost()).isEqualTo(URI.create("https://login.microsoftonline.us"));

        assertThat(connections.credentials("local").authorityOverride())
                .contains(URI.create("http://127.0.0.1:1/55555555-5555-5555-5555-555555555555"));
    }

    @Test
    void aSiblingCloudsScopeChangesNothingButTheScope() {
        TenantCredentials own = connections.credentials("contoso");
        TenantCredentials sibling = connections.credentials("contoso", CloudName.US_GOV.powerBiScope());

        assertThat(sibling.scope()).isEqualTo("https://analysis.usgovcloudapi.net/powerbi/api/.default");
        assertThat(sibling.alias()).isEqualTo(own.alias());
        assertThat(sibling.tenantId()).isEqualTo(own.tenantId());
        assertThat(sibling.clientId()).isEqualTo(own.clientId());
        assertThat(sibling.authorityHost()).isEqualTo(own.authorityHost());
        assertThat(sibling.authorityOverride()).isEqualTo(own.authorityOverride());
        assertThat(sibling.credential()).isInstanceOf(own.credential().getClass());
    }

    @Test
    void everyClientGoesToItsTenantsApiRoot() {
        assertThat(connections.apiRoot("contoso")).isEqualTo(URI.create("https://api.powerbi.com"));
        assertThat(connections.apiRoot("gov")).isEqualTo(URI.create("https://api.high.powerbigov.us"));
        assertThat(connections.apiRoot("local")).isEqualTo(URI.create("http://127.0.0.1:1"));
        try (var client = connections.client("gov", new FakeTokenSource("gov"), connections.http())) {
            assertThat(client.endpoint().apiRoot()).isEqualTo(URI.create("https://api.high.powerbigov.us"));
        }
    }

    @Test
    void theWorkerAndTheDoctorTalkToTheSameApiRoots() {
        try (ConnectedTenants worker = connections.openAll();
             TenantConnection doctor = connections.open("gov")) {
            assertThat(worker.aliases()).containsExactly("contoso", "gov", "local");
            assertThat(worker.tokens().tenantAliases()).containsExactlyInAnyOrder("contoso", "gov", "local");
            assertThat(worker.tokens("gov").tenantAlias()).isEqualTo("gov");
            assertThat(doctor.powerBi().endpoint()).isEqualTo(worker.client("gov").endpoint());
            assertThat(doctor.tokens().tenantAlias()).isEqualTo("gov");
        }
    }

    @Test
    void workerClientsPoolHttpMaxConnectionsAndShortLivedOnesFourAllThroughTheProxy() {
        PowerBiHttpSettings worker = connections.http();
        PowerBiHttpSettings probe = connections.probeHttp();

        assertThat(worker.maxConnections()).isEqualTo(37);
        assertThat(probe.maxConnections()).isEqualTo(4);
        for (PowerBiHttpSettings s : new PowerBiHttpSettings[] {worker, probe}) {
            assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(s.responseTimeout()).isEqualTo(Duration.ofSeconds(7));
            assertThat(s.proxy()).isSameAs(connections.proxy());
        }
        assertThat(connections.proxy().proxyFor("https", "api.powerbi.com", 443))
                .hasValueSatisfying(p -> assertThat(p.host() + ":" + p.port()).isEqualTo("proxy.corp.example:3128"));
    }

    @Test
    void theProxyGivenIsTheOneUsed() {
        TenantConnections direct = new TenantConnections(config, ENV, ProxyConfig.direct(), Clock.systemUTC());

        assertThat(direct.http().proxy()).isSameAs(ProxyConfig.direct());
        assertThat(direct.probeHttp().proxy()).isSameAs(ProxyConfig.direct());
    }

    @Test
    void tokenPolicyComesFromTheTokensAndHttpSettings() {
        TokenPolicy policy = connections.tokenPolicy();

        assertThat(policy.refreshAtFraction()).isEqualTo(0.6);
        assertThat(policy.requestTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(policy.minRefreshInterval()).isEqualTo(Duration.ofSeconds(11));
        assertThat(policy.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(policy.expiryMargin()).isEqualTo(TokenPolicy.defaults().expiryMargin());
    }

    @Test
    void anUnknownAliasIsRefusedNamingTheConfiguredOnes() {
        assertThatThrownBy(() -> connections.credentials("fabrikam"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tenant 'fabrikam' is not configured; configured tenants: [contoso, gov, local]");
    }

    @Test
    void theCloudProbesCallIsNoAnswerWhenNoTokenCanBeHad() {
        TenantConfig local = config.tenants().get("local");

        assertThat(connections.capacitiesCall().call("local", local, local.effectiveScope()))
                .isEqualTo(CloudProbe.Answer.NO_ANSWER);
    }

    @Test
    void theExpectedAudienceFollowsAKnownApiHost() {
        assertThat(connections.expectedAudience("gov")).isEqualTo("https://high.analysis.usgovcloudapi.net/powerbi/api");
        assertThat(connections.expectedAudience("local")).isEqualTo("https://analysis.windows.net/powerbi/api");
        assertThat(connections.expectedAudience("contoso")).isEqualTo("https://analysis.windows.net/powerbi/api");
    }
}
