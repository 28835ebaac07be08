package com.pbiexport.worker.it.faults;

import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.it.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static com.pbiexport.worker.it.ScenarioIds.INVOICE_PAGINATED;
import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #7, Faults: 10 % of all Power BI calls answered 500/503, another 10 % of connections closed without an
 * answer, and every file download throttled. Every request must still complete on its first export attempt:
 * retryable faults inside the error budget never surface as failures, and every completion names a whole file.
 */
class PowerBiFlakinessIT {
    private static final Logger log = LoggerFactory.getLogger(PowerBiFlakinessIT.class);
    static final int REQUESTS = 30;
    static final double ERROR_RATE = 0.10;
    static final double DROP_RATE = 0.10;
    /** Downloads cut half-way (connection closed mid-body) on top of the 5xx and drops. */
    static final double TRUNCATE_RATE = 0.10;
    /**
     * The first downloads served are cut whatever the rate: at 10 % of ~30 downloads, one run in twenty would
     * otherwise see no cut at all, and the test would not prove what it claims (it failed CI once that way).
     */
    static final int TRUNCATE_FIRST = 2;
    /**
     * Consecutive transient errors an export tolerates. A download attempt fails here with probability
     * 1 - 0.9 x 0.9 x 0.9 = 0.27; with the default budget (5) one request in ~2,600 would exhaust it (1 % of runs of
     * this test), with 8 one in ~130,000. Back-off is capped at 4 s so a long streak does not outlast the test.
     */
    static final int ERROR_BUDGET = 8;
    /** The simulator's files are 1-2 KB: at 1 KB/s every download takes one to two seconds. */
    static final long DOWNLOAD_BYTES_PER_SECOND = 1024;

    @TempDir
    Path output;

    @Test
    void everyRequestCompletesDespite5xxDroppedConnectionsAndSlowDownloads() {
        try (DevStack stack = DevStack.builder().scenario(Scenario.defaultScenario().withPageRenderMillis(300))
                .kafka(true).start();
             FaultRig rig = FaultRig.open(stack.kafka().orElseThrow(), stack, "flaky", output,
                     cfg -> FaultRig.withRetries(cfg, ERROR_BUDGET, Duration.ofSeconds(4)))) {
            stack.faults().merge(("{\"powerBiErrorRate\":" + ERROR_RATE + ",\"dropConnectionRate\":" + DROP_RATE
                    + ",\"truncatedDownloadRate\":" + TRUNCATE_RATE + ",\"truncatedDownloadCount\":" + TRUNCATE_FIRST
                    + ",\"downloadBytesPerSecond\":" + DOWNLOAD_BYTES_PER_SECOND
                    + "}").getBytes(StandardCharsets.UTF_8));
            Counters counters = stack.counters();
            rig.startWorker();
            long t0 = System.nanoTime();

            List<String> ids = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                // Power BI reports (PDF) and paginated reports (PDF, bigger files) mixed
                boolean paginated = i % 3 == 0;
                ids.add(rig.publish(ExportRequested.builder("flaky-" + i + "-" + UUID.randomUUID(), DemoStack.CONTOSO,
                        SALES_WS, paginated ? INVOICE_PAGINATED : SALES_REPORT, ExportFormat.PDF).build()));
            }
            Tally tally = rig.await(ids, Duration.ofSeconds(75), Duration.ofSeconds(2));
            long seconds = Duration.ofNanos(System.nanoTime() - t0).toSeconds();

            long injected5xx = counters.get("http5xxInjected");
            long dropped = counters.get("connectionsDropped");
            log.info("RELIABILITY power-bi-flakiness: {} in {} s; simulator: exportToCalls={} polls={} fileDownloads={}"
                            + " http5xxInjected={} connectionsDropped={} downloadsTruncated={} bytesServed={}", tally, seconds,
                    counters.get("exportToCalls"), counters.get("polls"), counters.get("fileDownloads"), injected5xx,
                    dropped, counters.get("downloadsTruncated"), counters.get("bytesServed"));

            assertThat(tally.answered()).as(tally.summary()).isEqualTo(REQUESTS);
            assertThat(tally.completed()).as("retryable faults never surface: %s", tally.failedByCode())
                    .isEqualTo(REQUESTS);
            assertThat(tally.duplicates()).isZero();
            for (Outcome o : tally.first().values()) {
                assertThat(o.completed().attempts()).as("a 5xx or dropped start is not an export attempt").isEqualTo(1);
                Tally.assertStored(o.completed());
            }
            assertThat(injected5xx).as("5xx answers injected").isPositive();
            assertThat(dropped).as("connections dropped").isPositive();
            assertThat(counters.get("downloadsTruncated")).as("downloads cut mid-body")
                    .isGreaterThanOrEqualTo(TRUNCATE_FIRST);
            assertThat(rig.deadLetters()).isEmpty();
        }
    }
}
