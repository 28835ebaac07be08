package com.pbiexport.worker.it.process;

import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.Counters;
import org.awaitility.core.ConditionTimeoutException;
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
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #7, "a worker killed with SIGKILL at random points of an export's life, at least 20 times in a run": two
 * worker JVMs in one group with static membership ({@code group.instance.id} through {@code kafka.consumer}), so a
 * restarted instance takes its partitions back without waiting for a session timeout. Requests keep arriving
 * while one instance after the other is killed: while it starts, right after an ExportTo, while exports poll,
 * while a file downloads, while an outcome is published. Each kill is followed by a restart under the same
 * instance id. At the end, counted with a {@code read_committed} reader: every request has exactly one outcome,
 * and no export recorded in job state was started again (per request: one exportId in its committed job state, and
 * the outcome names it). Exports killed before their job state committed are started again by design; their
 * number is printed ({@code startedAgainBeforeRecorded}, and per kill {@code startsAgainPerKill}, docs/RELIABILITY.md)
 * with the other figures.
 *
 * <p>The kill moments and delays come from one seed, printed first; replay with {@code -Dkillnine.seed=N}.
 */
class KillNineIT {
    private static final Logger log = LoggerFactory.getLogger(KillNineIT.class);
    /** One simulator round (5 pages): exports take 1 to 4 s. */
    private static final long ROUND_MILLIS = 1000;
    private static final int PARTITIONS = 4;
    private static final int INSTANCES = 2;
    /** At least this many SIGKILLs ({@code -Dkillnine.kills=N} for a longer measurement of starts-again per kill). */
    private static final int MIN_KILLS = Math.max(20, Integer.getInteger("killnine.kills", 20));
    private static final int CYCLES = MIN_KILLS;
    private static final Duration TRIGGER_WAIT = Duration.ofSeconds(8);
    private static DevStack stack;

    @TempDir
    static Path dir;

