package com.pbiexport.worker.it;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.contracts.ErrorCategory;
import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.contracts.ExportFailed;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.app.WorkerApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.pbiexport.worker.it.ScenarioIds.A1_CAPACITY;
import static com.pbiexport.worker.it.ScenarioIds.CONTOSO_TENANT_ID;
import static com.pbiexport.worker.it.ScenarioIds.OPS_A1_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.OPS_A1_WS;
import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker under pressure on one devstack whose tokens live 8 s and whose render rounds (5 pages each) take
 * 2.5 s: a throttled capacity, busy and permanent export failures, a token expiring mid-job, a worker restarted
 * while its exports are in flight.
 */
class ResilienceIT {
    private static final Logger log = LoggerFactory.getLogger(ResilienceIT.class);
    private static final long TOKEN_LIFETIME_SECONDS = 8;
    private static final long ROUND_MILLIS = 2500;
    private static WorkerHarness harness;

    @BeforeAll
    static void startStack() {
        harness = WorkerHarness.start(Scenario.defaultScenario()
                .withTokenLifetimeSeconds(TOKEN_LIFETIME_SECONDS).withPageRenderMillis(ROUND_MILLIS));
    }

    @AfterAll
    static void stopStack() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void throttledCapacityMakesTheWorkerWaitAndEveryRequestCompletes() {
        Counters counters = harness.stack().counters();
        long throttledBefore = counters.get("throttled429");
        try (Lane lane = harness.lane("throttled")) {
            lane.startWorker();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ids.add(lane.publish(ExportRequested.builder(id("a1-" + i), DemoStack.CONTOSO, OPS_A1_WS, OPS_A1_REPORT,
                        ExportFormat.PDF).build()));
            }
            Map<String, Outcome> out = lane.awaitOutcomes(ids, Duration.ofSeconds(90));

            assertThat(out.values()).allSatisfy(o -> assertThat(o.isCompleted()).as(o.describe()).isTrue());
            assertThat(out.values()).allSatisfy(o -> assertThat(o.completed().attempts())
                    .as("a 429 on start is a wait, not an attempt").isEqualTo(1));
            assertThat(counters.get("throttled429") - throttledBefore).as("429s answered by the A1 capacity")
                    .isPositive();
            harness.stack().refreshGauges();
            assertThat(counters.get("maxConcurrentExports." + A1_CAPACITY)).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void busyFailedExportIsStartedAgainAndCompletesOnTheSecondAttempt() {
        try (Lane lane = harness.lane("busy")) {
            lane.startWorker();
            long startsBefore = harness.stack().counters().get("exportToCalls");
            harness.faults("{\"exportBusyFailures\":1}");
            ExportCompleted c = lane.publishAndAwait(ExportRequested.builder(id("busy"), DemoStack.CONTOSO, SALES_WS,
                    SALES_REPORT, ExportFormat.PDF).build(), Duration.ofSeconds(60)).completed();

            assertThat(c.attempts()).isEqualTo(2);
            assertThat(harness.stack().counters().get("exportToCalls") - startsBefore).isEqualTo(2);
            assertThat(ItFiles.sha256(ItFiles.read(c.file().uri()))).isEqualTo(c.file().sha256());
        } finally {
            harness.faults("{\"exportBusyFailures\":0}");
        }
    }

    @Test
    void permanentlyFailedExportEndsAsExportFailed() {
        try (Lane lane = harness.lane("permanent")) {
            lane.startWorker();
            harness.faults("{\"exportPermanentFailures\":1}");
            ExportFailed f = lane.publishAndAwait(ExportRequested.builder(id("permanent"), DemoStack.CONTOSO, SALES_WS,
                    SALES_REPORT, ExportFormat.PDF).build(), Duration.ofSeconds(60)).failed();

            assertThat(f.error().code()).isEqualTo("EXPORT_FAILED");
            assertThat(f.error().category()).isEqualTo(ErrorCategory.EXPORT_FAILED);
            assertThat(f.error().retryable()).isFalse();
            assertThat(f.attempts()).isEqualTo(1);
            assertThat(f.exportId()).isNotBlank();
        } finally {
            harness.faults("{\"exportPermanentFailures\":0}");
        }
    }

    @Test
    void tokenExpiringMidJobIsRenewedAndEveryExportCompletes() {
        Counters counters = harness.stack().counters();
        String tenantCounter = "tokenRequests." + CONTOSO_TENANT_ID;
        try (Lane lane = harness.lane("token")) {
            lane.startWorker();
            long tokensBefore = counters.get(tenantCounter);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                // 25 pages = 5 rounds = 12.5 s of rendering: the polls outlive the 8 s token
                ids.add(lane.publish(ExportRequested.builder(id("token-" + i), DemoStack.CONTOSO, SALES_WS,
                        SALES_REPORT, ExportFormat.PDF).powerBIReportConfiguration(pages(25)).build()));
            }
            Map<String, Outcome> out = lane.awaitOutcomes(ids, Duration.ofSeconds(90));

            assertThat(out.values()).allSatisfy(o -> assertThat(o.isCompleted()).as(o.describe()).isTrue());
            assertThat(out.values()).allSatisfy(o -> assertThat(o.completed().timings().renderMs())
                    .as("the render outlived one token").isGreaterThan(TOKEN_LIFETIME_SECONDS * 1000));
            long tokenRequests = counters.get(tenantCounter) - tokensBefore;
            log.info("token requests of contoso during a {} s run with {} s tokens: {}",
                    out.values().stream().mapToLong(o -> o.completed().timings().totalMs()).max().orElse(0) / 1000,
                    TOKEN_LIFETIME_SECONDS, tokenRequests);
            assertThat(tokenRequests).as("token requests of the contoso tenant").isGreaterThan(1);
        }
    }

    @Test
    void workerRestartedMidExportLosesNoRequest() {
        int n = 6;
        try (Lane lane = harness.lane("restart")) {
            WorkerApp first = lane.startWorker();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // 50 pages = 10 rounds = 25 s: longer than the worker's 20 s drain on close
                ids.add(lane.publish(ExportRequested.builder(id("restart-" + i), DemoStack.CONTOSO, SALES_WS,
                        SALES_REPORT, ExportFormat.PDF).powerBIReportConfiguration(pages(50)).build()));
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> first.inFlight() == n);
            first.close(); // drains up to 20 s, then cancels what is still running

            lane.startWorker();
            lane.awaitOutcomes(ids, Duration.ofSeconds(120));
            Map<String, List<Outcome>> all = lane.allOutcomes(Duration.ofSeconds(3));

            int duplicates = 0;
            for (String id : ids) {
                List<Outcome> outcomes = all.get(id);
                assertThat(outcomes).as("outcomes of %s", id).isNotEmpty();
                assertThat(outcomes).allSatisfy(o -> assertThat(o.isCompleted()).as(o.describe()).isTrue());
                if (outcomes.size() > 1) {
                    duplicates += outcomes.size() - 1;
                    log.warn("request {} got {} outcomes after the restart", id, outcomes.size());
                }
            }
            log.info("restart mid-export: {} requests, {} answered, {} duplicate outcome(s)", n,
                    ids.stream().filter(all::containsKey).count(), duplicates);
            assertThat(ids).allSatisfy(id -> assertThat(all).containsKey(id));
        }
    }

    private static ObjectNode pages(int count) {
        ObjectNode cfg = JsonNodeFactory.instance.objectNode();
        ArrayNode pages = cfg.putArray("pages");
        for (int i = 1; i <= count; i++) {
            pages.addObject().put("pageName", "ReportSection" + i);
        }
        return cfg;
    }

    private static String id(String name) {
        return "it-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
