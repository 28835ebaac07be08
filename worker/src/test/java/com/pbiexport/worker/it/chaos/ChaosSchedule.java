package com.pbiexport.worker.it.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The chaos run's fault schedule: a pure function of a seed and a run length. The same seed and length always give
 * the same list of timed faults, so a failure message that names the seed replays the run's faults (the timing of
 * everything else, the machine's load, is not replayed).
 *
 * <p>Layout: the run (but its last tenth) is cut into rounds of at least 40 s, at least 3 (3 in a 2-minute run,
 * 13 in a 10-minute one). Per round: one broker kill (down 4-8 s, then restarted on the same ports and data), one
 * token-endpoint outage (5-15 s), one slow-sink window (5-15 s, 20-120 ms added per chunk each way) and one
 * failing-sink window (3-10 s, connections refused and cut), one SIGKILL and one SIGTERM of a worker slot (each
 * restarted as a new JVM 1-3 s later), all at random moments inside that round, so they overlap. Power BI answers
 * 10 % of calls with 5xx and cuts 5 % of connections for the whole run. One worker joins (a fourth JVM) between
 * 30 % and 60 % of the run. Nothing is scheduled in the last 10 % of the run, so the end is not a fault.
 */
public final class ChaosSchedule {
    /** Worker slots running from the start; the joining worker takes slot {@code INITIAL_WORKERS}. */
    public static final int INITIAL_WORKERS = 3;
    /** The shortest round: every kind of fault once per round. */
    static final long ROUND_MILLIS = 40_000;

    public enum Kind {
        /** 10 % 5xx and 5 % cut connections on every Power BI call ({@code powerBiErrorRate}, {@code dropConnectionRate}). */
        POWER_BI_FLAKY,
        /** The broker JVM is SIGKILLed, restarted after {@code duration}. */
        BROKER_KILL,
        /** The token endpoint answers 503 for {@code duration} ({@code entraOutageUntil}). */
        TOKEN_OUTAGE,
        /** Every chunk between the workers and the blob store is delayed by {@code parameter} ms. */
        SINK_SLOW,
        /** The blob store refuses and cuts connections for {@code duration}. */
        SINK_DOWN,
        /** Worker slot {@code target} is SIGKILLed, a new JVM started after {@code duration}. */
        WORKER_SIGKILL,
        /** Worker slot {@code target} gets SIGTERM (drains, exits), a new JVM started {@code duration} after it exits. */
        WORKER_SIGTERM,
        /** A new worker (slot {@code target}) joins the group. */
        WORKER_JOIN
    }

    /**
     * One fault.
     *
     * @param at        offset from the start of the run
     * @param kind      what happens
     * @param duration  how long it lasts (or the delay before a restart); zero for a join
     * @param target    the worker slot for worker faults, otherwise -1
     * @param parameter the added delay in ms for {@link Kind#SINK_SLOW}, otherwise 0
     */
    public record Fault(Duration at, Kind kind, Duration duration, int target, int parameter) {
        public Duration end() {
            return at.plus(duration);
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%6.1fs %s %s%s%s", at.toMillis() / 1000.0, kind,
                    duration.toMillis() + "ms", target >= 0 ? " slot " + target : "",
                    parameter > 0 ? " +" + parameter + "ms/chunk" : "");
        }
    }

    private ChaosSchedule() {
    }

    /** The faults for {@code seed} over {@code run}, ordered by start time (ties: by kind). */
    public static List<Fault> of(long seed, Duration run) {
        if (run.compareTo(Duration.ofSeconds(30)) < 0) {
            throw new IllegalArgumentException("a chaos run needs at least 30 s, got " + run);
        }
        Random rnd = new Random(seed);
        long total = run.toMillis();
        long active = total * 9 / 10;
        int rounds = (int) Math.max(3, active / ROUND_MILLIS);
        long round = active / rounds;
        List<Fault> faults = new ArrayList<>();
        faults.add(new Fault(Duration.ZERO, Kind.POWER_BI_FLAKY, Duration.ofMillis(active), -1, 0));
        for (int i = 0; i < rounds; i++) {
            long from = i * round;
            faults.add(window(rnd, from, round, Kind.BROKER_KILL, 4_000, 8_000, -1, 0));
            faults.add(window(rnd, from, round, Kind.TOKEN_OUTAGE, 5_000, 15_000, -1, 0));
            faults.add(window(rnd, from, round, Kind.SINK_SLOW, 5_000, 15_000, -1, 20 + rnd.nextInt(101)));
            faults.add(window(rnd, from, round, Kind.SINK_DOWN, 3_000, 10_000, -1, 0));
            int killed = rnd.nextInt(INITIAL_WORKERS);
            faults.add(window(rnd, from, round, Kind.WORKER_SIGKILL, 1_000, 3_000, killed, 0));
            int stopped = (killed + 1 + rnd.nextInt(INITIAL_WORKERS - 1)) % INITIAL_WORKERS;
            faults.add(window(rnd, from, round, Kind.WORKER_SIGTERM, 1_000, 3_000, stopped, 0));
        }
        long joinAt = total * 3 / 10 + (long) (rnd.nextDouble() * total * 3 / 10);
        faults.add(new Fault(Duration.ofMillis(joinAt), Kind.WORKER_JOIN, Duration.ZERO, INITIAL_WORKERS, 0));
        faults.sort(Comparator.comparing(Fault::at).thenComparing(Fault::kind));
        return List.copyOf(faults);
    }

    /** A fault starting at a random moment of [from, from + span) whose duration fits before the span ends. */
    private static Fault window(Random rnd, long from, long span, Kind kind, long minMillis, long maxMillis,
                                int target, int parameter) {
        long duration = Math.min(minMillis + (long) (rnd.nextDouble() * (maxMillis - minMillis)), span / 2);
        long start = from + (long) (rnd.nextDouble() * (span - duration));
        return new Fault(Duration.ofMillis(start), kind, Duration.ofMillis(duration), target, parameter);
    }
}
