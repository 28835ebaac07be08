package com.pbiexport.worker.jobstate;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

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
    /** Per partition: how often it was closed; an answer planned in an earlier epoch belongs to a past owner. */
    private final Map<Integer, Long> epochs = new HashMap<>();

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
            partitions.forEach(p -> epochs.merge(p, 1L, Long::sum));
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

    /** How often {@code partition} was closed so far: give it back to {@link #whileOwned}. */
    long epoch(int partition) {
        lock.lock();
        try {
            return epochs.getOrDefault(partition, 0L);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code send} (queues an answer, must not block) only if {@code partition} was not closed since
     * {@code epoch}, atomically with respect to {@link #closeAndAwait}: the answer is queued before the hand-over's
     * final commit, or refused (its next owner answers it). Returns {@code send}'s future, or a failed one.
     */
    CompletableFuture<Void> whileOwned(int partition, long epoch, Supplier<CompletableFuture<Void>> send) {
        lock.lock();
        try {
            if (closing.contains(partition) || epochs.getOrDefault(partition, 0L) != epoch) {
                return CompletableFuture.failedFuture(new IllegalStateException("request partition " + partition
                        + " was handed over before this answer was queued; its next owner answers the request"));
            }
            return send.get();
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
