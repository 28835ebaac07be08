package com.pbiexport.worker.it.security;

import com.pbiexport.contracts.ExportFailed;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.ForeignHosts;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.auth.RecordingServer;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.it.Lane;
import com.pbiexport.worker.it.Outcome;
import com.pbiexport.worker.it.WorkerHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.UUID;

import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bearer token never leaves the configured Power BI origin, end to end: the simulator (opt-in
 * {@link ForeignHosts}) points a finished export's {@code resourceLocation} at, or redirects its download to, a
 * second real HTTP server on another loopback port that records every request. The worker refuses with
 * {@code PBI_REFUSED_FOREIGN_HOST} and that server never receives a request, let alone an Authorization header.
 */
class ForeignHostIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static WorkerHarness harness;
    private static RecordingServer foreign;
    private static Lane lane;

    @BeforeAll
    static void start() {
        harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(20));
        foreign = RecordingServer.start().otherwise((ex, req) ->
                RecordingServer.respond(ex, 200, "application/pdf", "%PDF-stolen"));
        lane = harness.lane("foreign-host");
        lane.startWorker();
    }

    @AfterAll
    static void stop() {
        try {
            if (lane != null) {
                lane.close();
            }
        } finally {
            if (foreign != null) {
                foreign.close();
            }
            if (harness != null) {
                harness.close();
            }
        }
    }

    @AfterEach
    void normalAnswersAgain() {
        harness.stack().foreignHosts().off();
    }

    @Test
    void aResourceLocationOnAnotherHostIsRefusedAndTheTokenNeverSentThere() {
        harness.stack().foreignHosts().set(new ForeignHosts.ForeignResourceLocation(foreign.uri()));

        ExportFailed failed = lane.publishAndAwait(request(), TIMEOUT).failed();

        assertThat(failed.error().code()).isEqualTo(ErrorCode.PBI_REFUSED_FOREIGN_HOST.name());
        assertThat(failed.error().message()).contains(foreign.uri().getAuthority());
        assertThat(harness.stack().counters().get("foreignResourceLocations")).isPositive();
        assertNothingReachedTheForeignHost();
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {302, 307})
    void aDownloadRedirectToAnotherHostIsNotFollowedAndTheTokenNeverSentThere(int status) {
        long redirectsBefore = harness.stack().counters().get("foreignRedirects");
        harness.stack().foreignHosts().set(new ForeignHosts.RedirectDownload(foreign.uri(), status));

        ExportFailed failed = lane.publishAndAwait(request(), TIMEOUT).failed();

        assertThat(failed.error().code()).isEqualTo(ErrorCode.PBI_REFUSED_FOREIGN_HOST.name());
        assertThat(harness.stack().counters().get("foreignRedirects")).as("the simulator did redirect")
                .isGreaterThan(redirectsBefore);
        assertNothingReachedTheForeignHost();
    }

    @Test
    void withoutStagedForeignHostsTheSameRequestCompletes() {
        Outcome outcome = lane.publishAndAwait(request(), TIMEOUT);
        assertThat(outcome.isCompleted()).as(outcome.describe()).isTrue();
        assertNothingReachedTheForeignHost();
    }

    private static void assertNothingReachedTheForeignHost() {
        assertThat(foreign.requests()).as("requests the foreign host received")
                .noneMatch(r -> r.header("Authorization") != null)
                .isEmpty();
    }

    private static ExportRequested request() {
        return ExportRequested.builder("it-" + UUID.randomUUID(), DemoStack.CONTOSO, SALES_WS, SALES_REPORT,
                ExportFormat.PDF).build();
    }
}