    /** Where in an export's life a kill lands (the simulator's counters show what some export just did). */
    enum Moment { STARTING, AFTER_EXPORT_TO, POLLING, DOWNLOADING, PUBLISHING, ANY }

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
    void everyRequestEndsWithExactlyOneOutcomeAcrossTwentySigkillsAndNoRecordedExportStartsAgain() {
        long seed = Long.getLong("killnine.seed", System.nanoTime());
        System.out.println("KillNineIT seed=" + seed + " (replay: -Dkillnine.seed=" + seed + ")");
        log.info("KillNineIT seed={} (replay: -Dkillnine.seed={})", seed, seed);
        Random rnd = new Random(seed);
        Instant t0 = Instant.now();
        Counters counters = stack.counters();
        Path logs = CrashWorkers.logDir(dir, "KillNineIT");
        List<String> jvm = CrashWorkers.jvmOptions(dir);
        WorkerProcess[] workers = new WorkerProcess[INSTANCES];
        Map<Moment, Integer> moments = new EnumMap<>(Moment.class);
        int kills = 0;
        try (CrashLane lane = CrashLane.create(stack, "kill9", PARTITIONS);
             JobStateWatch watch = new JobStateWatch(stack.kafkaBootstrap(), lane.topics().jobState())) {
            Path[] configs = new Path[INSTANCES];
            for (int i = 0; i < INSTANCES; i++) {
                String instanceId = lane.groupId() + "-w" + i;
                // static membership: the restarted instance (same id) gets its partitions back at once
                Map<String, String> consumer = Map.of("group.instance.id", instanceId, "session.timeout.ms", "10000",
                        "heartbeat.interval.ms", "1000");
                Map<String, String> producer = Map.of("transaction.timeout.ms", "10000");
                // 20+ kills, often right after a restart, leave many requests in flight at 3 crashes of their owner:
                // by the rule of intake.poisonAfterCrashes they would be answered POISON_REQUEST (PoisonRequestIT);
                // this test is about exactly-once across kills, so the threshold is out of its reach (claims still
                // recorded and released)
                configs[i] = CrashWorkers.configFile(stack, lane, dir, instanceId, consumer, producer,
                        Map.of("intake.poisonAfterCrashes", 1000));
                workers[i] = WorkerProcess.start("kill9-w" + i, configs[i], logs, jvm);
            }
            for (WorkerProcess w : workers) {
                w.awaitReady(Duration.ofSeconds(90));
            }
            long startsBefore = CrashWorkers.acceptedStarts(counters);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ids.add(lane.publish(CrashWorkers.request("k9-" + ids.size(), 5 * (1 + rnd.nextInt(4)))));
            }
            for (int cycle = 0; cycle < CYCLES || kills < MIN_KILLS; cycle++) {
                int v = cycle % INSTANCES;
                for (int i = 0; i < 2; i++) {
                    ids.add(lane.publish(CrashWorkers.request("k9-" + ids.size(), 5 * (1 + rnd.nextInt(4)))));
                }
                Moment moment = Moment.values()[rnd.nextInt(Moment.values().length)];
                moments.merge(moment, 1, Integer::sum);
                String how;
                if (moment == Moment.STARTING) {
                    // kill it, restart it, and kill the new JVM while it starts, joins or loads job state
                    workers[v].kill();
                    kills++;
                    workers[v] = WorkerProcess.start("kill9-w" + v, configs[v], logs, jvm);
                    long delay = rnd.nextInt(3000);
                    CrashWorkers.pause(Duration.ofMillis(delay));
                    how = "again " + delay + " ms after its restart";
                } else {
                    workers[v].awaitReady(Duration.ofSeconds(60));
                    how = trigger(moment, rnd, counters);
                }
                workers[v].kill();
                kills++;
                lane.readNow();
                log.info("kill #{} {} {}: {}; ExportTo accepted {}, polls {}, downloads {}", kills, workers[v],
                        moment, how, CrashWorkers.acceptedStarts(counters) - startsBefore, counters.get("polls"),
                        counters.get("fileDownloads"));
                workers[v] = WorkerProcess.start("kill9-w" + v, configs[v], logs, jvm);
            }
            for (WorkerProcess w : workers) {
                w.awaitReady(Duration.ofSeconds(90));
            }
            Set<String> missing = lane.awaitOutcomes(ids, Duration.ofSeconds(90));
            lane.readFor(Duration.ofSeconds(3));
            CrashLane.Tally tally = lane.tally(ids);
            long starts = CrashWorkers.acceptedStarts(counters) - startsBefore;
            long runMs = Duration.between(t0, Instant.now()).toMillis();
            long startedAgain = starts - tally.recordedExports();
            String figures = "kills=" + kills + " moments=" + moments + " " + tally.summary() + " exportToAccepted="
                    + starts + " startedAgainBeforeRecorded=" + startedAgain
                    + String.format(Locale.ROOT, " startsAgainPerKill=%.3f", (double) startedAgain / kills)
                    + " jobStateLag[" + watch.summary() + "] runMs=" + runMs
                    + " seed=" + seed + " delivery="
                    + (CrashWorkers.DELIVERY_MODE.isBlank() ? "default" : CrashWorkers.DELIVERY_MODE);
            log.info("kill -9: {}", figures);
            System.out.println("FIGURES KillNineIT " + figures);

            assertThat(kills).as("SIGKILLs in the run").isGreaterThanOrEqualTo(MIN_KILLS);
            assertThat(missing).as("requests without an outcome (seed %s, logs in %s)", seed, logs).isEmpty();
            assertThat(tally.duplicated()).as("requests answered more than once, read_committed (seed %s)", seed)
                    .isEmpty();
            assertThat(tally.failures()).as("requests that failed instead of completing (seed %s)", seed).isEmpty();
            assertThat(tally.deadLetters()).as("dead letters").isZero();
            assertThat(tally.startedAgainAfterRecord()).as("exports recorded in job state started again (seed %s)",
                    seed).isEmpty();
            assertThat(tally.completedByAnotherExport()).as("completed by an export other than the recorded one")
                    .isEmpty();
            // Resumed exports (those whose job state a read_committed reader saw) never got a second ExportTo:
            // checked per request above. The total is NOT bounded by requests + busy restarts: Power BI names the
            // export only in the ExportTo answer, so an instance killed between that answer and the commit of its
            // job state leaves an export nobody can resume, and its request is rightly started again. Reported:
            assertThat(starts).as("every request's export was accepted at least once").isGreaterThanOrEqualTo(
                    tally.recordedExports());
        } finally {
            for (WorkerProcess w : workers) {
                if (w != null) {
                    w.kill();
                }
            }
        }
    }

    /** Waits for the moment (bounded: a kill happens anyway) plus a random delay; says what happened. */
    private static String trigger(Moment moment, Random rnd, Counters counters) {
        return switch (moment) {
            case AFTER_EXPORT_TO -> {
                long before = CrashWorkers.acceptedStarts(counters);
                boolean seen = within(() -> CrashWorkers.acceptedStarts(counters) > before);
                yield delayed(seen, "an ExportTo", rnd.nextInt(200));
            }
            case POLLING -> {
                long before = counters.get("polls");
                boolean seen = within(() -> counters.get("polls") > before);
                yield delayed(seen, "a status poll", rnd.nextInt(1000));
            }
            case DOWNLOADING -> {
                long before = counters.get("fileDownloads");
                boolean seen = within(() -> counters.get("fileDownloads") > before);
                yield delayed(seen, "a file download began", rnd.nextInt(20));
            }
            case PUBLISHING -> {
                long before = counters.get("fileDownloads");
                boolean seen = within(() -> counters.get("fileDownloads") > before);
                yield delayed(seen, "a file download (store, publish, commit)", 50 + rnd.nextInt(450));
            }
            case ANY, STARTING -> delayed(true, "ready", rnd.nextInt(3000));
        };
    }

    private static String delayed(boolean seen, String what, long delayMillis) {
        CrashWorkers.pause(Duration.ofMillis(delayMillis));
        return (seen ? "" : "(none within " + TRIGGER_WAIT.toSeconds() + " s) ") + delayMillis + " ms after " + what;
    }

    private static boolean within(Callable<Boolean> condition) {
        try {
            await().atMost(TRIGGER_WAIT).pollInterval(Duration.ofMillis(5)).until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }
}
