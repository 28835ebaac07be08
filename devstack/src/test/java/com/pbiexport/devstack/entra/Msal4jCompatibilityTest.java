package com.pbiexport.devstack.entra;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.IClientCredential;
import com.microsoft.aad.msal4j.MsalServiceException;
import com.microsoft.aad.msal4j.TokenSource;
import com.pbiexport.devstack.sim.Cloud;
import com.pbiexport.devstack.sim.FaultSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static com.pbiexport.devstack.entra.EntraTestServer.ADATUM_ID;
import static com.pbiexport.devstack.entra.EntraTestServer.CERT_APP;
import static com.pbiexport.devstack.entra.EntraTestServer.CONTOSO_ID;
import static com.pbiexport.devstack.entra.EntraTestServer.EXPORTER;
import static com.pbiexport.devstack.entra.EntraTestServer.EXPORTER_SECRET;
import static com.pbiexport.devstack.entra.EntraTestServer.FABRIKAM_APP;
import static com.pbiexport.devstack.entra.EntraTestServer.FABRIKAM_ID;
import static com.pbiexport.devstack.entra.EntraTestServer.FABRIKAM_SECRET;
import static com.pbiexport.devstack.entra.EntraTestServer.FEDERATED_ASSERTION;
import static com.pbiexport.devstack.entra.EntraTestServer.POWER_BI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Real msal4j 1.26 against the simulator: the REAL authority URL, instance discovery off, and msal4j's
 * {@code httpClient(...)} hook forwarding to the simulator. Proves the wire format is what msal4j expects.
 */
class Msal4jCompatibilityTest {
    private static final String PBI_SCOPE = POWER_BI + "/.default";
    private static EntraTestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = EntraTestServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void resetFaults() {
        server.faults.set(FaultSettings.none());
    }

    private static ConfidentialClientApplication app(String tenant, String clientId, IClientCredential credential,
                                                     SimulatorHttpClient http) throws Exception {
        return ConfidentialClientApplication.builder(clientId, credential)
                .authority("https://login.microsoftonline.com/" + tenant + "/")
                .instanceDiscovery(false)
                .httpClient(http)
                .build();
    }

    private static IAuthenticationResult acquire(ConfidentialClientApplication app, String scope) throws Exception {
        return app.acquireToken(ClientCredentialParameters.builder(Set.of(scope)).build()).get(30, TimeUnit.SECONDS);
    }

