package com.pbiexport.worker.it.process;

import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.scenario.Scenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 item 5, a rolling restart: three worker JVMs in one group, restarted one by one with SIGTERM (what a
 * Kubernetes rollout does) while requests keep arriving. Each one drains for {@code shutdown.drainTimeout} (2 s
 * here, shorter than the longest exports, so some are handed over mid-export), exits on its own, and a new JVM
 * with the same instance id takes its place. Counted with a {@code read_committed} reader: exactly one outcome per
 * request, all completed (a hand-over is no crash: nothing is answered {@code POISON_REQUEST}), and no export
 * recorded in job state started again.
 */
class RollingRestartIT {
    /** One simulator round (5 pages): exports take 1 to 6 s. */
    private static final long ROUND_MILLIS = 1000;
    private static final int PARTITIONS = 6;
    private static final int INSTANCES = 3;
    private static final Duration DRAIN = Duration.ofSeconds(2);
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
    void restartingThreeInstancesOneByOneWithSigtermLosesNothingAndDuplicatesNothing() {
        Path logs = CrashWorkers.logDir(dir, "RollingRestartIT");
        WorkerProcess[] workers = new WorkerProcess[INSTANCES];
        Path[] configs = new Path[INSTANCES];
        List<Integer> exitCodes = new ArrayList<>();
        try (CrashLane lane = CrashLane.create(stack, "rolling", PARTITIONS)) {
            // dynamic membership: a stopping instance leaves the group, its partitions move at once
            Map<String, String> consumer = Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1000");
            Map<String, String> producer = Map.of("transaction.timeout.ms", "10000");
            for (int i = 0; i < INSTANCES; i++) {
                configs[i] = CrashWorkers.configFile(stack, lane, dir, lane.groupId() + "-w" + i, consumer, producer,
                        Map.of("shutdown.drainTimeout", DRAIN.toSeconds() + "s"));
                workers[i] = WorkerProcess.start("rolling-w" + i, configs[i], logs);
            }
            for (WorkerProcess w : workers) {
                w.awaitReady(Duration.ofSeconds(90));
            }
            List<String> ids = new ArrayList<>();
            publish(lane, ids, 12);
            for (int i = 0; i < INSTANCES; i++) {
                publish(lane, ids, 8);
                exitCodes.add(workers[i].terminate(DRAIN.plusSeconds(40))); // the manifests' grace period margin
                publish(lane, ids, 4);
                workers[i] = WorkerProcess.start("rolling-w" + i + "-new", configs[i], logs);
                workers[i].awaitReady(Duration.ofSeconds(90));
            }
            publish(lane, ids, 6);

            Set<String> missing = lane.awaitOutcomes(ids, Duration.ofSeconds(150));
            lane.readFor(Duration.ofSeconds(3));
            CrashLane.Tally tally = lane.tally(ids);
            System.out.println("FIGURES RollingRestartIT restarts=" + INSTANCES + " exitCodes=" + exitCodes + " "
                    + tally.summary());

            assertThat(exitCodes).as("each instance stopped by itself on SIGTERM (143 = 128 + SIGTERM; 0 clean)")
                    .hasSize(INSTANCES).allMatch(code -> code == 143 || code == 0);
            assertThat(missing).as("requests without an outcome (logs in %s)", logs).isEmpty();
            assertThat(tally.duplicated()).as("requests answered more than once (read_committed)").isEmpty();
            assertThat(tally.failures()).as("failed instead of completing (a hand-over must not count as a crash)")
                    .isEmpty();
            assertThat(tally.deadLetters()).as("dead letters").isZero();
            assertThat(tally.startedAgainAfterRecord()).as("recorded exports started again").isEmpty();
        } finally {
            for (WorkerProcess w : workers) {
                if (w != null) {
                    w.kill();
                }
            }
        }
    }

    private static void publish(CrashLane lane, List<String> ids, int n) {
        for (int i = 0; i < n; i++) {
            ids.add(lane.publish(CrashWorkers.request("roll-" + ids.size(), 5 * (1 + ids.size() % 6))));
        }
    }
}
