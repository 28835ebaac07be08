package com.pbiexport.worker.jobstate;

import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Requests answered (state "done" durable) whose offsets are not committed yet: they are tombstoned once they are.
 * Owned by ONE thread, the intake thread: it alone reads and changes the set. An answer acknowledged on another
 * thread (a producer callback, or the export thread of a job) is handed over through a queue that the owner
 * drains before it uses the set. Each answer carries the assignment it was planned under ({@link #assignment}):
 * an answer of a partition released meanwhile is dropped, so a late acknowledgement never re-adds a partition
 * this instance gave up (its next owner tombstones that state).
 */
final class AnsweredRequests {
    private record Answered(TopicPartition tp, long assignment, long offset, String requestId) { }

    private final Queue<Answered> handedOver = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Thread> owner = new AtomicReference<>();
    // the owner thread's alone
    private final Map<TopicPartition, NavigableMap<Long, String>> byPartition = new HashMap<>();
    private final Map<TopicPartition, Long> assignments = new HashMap<>();

    /** The current assignment of {@code tp}, to be given back with its answers. Owner thread. */
    long assignment(TopicPartition tp) {
        ownerThread();
        return assignments.getOrDefault(tp, 0L);
    }

    /** The request at {@code offset} was answered before (its state is "done"). Owner thread. */
    void add(TopicPartition tp, long offset, String requestId) {
        ownerThread();
        byPartition.computeIfAbsent(tp, k -> new TreeMap<>()).put(offset, requestId);
    }

    /** An answer became durable, on any thread: queued for the owner. */
    void handOver(TopicPartition tp, long assignment, long offset, String requestId) {
        handedOver.add(new Answered(tp, assignment, offset, requestId));
    }

    /** Removes and returns the requests of {@code tp} below {@code offset} (committed). Owner thread. */
    List<String> takeBelow(TopicPartition tp, long offset) {
        drain();
        NavigableMap<Long, String> m = byPartition.get(tp);
        if (m == null) {
            return List.of();
        }
        NavigableMap<Long, String> below = m.headMap(offset, false);
        List<String> out = List.copyOf(below.values());
        below.clear();
        return out;
    }

    /** {@code partitions} were given up: their answers are forgotten, late ones will be dropped. Owner thread. */
    void released(Collection<TopicPartition> partitions) {
        drain();
        partitions.forEach(tp -> {
            byPartition.remove(tp);
            assignments.merge(tp, 1L, Long::sum);
        });
    }

    /** Answers known (for tests). Owner thread. */
    int size() {
        drain();
        return byPartition.values().stream().mapToInt(Map::size).sum();
    }

    private void drain() {
        ownerThread();
        Answered a;
        while ((a = handedOver.poll()) != null) {
            if (a.assignment() == assignments.getOrDefault(a.tp(), 0L)) {
                byPartition.computeIfAbsent(a.tp(), k -> new TreeMap<>()).put(a.offset(), a.requestId());
            }
        }
    }

    private void ownerThread() {
        Thread current = Thread.currentThread();
        if (!owner.compareAndSet(null, current) && owner.get() != current) {
            throw new IllegalStateException("the answered requests belong to thread " + owner.get().getName()
                    + ", not " + current.getName() + ": hand answers over with handOver()");
        }
    }
}