    private static MsalServiceException serviceFailure(ConfidentialClientApplication app, String scope) {
        Throwable thrown = catchThrowable(() -> acquire(app, scope));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause()).isInstanceOf(MsalServiceException.class);
        return (MsalServiceException) thrown.getCause();
    }

    @Test
    void secretCredentialGetsPowerBiToken() throws Exception {
        SimulatorHttpClient http = new SimulatorHttpClient(server.port());
        ConfidentialClientApplication app = app(CONTOSO_ID, EXPORTER, ClientCredentialFactory.createFromSecret(EXPORTER_SECRET), http);

        IAuthenticationResult result = acquire(app, PBI_SCOPE);

        Map<String, Object> claims = TestJwts.payload(result.accessToken());
        assertThat(claims).containsEntry("aud", POWER_BI).containsEntry("tid", CONTOSO_ID)
                .containsEntry("appid", EXPORTER).containsEntry("appidacr", "1");
        assertThat(result.expiresOnDate().toInstant()).isAfter(Instant.now().plusSeconds(3_000));
        // with instanceDiscovery(false) msal4j calls nothing but the token endpoint
        assertThat(http.requests()).containsExactly("POST /" + CONTOSO_ID + "/oauth2/v2.0/token");
    }

    @Test
    void secondCallIsServedFromMsalCacheWithoutATokenRequest() throws Exception {
        SimulatorHttpClient http = new SimulatorHttpClient(server.port());
        ConfidentialClientApplication app = app(FABRIKAM_ID, FABRIKAM_APP, ClientCredentialFactory.createFromSecret(FABRIKAM_SECRET), http);

        IAuthenticationResult first = acquire(app, PBI_SCOPE);
        long requestsAfterFirst = server.counters.get("tokenRequests." + FABRIKAM_ID);
        int sentAfterFirst = http.sent();
        IAuthenticationResult second = acquire(app, PBI_SCOPE);

        assertThat(first.metadata().tokenSource()).isEqualTo(TokenSource.IDENTITY_PROVIDER);
        assertThat(second.metadata().tokenSource()).isEqualTo(TokenSource.CACHE);
        assertThat(second.accessToken()).isEqualTo(first.accessToken());
        assertThat(server.counters.get("tokenRequests." + FABRIKAM_ID)).isEqualTo(requestsAfterFirst);
        assertThat(http.sent()).isEqualTo(sentAfterFirst);
    }

    @Test
    void certificateFromKeytoolPkcs12GetsToken() throws Exception {
        TestCertificates.Credential cert = TestCertificates.registered();
        IClientCredential credential = ClientCredentialFactory.createFromCertificate(
                new ByteArrayInputStream(cert.pkcs12()), new String(TestCertificates.PASSWORD));
        ConfidentialClientApplication app = app(ADATUM_ID, CERT_APP, credential, new SimulatorHttpClient(server.port()));

        IAuthenticationResult result = acquire(app, PBI_SCOPE);

        assertThat(TestJwts.payload(result.accessToken())).containsEntry("aud", POWER_BI)
                .containsEntry("tid", ADATUM_ID).containsEntry("appid", CERT_APP).containsEntry("appidacr", "2");
    }

    @Test
    void fixedFederatedClientAssertionGetsToken() throws Exception {
        ConfidentialClientApplication app = app(CONTOSO_ID, EXPORTER,
                ClientCredentialFactory.createFromClientAssertion(FEDERATED_ASSERTION), new SimulatorHttpClient(server.port()));

        IAuthenticationResult result = acquire(app, PBI_SCOPE);

        assertThat(TestJwts.payload(result.accessToken())).containsEntry("appid", EXPORTER).containsEntry("appidacr", "2");
    }

    @Test
    void assertionCallbackIsAskedForAFreshAssertion() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        TestCertificates.Credential cert = TestCertificates.registered();
        String endpoint = "https://login.microsoftonline.com/" + ADATUM_ID + "/oauth2/v2.0/token";
        IClientCredential credential = ClientCredentialFactory.createFromCallback(() -> {
            calls.incrementAndGet();
            return TestJwts.sign(TestJwts.header("RS256", cert.certificate(), true),
                    TestJwts.assertionClaims(CERT_APP, endpoint, Instant.now()), cert.privateKey());
        });
        ConfidentialClientApplication app = app(ADATUM_ID, CERT_APP, credential, new SimulatorHttpClient(server.port()));

        IAuthenticationResult result = acquire(app, PBI_SCOPE);

        assertThat(calls.get()).isPositive();
        assertThat(TestJwts.payload(result.accessToken())).containsEntry("tid", ADATUM_ID).containsEntry("aud", POWER_BI);
    }

    @Test
    void wrongSecretSurfacesAsInvalidClientWithAadstsInMessage() throws Exception {
        ConfidentialClientApplication app = app(CONTOSO_ID, EXPORTER, ClientCredentialFactory.createFromSecret("wrong-secret"),
                new SimulatorHttpClient(server.port()));

        MsalServiceException e = serviceFailure(app, PBI_SCOPE);

        assertThat(e.errorCode()).isEqualTo("invalid_client");
        assertThat(e.statusCode()).isEqualTo(401);
        assertThat(e.getMessage()).contains("AADSTS7000215");
        assertThat(e.correlationId()).isNotBlank();
    }

    @Test
    void unknownTenantSurfacesAs90002() throws Exception {
        ConfidentialClientApplication app = app("9c7c0000-0000-4000-a000-00000000dead", EXPORTER,
                ClientCredentialFactory.createFromSecret(EXPORTER_SECRET), new SimulatorHttpClient(server.port()));

        MsalServiceException e = serviceFailure(app, PBI_SCOPE);

        assertThat(e.errorCode()).isEqualTo("invalid_request");
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.getMessage()).contains("AADSTS90002");
    }

    @Test
    void bareDefaultScopeGivesGraphToken() throws Exception {
        ConfidentialClientApplication app = app(CONTOSO_ID, EXPORTER, ClientCredentialFactory.createFromSecret(EXPORTER_SECRET),
                new SimulatorHttpClient(server.port()));

        IAuthenticationResult result = acquire(app, ".default");

        assertThat(TestJwts.payload(result.accessToken()).get("aud"))
                .isEqualTo(Cloud.GRAPH_APP_ID)
                .isNotEqualTo(POWER_BI);
    }

    @Test
    void outageSurfacesAs503AfterMsal4jsSingleRetry() throws Exception {
        server.faults.merge(("{\"entraOutageUntil\":\"" + Instant.now().plusSeconds(60) + "\"}").getBytes(StandardCharsets.UTF_8));
        SimulatorHttpClient http = new SimulatorHttpClient(server.port());
        ConfidentialClientApplication app = app(CONTOSO_ID, EXPORTER, ClientCredentialFactory.createFromSecret(EXPORTER_SECRET), http);

        MsalServiceException e = serviceFailure(app, "https://analysis.usgovcloudapi.net/powerbi/api/.default");

        assertThat(e.statusCode()).isEqualTo(503);
        assertThat(e.errorCode()).isEqualTo("temporarily_unavailable");
        // msal4j retries a 5xx without Retry-After once (after 1 s): two requests reach the endpoint
        assertThat(http.sent()).isEqualTo(2);
    }

    @Test
    void throttlingSurfacesAs429WithRetryAfter() throws Exception {
        server.faults.merge("{\"entraThrottleCount\":1,\"entraThrottleRetryAfterSeconds\":1}".getBytes(StandardCharsets.UTF_8));
        // a tenant of its own: msal4j remembers throttled requests process-wide (ThrottlingCache)
        ConfidentialClientApplication app = app(ADATUM_ID, CERT_APP,
                ClientCredentialFactory.createFromClientAssertion("unused-because-throttled-first"),
                new SimulatorHttpClient(server.port()));

        MsalServiceException e = serviceFailure(app, PBI_SCOPE);

        assertThat(e.statusCode()).isEqualTo(429);
        assertThat(e.getMessage()).contains("AADSTS90055");
        // header names arrive in whatever case the HTTP stack chose: read them case-insensitively
        assertThat(e.headers().keySet()).anyMatch(name -> name.equalsIgnoreCase("Retry-After"));
    }
}
