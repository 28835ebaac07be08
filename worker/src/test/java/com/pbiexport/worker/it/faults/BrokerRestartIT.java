package com.pbiexport.worker.it.faults;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.kafka.KafkaProcess;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.app.WorkerApp;
import com.pbiexport.worker.it.Outcome;
import org.apache.kafka.clients.producer.RecordMetadata;
import com.pbiexport.worker.config.DeliveryMode;
import com.pbiexport.worker.config.DeliverySettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #7, Faults: the broker (a separate JVM) is SIGKILLed while exports are in flight, stays away while they
 * finish rendering and while more requests are produced, then comes back on the same ports with the same data.
 * Nothing is lost: every request, before, during and after the outage, gets an outcome from the same worker
 * instance, which is never restarted. Run in both delivery modes; exactly-once also proves one outcome per request.
 */
class BrokerRestartIT {
    private static final Logger log = LoggerFactory.getLogger(BrokerRestartIT.class);
    static final int BEFORE = 20;
    static final int DURING = 10;
    static final int AFTER = 5;
    /** Longer than a render round (1 s), so exports finish while the broker is away and wait to publish. */
    static final Duration OUTAGE = Duration.ofSeconds(6);

    @TempDir
    Path output;

    @ParameterizedTest(name = "delivery.mode {0}")
    @EnumSource(DeliveryMode.class)
    void brokerKilledAndRestartedMidRunLosesNoRequestAndTheWorkerRecoversWithoutRestart(DeliveryMode mode)
            throws Exception {
        try (KafkaProcess broker = KafkaProcess.start();
             DevStack stack = DevStack.builder().scenario(Scenario.defaultScenario().withPageRenderMillis(1000))
                     .kafka(false).start();
             FaultRig rig = FaultRig.open(broker, stack, "broker", output,
                     cfg -> cfg.withDelivery(new DeliverySettings(mode)))) {
            WorkerApp worker = rig.startWorker();
            long t0 = System.nanoTime();

            List<String> before = publish(rig, "before", BEFORE);
            await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(50))
                    .until(() -> rig.answered(before) >= 3);
            int answeredBeforeKill = rig.answered(before);
            int inFlightAtKill = worker.inFlight();
            broker.kill();
            long killedAt = System.nanoTime();

            // requests produced while the broker is away, from another thread: send() may block on metadata (up to
            // max.block.ms, 60 s) until the broker is back, and must not hold up the restart
            List<String> during = new ArrayList<>();
            List<ExportRequested> duringRequests = new ArrayList<>();
            for (int i = 0; i < DURING; i++) {
                duringRequests.add(request("during", i));
                during.add(duringRequests.get(i).requestId());
            }
            long downMillis;
            ExecutorService producerThread = Executors.newSingleThreadExecutor();
            try {
                Future<List<RecordMetadata>> pending = producerThread.submit(() -> {
                    List<Future<RecordMetadata>> sends = new ArrayList<>();
                    duringRequests.forEach(r -> sends.add(rig.publishAsync(r)));
                    List<RecordMetadata> acks = new ArrayList<>();
                    for (Future<RecordMetadata> f : sends) {
                        acks.add(f.get(90, TimeUnit.SECONDS));
                    }
                    return acks;
                });
                await().pollDelay(OUTAGE).atMost(OUTAGE.plusSeconds(1)).until(() -> true); // the outage itself
                broker.restart();
                downMillis = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
                assertThat(pending.get(90, TimeUnit.SECONDS)).hasSize(DURING);
            } finally {
                producerThread.shutdownNow();
            }

            List<String> all = new ArrayList<>(before);
            all.addAll(during);
            Tally outage = rig.await(all, Duration.ofSeconds(60), Duration.ZERO);
            List<String> after = publish(rig, "after", AFTER);
            all.addAll(after);
            Tally tally = rig.await(all, Duration.ofSeconds(30), Duration.ofSeconds(3));
            log.info("RELIABILITY broker-restart {}: {} (answered before the kill {}, in flight at the kill {}, broker"
                            + " down {} ms, total {} s)", mode.name(), tally, answeredBeforeKill, inFlightAtKill, downMillis,
                    Duration.ofNanos(System.nanoTime() - t0).toSeconds());

            assertThat(inFlightAtKill).as("exports in flight when the broker died").isPositive();
            assertThat(outage.answered()).as("requests before and during the outage").isEqualTo(BEFORE + DURING);
            assertThat(tally.answered()).as(tally.summary()).isEqualTo(BEFORE + DURING + AFTER);
            assertThat(tally.completed()).as(tally.summary()).isEqualTo(BEFORE + DURING + AFTER);
            for (Outcome o : tally.first().values()) {
                Tally.assertStored(o.completed());
            }
            assertThat(rig.deadLetters()).isEmpty();
            if (mode == DeliveryMode.EXACTLY_ONCE) {
                assertThat(tally.duplicates()).as("read_committed readers see one outcome per request").isZero();
            }
        }
    }

    private static List<String> publish(FaultRig rig, String phase, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(rig.publish(request(phase, i)));
        }
        return ids;
    }

    private static ExportRequested request(String phase, int i) {
        // 5 to 30 pages: 1 to 6 render rounds of 1 s, so completions spread over the outage
        return ExportRequested.builder("broker-" + phase + "-" + i + "-" + UUID.randomUUID(), DemoStack.CONTOSO,
                SALES_WS, SALES_REPORT, ExportFormat.PDF).powerBIReportConfiguration(pages(5 * (1 + i % 6))).build();
    }

    static ObjectNode pages(int count) {
        ObjectNode cfg = JsonNodeFactory.instance.objectNode();
        ArrayNode pages = cfg.putArray("pages");
        for (int i = 1; i <= count; i++) {
            pages.addObject().put("pageName", "ReportSection" + i);
        }
        return cfg;
    }
}
