package com.pbiexport.worker.it.bench;

import com.pbiexport.devstack.DevStack;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * Samples one row every 250 ms on its own daemon thread (not counted as the strategy's): the exports the simulator
 * counts against the row's capacity, the concurrency limit the strategy is using there, the simulator's counters
 * and the strategy's live threads. The figures that need a time line (utilisation, convergence, 429s after
 * convergence) come from these samples.
 */
final class RowSampler {
    static final long PERIOD_MS = 250;
    /** An "after convergence" window shorter than this is reported as not converged (never empty by construction). */
    static final long MIN_AFTER_CONVERGENCE_MS = 20_000;

    /** One moment of the row. */
    record Sample(long atMs, int active, int limitInUse, long throttled, long started, long polls, long tokens,
                  int threads) { }

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-sampler");
        t.setDaemon(true);
        return t;
    });
    private final List<Sample> samples = new ArrayList<>();
    private final long startNanos = System.nanoTime();

    private RowSampler() {
    }

    static RowSampler start(DevStack stack, String capacityId, String tenantId, IntSupplier limitInUse,
                            Predicate<String> threads) {
        RowSampler s = new RowSampler();
        s.timer.scheduleAtFixedRate(() -> s.sample(stack, capacityId, tenantId, limitInUse, threads), 0, PERIOD_MS,
                TimeUnit.MILLISECONDS);
        return s;
    }

    private void sample(DevStack stack, String capacityId, String tenantId, IntSupplier limitInUse,
                        Predicate<String> threads) {
        stack.refreshGauges();
        var c = stack.counters();
        Sample s = new Sample((System.nanoTime() - startNanos) / 1_000_000, (int) c.get("concurrentExports." + capacityId),
                limitInUse.getAsInt(), c.get("throttled429"), c.get("exportsStarted"), c.get("polls"),
                c.get("tokenRequests." + tenantId), countThreads(threads));
        synchronized (samples) {
            samples.add(s);
        }
    }

    /** Stops sampling and returns the samples in time order. */
    List<Sample> stop() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** Milliseconds since the row started (the sampler starts with the row). */
    long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /**
     * The first sample index from which the limit in use stays within 5 % of the true limit until the end, or -1
     * when it never does or does so for less than {@link #MIN_AFTER_CONVERGENCE_MS}.
     */
    static int convergedAt(List<Sample> s, int trueLimit) {
        int at = -1;
        for (int i = s.size() - 1; i >= 0; i--) {
            if (Math.abs(s.get(i).limitInUse() - trueLimit) > 0.05 * trueLimit) {
                break;
            }
            at = i;
        }
        if (at < 0 || s.get(s.size() - 1).atMs() - s.get(at).atMs() < MIN_AFTER_CONVERGENCE_MS) {
            return -1;
        }
        return at;
    }

    /** The first sample at which the simulator had started one of the row's exports (the backlog window's start). */
    static int firstStart(List<Sample> s) {
        for (int i = 0; i < s.size(); i++) {
            if (s.get(i).started() > s.get(0).started() || s.get(i).active() > 0) {
                return i;
            }
        }
        return s.size() - 1;
    }

    /** Mean exports on the capacity / its limit, over the samples from {@code from} to the end. */
    static double utilisation(List<Sample> s, int from, int trueLimit) {
        double sum = 0;
        int n = 0;
        for (int i = Math.max(0, from); i < s.size(); i++) {
            sum += s.get(i).active();
            n++;
        }
        return n == 0 ? 0 : sum / n / trueLimit;
    }

    /** 429s per 1,000 exports started at the simulator, from sample {@code from} to the end. */
    static double throttledPer1000(List<Sample> s, int from) {
        Sample a = s.get(Math.max(0, from));
        Sample b = s.get(s.size() - 1);
        return (b.throttled() - a.throttled()) * 1000.0 / Math.max(1, b.started() - a.started());
    }

    static int countThreads(Predicate<String> names) {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> names.test(t.getName())).count();
    }

    static long cpuNanos(Predicate<String> names) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (names.test(t.getName())) {
                sum += Math.max(0, mx.getThreadCpuTime(t.getId()));
            }
        }
        return sum;
    }
}
