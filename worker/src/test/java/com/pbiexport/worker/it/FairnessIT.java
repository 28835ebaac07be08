package com.pbiexport.worker.it;

import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.pbiexport.worker.it.ScenarioIds.FABRIKAM_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.FABRIKAM_WS;
import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fairness end to end: a burst of one tenant fills the instance's in-flight budget; a single request of another
 * tenant published after the burst starts at the next freed slot instead of after the burst drains.
 */
class FairnessIT {
    private static final int BURST = 40;
    private static final int MAX_IN_FLIGHT = 4;
    private static WorkerHarness harness;

    @BeforeAll
    static void startStack() {
        harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(400));
    }

    @AfterAll
    static void stopStack() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void aSingleRequestOfAnotherTenantOvertakesABurstThatFillsTheInFlightBudget() {
        try (Lane lane = harness.lane("fair", c -> c.withLimits(c.limits().withMaxInFlight(MAX_IN_FLIGHT)))) {
            lane.startWorker();
            List<String> burst = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                burst.add(lane.publish(ExportRequested.builder("burst-" + i + "-" + UUID.randomUUID(),
                        DemoStack.CONTOSO, SALES_WS, SALES_REPORT, ExportFormat.PDF).build()));
            }
            String single = lane.publish(ExportRequested.builder("single-" + UUID.randomUUID(), DemoStack.FABRIKAM,
                    FABRIKAM_WS, FABRIKAM_REPORT, ExportFormat.PDF).build());
            List<String> all = new ArrayList<>(burst);
            all.add(single);

            Map<String, Outcome> out = lane.awaitOutcomes(all, Duration.ofSeconds(150));

            Instant singleDone = out.get(single).completed().completedAt();
            long burstBefore = burst.stream().map(id -> out.get(id).completed()).map(ExportCompleted::completedAt)
                    .filter(t -> t.isBefore(singleDone)).count();
            // FIFO would finish it after all 40; fair admission gives it the first slot freed after it arrived
            assertThat(burstBefore).as("burst exports finished before the single one").isLessThan(2L * MAX_IN_FLIGHT);
        }
    }
}
