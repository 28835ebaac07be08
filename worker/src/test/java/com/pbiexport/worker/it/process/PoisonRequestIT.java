package com.pbiexport.worker.it.process;

import com.pbiexport.contracts.ExportFailed;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.it.TestClients;
import com.pbiexport.worker.jobstate.JobState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 item 4: a request that kills its worker every time it runs must not kill every instance in turn. A
 * worker JVM is SIGKILLed the moment its claim on the poison request is committed to the job-state topic (the
 * durable sign that it started processing it), three times, each restart under the same instance id; the fourth
 * worker answers the request {@code POISON_REQUEST} (naming the three crashes) instead of running it, while the
 * requests sent alongside it are exported normally; a {@code read_committed} reader sees exactly one outcome each.
 */
class PoisonRequestIT {
    private static final int CRASHES = 3; // intake.poisonAfterCrashes, default
    private static DevStack stack;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startStack() {
        stack = DevStack.builder().scenario(Scenario.defaultScenario().withPageRenderMillis(500)).kafka(true).start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aRequestInFlightAtThreeCrashesIsAnsweredPoisonRequestAndTheOthersAreExported() {
        Path logs = CrashWorkers.logDir(dir, "PoisonRequestIT");
        WorkerProcess worker = null;
        try (CrashLane lane = CrashLane.create(stack, "poison", 1);
             KafkaConsumer<byte[], byte[]> states = new KafkaConsumer<>(
                     TestClients.readCommitted(stack.kafkaBootstrap()))) {
            String instanceId = lane.groupId() + "-w0";
            // static membership: each restart (same id) takes the partition back at once and fences its predecessor
            Path config = CrashWorkers.configFile(stack, lane, dir, instanceId, Map.of("group.instance.id",
                    instanceId, "session.timeout.ms", "10000", "heartbeat.interval.ms", "1000"),
                    Map.of("transaction.timeout.ms", "10000"));
            TopicPartition statePartition = new TopicPartition(lane.topics().jobState(), 0);
            states.assign(List.of(statePartition));
            states.seekToBeginning(List.of(statePartition));
            Map<String, JobState> latest = new HashMap<>();

            // 40 pages: 4 s of rendering, so the request is surely still in flight when its worker dies
            String poison = lane.publish(CrashWorkers.request("poison", 40));
            for (int crash = 1; crash <= CRASHES; crash++) {
                worker = WorkerProcess.start("poison-w" + crash, config, logs);
                int claims = crash;
                String seen = awaitClaims(states, latest, poison, claims, Duration.ofSeconds(120), worker);
                worker.kill(); // SIGKILL: no release, no answer
                System.out.println("PoisonRequestIT crash #" + crash + ": killed " + worker + " after " + seen);
            }

            List<String> others = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                others.add(lane.publish(CrashWorkers.request("alongside-" + i, 5)));
            }
            worker = WorkerProcess.start("poison-w" + (CRASHES + 1), config, logs);
            List<String> all = new ArrayList<>(others);
            all.add(poison);
            Set<String> missing = lane.awaitOutcomes(all, Duration.ofSeconds(120));
            lane.readFor(Duration.ofSeconds(3)); // late duplicates would show up now
            CrashLane.Tally tally = lane.tally(all);
            System.out.println("PoisonRequestIT " + tally.summary());

            assertThat(missing).as("requests without an outcome; logs in %s", logs).isEmpty();
            assertThat(tally.duplicated()).as("answered more than once (read_committed)").isEmpty();
            assertThat(tally.deadLetters()).isZero();
            assertThat(tally.completed()).as("the requests sent alongside are exported").isEqualTo(others.size());
            assertThat(tally.failures()).singleElement().asString().startsWith(poison + ": ");
            ExportFailed answer = lane.outcomeOf(poison).failed();
            assertThat(answer.error().code()).isEqualTo("POISON_REQUEST");
            assertThat(answer.error().retryable()).isFalse();
            assertThat(answer.error().message()).contains("last 3 times", "key " + poison,
                    lane.topics().jobState() + " partition 0", "new requestId");
            List<Instant> claimed = latest.get(poison).claims();
            assertThat(claimed).hasSize(CRASHES);
            claimed.forEach(t -> assertThat(answer.error().message()).contains(t.toString()));
            assertThat(worker.isAlive()).as("the fourth worker survives: it never ran the request").isTrue();
        } finally {
            if (worker != null) {
                worker.kill();
            }
        }
    }

    /** Reads committed job states until {@code requestId}'s holds {@code claims} claims; describes what it saw. */
    private static String awaitClaims(KafkaConsumer<byte[], byte[]> states, Map<String, JobState> latest,
                                      String requestId, int claims, Duration timeout, WorkerProcess worker) {
        Instant until = Instant.now().plus(timeout);
        while (Instant.now().isBefore(until)) {
            for (ConsumerRecord<byte[], byte[]> r : states.poll(Duration.ofMillis(100))) {
                String key = new String(r.key(), StandardCharsets.UTF_8);
                if (r.value() == null) {
                    latest.remove(key);
                } else {
                    JobState.fromJson(r.value()).ifPresent(s -> latest.put(key, s));
                }
            }
            JobState s = latest.get(requestId);
            if (s != null && s.claims().size() >= claims) {
                assertThat(s.claims()).as("claims of owners that died with it, then this one's").hasSize(claims);
                return "claim " + claims + " committed (state " + s.status() + ", claims " + s.claims() + ")";
            }
        }
        throw new AssertionError("claim " + claims + " on " + requestId + " not committed within " + timeout
                + "; state " + latest.get(requestId) + "; worker log:\n" + worker.logTail(40));
    }
}
