package com.pbiexport.worker.it.hostile;

import com.pbiexport.contracts.CloudEventHeaders;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.app.WorkerApp;
import com.pbiexport.worker.config.DeadLetterBreakerSettings;
import com.pbiexport.worker.config.IntakeSettings;
import com.pbiexport.worker.it.Lane;
import com.pbiexport.worker.it.Outcome;
import com.pbiexport.worker.it.WorkerHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.pbiexport.worker.it.ScenarioIds.FABRIKAM_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.FABRIKAM_WS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dead-letter breaker on the real broker: a flood of garbage on one partition stops that partition after
 * {@code minRecords} dead letters (the gauge shows it) instead of draining the flood into the dead-letter topic,
 * while the other partitions go on; after its cool-down the partition probes, and requests queued behind the garbage
 * are answered in the end: nothing is skipped.
 */
class DeadLetterBreakerIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int FLOOD = 1_000;
    private static final String GAUGE = "pbiexport.intake.dead.letter.breaker.open";
    private static WorkerHarness harness;

    @BeforeAll
    static void startStack() {
        harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(100));
    }

    @AfterAll
    static void stopStack() {
        if (harness != null) {
            harness.close();
        }
    }

    private static IntakeSettings breaker(Duration coolDown) {
        return new IntakeSettings(new DeadLetterBreakerSettings(true, 0.9, 100, 50, Duration.ofMinutes(5), coolDown));
    }

    @Test
    void aFloodOfGarbageOnOnePartitionStopsItAfterFiftyDeadLettersWhileTheOthersGoOn() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (Lane lane = harness.lane("flood", c -> c.withIntake(breaker(Duration.ofMinutes(10))));
             RawRecords raw = new RawRecords(harness.stack().kafkaBootstrap(), lane.config().topics().requests())) {
            WorkerApp worker = lane.startWorker();
            Instant start = Instant.now();
            for (int i = 0; i < FLOOD; i++) {
                raw.send(0, "garbage", ("not json " + i).getBytes(StandardCharsets.UTF_8), Map.of(), null);
            }
            raw.flush(Duration.ofSeconds(30));
            List<String> valid = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                valid.add(send(raw, i % 2 + 1, "other-" + run + "-" + i)); // partitions 1 and 2
            }
            String behind = send(raw, 0, "behind-" + run); // queued after the flood on the stopped partition
            raw.flush(Duration.ofSeconds(30));

            await("breaker open").atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                    .until(() -> gauge(worker) == 1.0);
            Duration toOpen = Duration.between(start, Instant.now());
            Map<String, Outcome> others = lane.awaitOutcomes(valid, TIMEOUT);
            List<Outcome> dead = lane.awaitDeadLetters(50, TIMEOUT);
            lane.allOutcomes(Duration.ofSeconds(5)); // time for more dead letters, had the partition not stopped
            int deadAfter = lane.awaitDeadLetters(0, Duration.ZERO).size();

            assertThat(others.values()).allMatch(Outcome::isCompleted);
            assertThat(deadAfter).as("dead letters of a %d-record flood", FLOOD).isEqualTo(50);
            assertThat(dead).allMatch(d -> "0".equals(d.header("dlq.partition")));
            assertThat(lane.allOutcomes(Duration.ZERO)).as("the request behind the flood waits").doesNotContainKey(behind);
            assertThat(gauge(worker)).isEqualTo(1.0);
            System.out.printf("DEAD-LETTER-BREAKER flood=%d dead letters=%d, open after %d ms; %d requests on other "
                    + "partitions completed meanwhile%n", FLOOD, deadAfter, toOpen.toMillis(), others.size());
        }
    }

    @Test
    void afterItsCoolDownTheStoppedPartitionProbesAndAnswersTheRequestsBehindTheGarbage() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (Lane lane = harness.lane("probe", c -> c.withIntake(breaker(Duration.ofSeconds(3))));
             RawRecords raw = new RawRecords(harness.stack().kafkaBootstrap(), lane.config().topics().requests())) {
            WorkerApp worker = lane.startWorker();
            for (int i = 0; i < 60; i++) { // opens at 50; the first probe meets the last 10 and opens it again
                raw.send(0, "garbage", ("[" + i + "]").getBytes(StandardCharsets.UTF_8), Map.of(), null);
            }
            List<String> behind = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                behind.add(send(raw, 0, "behind-" + run + "-" + i));
            }
            raw.flush(Duration.ofSeconds(30));

            Map<String, Outcome> answered = lane.awaitOutcomes(behind, TIMEOUT);

            assertThat(answered.values()).allMatch(Outcome::isCompleted);
            assertThat(lane.awaitDeadLetters(60, TIMEOUT)).as("every garbage record dead-lettered once, none skipped")
                    .hasSize(60);
            await("breaker closed").atMost(TIMEOUT).until(() -> gauge(worker) == 0.0);
        }
    }

    private static String send(RawRecords raw, int partition, String requestId) {
        ExportRequested r = ExportRequested.builder(requestId, DemoStack.FABRIKAM, FABRIKAM_WS, FABRIKAM_REPORT,
                ExportFormat.PDF).build();
        raw.send(partition, DemoStack.FABRIKAM, EventCodec.shared().write(r),
                CloudEventHeaders.build(UUID.randomUUID().toString(), CloudEventHeaders.TYPE_REQUESTED, "/breaker-it",
                        Instant.now(), requestId), null);
        return requestId;
    }

    private static double gauge(WorkerApp worker) {
        return worker.registry().get(GAUGE).gauge().value();
    }
}
