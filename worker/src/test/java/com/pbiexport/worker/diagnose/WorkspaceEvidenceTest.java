package com.pbiexport.worker.diagnose;

import com.pbiexport.worker.auth.FakeTokenSource;
import com.pbiexport.worker.auth.RecordingServer;
import com.pbiexport.worker.powerbi.PowerBiClient;
import com.pbiexport.worker.powerbi.PowerBiEndpoint;
import com.pbiexport.worker.powerbi.PowerBiHttpSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static com.pbiexport.worker.auth.RecordingServer.respond;
import static org.assertj.core.api.Assertions.assertThat;

/** How each answer of the read-only admin API reads, against a real in-process HTTP server. */
class WorkspaceEvidenceTest {
    private static final String WS = "3d5e0000-0000-4000-a000-000000000002";
    private static final String ROUTE = "/v1.0/myorg/admin/groups";
    private static final String APP = "c11e7700-0000-4000-a000-000000000002";

    private RecordingServer api;
    private PowerBiClient client;

    @BeforeEach
    void start() {
        api = RecordingServer.start();
        client = new PowerBiClient(new PowerBiEndpoint(api.uri()), new FakeTokenSource("contoso"),
                new PowerBiHttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), 2),
                Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        client.close();
        api.close();
    }

    private WorkspaceEvidence answer(int status, String body, String... headers) {
        api.on("GET", ROUTE, (ex, req) -> respond(ex, status, "application/json", body, headers));
        return WorkspaceEvidence.lookUp(client, WS, APP);
    }

    @Test
    void aListedActiveWorkspaceExists() {
        WorkspaceEvidence e = answer(200, "{\"value\":[{\"id\":\"" + WS.toUpperCase() + "\",\"name\":\"Finance\","
                + "\"type\":\"Workspace\",\"state\":\"Active\"}]}");

        assertThat(e).isEqualTo(new WorkspaceEvidence.Exists(WS.toUpperCase(), "Finance"));
        assertThat(api.requests().get(0).query()).contains("$top=1");
    }

    @Test
    void nothingListedMeansNoSuchWorkspaceInTheTenant() {
        assertThat(answer(200, "{\"value\":[]}")).isEqualTo(new WorkspaceEvidence.Absent(WS, Optional.empty()));
    }

    @Test
    void aDeletedWorkspaceIsNotOneToBecomeAMemberOf() {
        WorkspaceEvidence e = answer(200, "{\"value\":[{\"id\":\"" + WS + "\",\"name\":\"Old\",\"state\":\"Deleted\"}]}");

        assertThat(e).isEqualTo(new WorkspaceEvidence.Absent(WS, Optional.of("Deleted")));
        assertThat(e.explanation()).contains("only in state Deleted");
    }

    @Test
    void aRefusalNamesTheTenantSettingAndTheApp() {
        WorkspaceEvidence e = answer(401, "{\"error\":{\"code\":\"PowerBINotAuthorizedException\"}}");

        assertThat(e).isInstanceOfSatisfying(WorkspaceEvidence.Unknown.class, u ->
                assertThat(u.reason()).isEqualTo(WorkspaceEvidence.Reason.REFUSED));
        assertThat(e.explanation()).isEqualTo("Power BI answers 'not a member' and 'no such workspace' alike and this "
                + "could not be told apart: the read-only admin API refused this app (HTTP 401 "
                + "PowerBINotAuthorizedException); enable the tenant setting 'Service principals can access read-only "
                + "admin APIs' for a security group containing app " + APP);
    }

    @Test
    void throttlingKeepsRetryAfter() {
        WorkspaceEvidence e = answer(429, "{\"error\":{\"code\":\"TooManyRequests\"}}", "Retry-After", "42");

        assertThat(e).isInstanceOfSatisfying(WorkspaceEvidence.Unknown.class, u -> {
            assertThat(u.reason()).isEqualTo(WorkspaceEvidence.Reason.THROTTLED);
            assertThat(u.retryAfter()).contains(Duration.ofSeconds(42));
        });
        assertThat(e.explanation()).contains("throttled", "retry after 42 s");
    }

    @Test
    void aServerErrorIsAFailedLookUp() {
        WorkspaceEvidence e = answer(500, "{}");

        assertThat(e).isInstanceOfSatisfying(WorkspaceEvidence.Unknown.class, u ->
                assertThat(u.reason()).isEqualTo(WorkspaceEvidence.Reason.FAILED));
        assertThat(e.explanation()).contains("failed (HTTP 500)");
    }
}
