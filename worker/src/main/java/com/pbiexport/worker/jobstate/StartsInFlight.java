package com.pbiexport.worker.jobstate;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The ExportTo calls being answered, per request partition, so a revocation can wait for them: an export that
 * Power BI accepts while its partition moves must have its job state recorded BEFORE the next owner loads the
 * states, or the next owner calls ExportTo a second time. Once a partition is closing, new starts are refused
 * (the next owner starts them). Thread-safe: starts run on export threads, revocation on the consumer thread.
 */
final class StartsInFlight {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ended = lock.newCondition();
    private final Map<Integer, Integer> inFlight = new HashMap<>();
    private final Set<Integer> closing = new HashSet<>();

    /** An ExportTo of request partition {@code partition} is about to be sent; false: do not send it. */
    boolean begin(int partition) {
        lock.lock();
        try {
            if (closing.contains(partition)) {
                return false;
            }
            inFlight.merge(partition, 1, Integer::sum);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The ExportTo announced by {@link #begin} was answered (and its job state, if any, queued). */
    void end(int partition) {
        lock.lock();
        try {
            inFlight.computeIfPresent(partition, (k, n) -> n > 1 ? n - 1 : null);
            ended.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes {@code partitions} to new starts and waits up to {@code patience} for their starts to be answered.
     * Returns how many are still unanswered (0 when all were).
     */
    int closeAndAwait(Collection<Integer> partitions, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        lock.lock();
        try {
            closing.addAll(partitions);
            while (true) {
                int left = partitions.stream().mapToInt(p -> inFlight.getOrDefault(p, 0)).sum();
                long wait = deadline - System.nanoTime();
                if (left == 0 || wait <= 0) {
                    return left;
                }
                ended.await(wait, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return partitions.stream().mapToInt(p -> inFlight.getOrDefault(p, 0)).sum();
        } finally {
            lock.unlock();
        }
    }

    /** The partitions are ours again (assigned back): starts are allowed. */
    void open(Collection<Integer> partitions) {
        lock.lock();
        try {
            closing.removeAll(partitions);
        } finally {
            lock.unlock();
        }
    }
}
