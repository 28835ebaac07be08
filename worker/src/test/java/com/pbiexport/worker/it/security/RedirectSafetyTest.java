package com.pbiexport.worker.it.security;

import com.pbiexport.worker.auth.CredentialSource;
import com.pbiexport.worker.auth.FakeTokenSource;
import com.pbiexport.worker.auth.MsalTokenSource;
import com.pbiexport.worker.auth.RecordingServer;
import com.pbiexport.worker.auth.TenantCredentials;
import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.auth.TokenPolicy;
import com.pbiexport.worker.powerbi.ExportTarget;
import com.pbiexport.worker.powerbi.PowerBiClient;
import com.pbiexport.worker.powerbi.PowerBiEndpoint;
import com.pbiexport.worker.powerbi.PowerBiException;
import com.pbiexport.worker.powerbi.PowerBiFailure;
import com.pbiexport.worker.powerbi.PowerBiHttpSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static com.pbiexport.worker.auth.RecordingServer.respond;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Neither HTTP client of the worker follows a redirect, whatever its status, so neither the bearer token (Power BI)
 * nor the client secret (token endpoint) can be carried to another host: checked against two real loopback servers,
 * the second of which records everything it receives.
 */
class RedirectSafetyTest {
    private static final String WS = "3d5e0000-0000-4000-a000-000000000001";
    private static final String REPORT = "7e000000-0000-4000-a000-000000000001";
    private static final String EXPORT = "Mi9C5419i....=";
    private static final String BASE = "/v1.0/myorg/groups/" + WS + "/reports/" + REPORT;

    private RecordingServer api;
    private RecordingServer foreign;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void start() {
        api = RecordingServer.start();
        foreign = RecordingServer.start().otherwise((ex, req) -> respond(ex, 200, "application/json",
                "{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"id\":\"e\",\"status\":\"Running\"}"));
    }

    @AfterEach
    void stop() {
        api.close();
        foreign.close();
        scheduler.shutdownNow();
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void aPowerBiRedirectToAnotherHostIsRefusedForEveryStatusAndNothingReachesIt(int status) {
        api.otherwise((ex, req) -> respond(ex, status, null, "", "Location", foreign.uri() + req.path()));
        try (PowerBiClient client = client()) {
            assertThatThrownBy(() -> client.getExportStatus(new ExportTarget(WS, REPORT, Optional.empty()), EXPORT))
                    .isInstanceOfSatisfying(PowerBiException.class, e ->
                            assertThat(e.failure()).isInstanceOf(PowerBiFailure.Refused.class));
            assertThatThrownBy(() -> client.getReport(WS, REPORT))
                    .isInstanceOfSatisfying(PowerBiException.class, e ->
                            assertThat(e.failure()).isInstanceOf(PowerBiFailure.Refused.class));
        }
        assertThat(foreign.requests()).isEmpty();
        assertThat(api.requests()).hasSize(2);
    }

    @Test
    void aSameOriginRedirectIsNotFollowedEither() {
        api.on("GET", BASE + "/exports/" + EXPORT, (ex, req) -> respond(ex, 307, null, "", "Location",
                api.uri() + "/elsewhere"));
        try (PowerBiClient client = client()) {
            assertThatThrownBy(() -> client.getExportStatus(new ExportTarget(WS, REPORT, Optional.empty()), EXPORT))
                    .isInstanceOfSatisfying(PowerBiException.class, e ->
                            assertThat(e.failure()).isInstanceOfSatisfying(PowerBiFailure.Http.class, h ->
                                    assertThat(h.status()).isEqualTo(307)));
        }
        assertThat(api.requests()).extracting(RecordingServer.Recorded::path)
                .containsExactly(BASE + "/exports/" + EXPORT);
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {302, 307, 308})
    void aTokenEndpointRedirectDoesNotCarryTheClientSecretAnywhere(int status) {
        String secret = "redirect-secret-" + UUID.randomUUID();
        RecordingServer entra = api.otherwise((ex, req) -> respond(ex, status, null, "", "Location",
                foreign.uri() + req.path()));
        TenantCredentials tenant = new TenantCredentials("contoso", "4a1f0c2e-0000-4000-a000-000000000001",
                "client-id-1", URI.create("https://login.microsoftonline.com/"),
                "https://analysis.windows.net/powerbi/api/.default", new CredentialSource.Secret(() -> secret),
                Optional.of(entra.uri()));
        try (MsalTokenSource source = new MsalTokenSource(tenant, new TokenPolicy(0.75, Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(60)), Clock.systemUTC(), scheduler)) {
            assertThatThrownBy(source::token).isInstanceOfSatisfying(TokenAcquisitionException.class, e ->
                    assertThat(e.getMessage()).doesNotContain(secret));
        }
        assertThat(entra.requests()).as("the token request went to the configured endpoint").isNotEmpty()
                .allSatisfy(r -> assertThat(r.bodyText()).contains("client_secret"));
        assertThat(foreign.requests()).isEmpty();
    }

    private PowerBiClient client() {
        return new PowerBiClient(new PowerBiEndpoint(api.uri()), new FakeTokenSource("contoso"),
                PowerBiHttpSettings.defaults(), Clock.systemUTC());
    }
}
