package com.pbiexport.worker.it.security;

import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.it.Lane;
import com.pbiexport.worker.it.Outcome;
import com.pbiexport.worker.it.WorkerHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.pbiexport.worker.it.ScenarioIds.CONTOSO_TENANT_ID;
import static com.pbiexport.worker.it.ScenarioIds.FABRIKAM_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.FABRIKAM_WS;
import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tenant isolation end to end: one worker serves two tenants with interleaved requests; the Power BI simulator
 * answers a token of one tenant on the other tenant's workspace with 401 and counts it
 * ({@code foreignTenantTokenRejected}). A deliberate cross-tenant request first proves the counter does catch one;
 * then forty interleaved requests of both tenants all complete and the counter does not move.
 */
class TenantIsolationIT {
    private static final String FOREIGN_TOKENS = "foreignTenantTokenRejected";
    private static final String FABRIKAM_TENANT_ID = "4a1f0c2e-0000-4000-a000-000000000002";
    private static WorkerHarness harness;

    @BeforeAll
    static void start() {
        harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(20));
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void interleavedRequestsOfTwoTenantsNeverCarryTheOtherTenantsToken() {
        try (Lane lane = harness.lane("tenants")) {
            lane.startWorker();

            // control: a request naming tenant contoso but fabrikam's workspace makes the worker send contoso's
            // token to fabrikam's workspace; the simulator must refuse and count it, or the zero below means nothing
            Outcome control = lane.publishAndAwait(ExportRequested.builder(id(), DemoStack.CONTOSO, FABRIKAM_WS,
                    FABRIKAM_REPORT, ExportFormat.PDF).build(), Duration.ofSeconds(60));
            assertThat(control.failed().error().httpStatus()).isEqualTo(401);
            long afterControl = harness.stack().counters().get(FOREIGN_TOKENS);
            assertThat(afterControl).as("the simulator counts a foreign-tenant token").isPositive();

            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add(lane.publish(ExportRequested.builder(id(), DemoStack.CONTOSO, SALES_WS, SALES_REPORT,
                        ExportFormat.PDF).build()));
                ids.add(lane.publish(ExportRequested.builder(id(), DemoStack.FABRIKAM, FABRIKAM_WS, FABRIKAM_REPORT,
                        ExportFormat.PDF).build()));
            }
            Map<String, Outcome> outcomes = lane.awaitOutcomes(ids, Duration.ofSeconds(120));

            assertThat(outcomes.values()).allSatisfy(o -> assertThat(o.isCompleted()).as(o.describe()).isTrue());
            assertThat(harness.stack().counters().get(FOREIGN_TOKENS))
                    .as("cross-tenant tokens during the interleaved run").isEqualTo(afterControl);
            assertThat(harness.stack().counters().get("tokensIssued." + CONTOSO_TENANT_ID)).isPositive();
            assertThat(harness.stack().counters().get("tokensIssued." + FABRIKAM_TENANT_ID)).isPositive();
        }
    }

    private static String id() {
        return "it-" + UUID.randomUUID();
    }
}
