package com.pbiexport.worker.it.process;

import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.Counters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #4, scale-out under a crash: three worker JVMs in one consumer group on the real broker and the devstack,
 * one of them killed with SIGKILL while every export is running. Counted with a {@code read_committed} reader:
 * every request has exactly one outcome, and the exports the dead instance had started are resumed by the new
 * owners of its partitions (polled under the same exportId), not started again.
 */
class ScaleOutCrashIT {
    private static final Logger log = LoggerFactory.getLogger(ScaleOutCrashIT.class);
    /** One simulator round (5 pages); requests take 1 to 8 rounds, so many outlive the kill by seconds. */
    private static final long ROUND_MILLIS = 1500;
    private static final int PARTITIONS = 6;
    private static final int REQUESTS = 60;
    private static DevStack stack;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startStack() {
        stack = DevStack.builder().scenario(Scenario.defaultScenario().withPageRenderMillis(ROUND_MILLIS))
                .kafka(true).start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void killingOneOfThreeInstancesMidRunLosesNothingDuplicatesNothingAndStartsNothingAgain() {
        Instant t0 = Instant.now();
        Counters counters = stack.counters();
        List<WorkerProcess> workers = new ArrayList<>();
        Path logs = CrashWorkers.logDir(dir, "ScaleOutCrashIT");
        List<String> jvm = CrashWorkers.jvmOptions(dir);
        try (CrashLane lane = CrashLane.create(stack, "scale", PARTITIONS);
             JobStateWatch watch = new JobStateWatch(stack.kafkaBootstrap(), lane.topics().jobState())) {
            // dynamic membership: the dead member's partitions move after the session timeout (the broker's minimum)
            Map<String, String> consumer = Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1000");
            // an open transaction of the dead instance holds back read_committed readers until it times out
            Map<String, String> producer = Map.of("transaction.timeout.ms", "10000");
            for (int i = 0; i < 3; i++) {
                Path cfg = CrashWorkers.configFile(stack, lane, dir, lane.groupId() + "-w" + i, consumer, producer);
                workers.add(WorkerProcess.start("scale-w" + i, cfg, logs, jvm));
            }
            for (WorkerProcess w : workers) {
                w.awaitReady(Duration.ofSeconds(90)); // ready = partitions assigned: every instance has a share
            }
            long startsBefore = CrashWorkers.acceptedStarts(counters);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                ids.add(lane.publish(CrashWorkers.request("scale-" + i, 5 * (1 + i % 8))));
            }
            // kill once every export runs AND is recorded in job state: each one is then resumable by design
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
                lane.readNow();
                return CrashWorkers.acceptedStarts(counters) - startsBefore >= REQUESTS
                        && lane.recordedExportCount() >= REQUESTS;
            });
            WorkerProcess victim = workers.get(1);
            String victimId = lane.groupId() + "-w1";
            Set<Integer> victimPartitions = lane.assignedTo(victimId + "-intake");
            victim.kill();
            Instant killedAt = Instant.now();
            long startsAtKill = CrashWorkers.acceptedStarts(counters) - startsBefore;
            log.info("killed {} (SIGKILL) {} ms into the run, {} exports started", victim,
                    Duration.between(t0, killedAt).toMillis(), startsAtKill);

            Set<String> missing = lane.awaitOutcomes(ids, Duration.ofSeconds(120));
            lane.readFor(Duration.ofSeconds(3));
            CrashLane.Tally tally = lane.tally(ids);
            long starts = CrashWorkers.acceptedStarts(counters) - startsBefore;
            List<String> victims = lane.requestsIn(victimPartitions);
            long takenOver = victims.stream().map(lane::answeredBy)
                    .filter(src -> src != null && !src.endsWith("/" + victimId)).count();
            log.info("scale-out crash: kills=1 {} exportToAccepted={} victimPartitions={} victimRequests={}"
                    + " takenOver={} runMs={}", tally.summary(), starts, victimPartitions, victims.size(), takenOver,
                    Duration.between(t0, Instant.now()).toMillis());
            System.out.println("FIGURES ScaleOutCrashIT kills=1 " + tally.summary() + " exportToAccepted=" + starts
                    + " victimRequests=" + victims.size() + " takenOver=" + takenOver
                    + " jobStateLag[" + watch.summary() + "]"
                    + " runMs=" + Duration.between(t0, Instant.now()).toMillis()
                    + " delivery=" + (CrashWorkers.DELIVERY_MODE.isBlank() ? "default" : CrashWorkers.DELIVERY_MODE));

            assertThat(missing).as("requests without an outcome (logs in %s)", logs).isEmpty();
            assertThat(tally.duplicated()).as("requests answered more than once (read_committed)").isEmpty();
            assertThat(tally.failures()).as("requests that failed instead of completing").isEmpty();
            assertThat(tally.deadLetters()).as("dead letters").isZero();
            assertThat(tally.startedAgainAfterRecord()).as("recorded exports started again").isEmpty();
            assertThat(tally.completedByAnotherExport()).as("completed by an export other than the recorded one")
                    .isEmpty();
            assertThat(victimPartitions).as("partitions of the killed instance").isNotEmpty();
            assertThat(takenOver).as("requests of the killed instance answered by the new owners of its partitions")
                    .isPositive();
            assertThat(starts).as("ExportTo calls: the dead instance's exports are resumed, not started again")
                    .isLessThanOrEqualTo(REQUESTS);
        } finally {
            workers.forEach(WorkerProcess::kill);
        }
    }
}
