package com.pbiexport.worker.jobstate;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Requests answered (state "done" durable) whose offsets are not committed yet: they are tombstoned once they are.
 * Owned by ONE thread, the intake thread: it alone reads and changes the set. An answer acknowledged on another
 * thread (a producer callback, or the export thread of a job) is handed over through a queue that the owner
 * drains before it uses the set. Each answer carries the assignment it was planned under ({@link #assignment}):
 * an answer of a partition released meanwhile is dropped, so a late acknowledgement never re-adds a partition
 * this instance gave up (its next owner tombstones that state).
 * <p>Bounded: at most {@link #MAX_PER_PARTITION} answers per partition wait for their commit (they pile up only
 * behind one long-unfinished record). An answer beyond that is not remembered: its "done" state is simply not
 * tombstoned (it stays in the compacted topic, harmless: its request is committed and never redelivered), which
 * is counted and logged instead of letting memory grow without end.
 */
final class AnsweredRequests {
    private static final Logger log = LoggerFactory.getLogger(AnsweredRequests.class);
    private record Answered(TopicPartition tp, long assignment, long offset, String requestId) { }

    /** Answers remembered per partition at most (about 120 bytes each). */
    static final int MAX_PER_PARTITION = 10_000;

    private final int maxPerPartition;
    private final Queue<Answered> handedOver = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Thread> owner = new AtomicReference<>();
    // the owner thread's alone
    private final Map<TopicPartition, NavigableMap<Long, String>> byPartition = new HashMap<>();
    private final Map<TopicPartition, Long> assignments = new HashMap<>();
    private long notRemembered;
    /** Answers remembered, readable from any thread (the cache-size gauge). */
    private final AtomicInteger remembered = new AtomicInteger();

    AnsweredRequests() {
        this(MAX_PER_PARTITION);
    }

    AnsweredRequests(int maxPerPartition) {
        this.maxPerPartition = maxPerPartition;
    }

    /** The current assignment of {@code tp}, to be given back with its answers. Owner thread. */
    long assignment(TopicPartition tp) {
        ownerThread();
        return assignments.getOrDefault(tp, 0L);
    }

    /** The request at {@code offset} was answered before (its state is "done"). Owner thread. */
    void add(TopicPartition tp, long offset, String requestId) {
        ownerThread();
        remember(tp, offset, requestId);
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
        remembered.addAndGet(-out.size());
        below.clear();
        return out;
    }

    /** {@code partitions} were given up: their answers are forgotten, late ones will be dropped. Owner thread. */
    void released(Collection<TopicPartition> partitions) {
        drain();
        partitions.forEach(tp -> {
            NavigableMap<Long, String> gone = byPartition.remove(tp);
            if (gone != null) {
                remembered.addAndGet(-gone.size());
            }
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
                remember(a.tp(), a.offset(), a.requestId());
            }
        }
    }

    /** Answers that found their partition full and were not remembered (their states stay). Owner thread. */
    long notRemembered() {
        drain();
        return notRemembered;
    }

    private void remember(TopicPartition tp, long offset, String requestId) {
        NavigableMap<Long, String> m = byPartition.computeIfAbsent(tp, k -> new TreeMap<>());
        if (m.size() >= maxPerPartition && !m.containsKey(offset)) {
            if (notRemembered++ % 1000 == 0) {
                log.warn("{} answers of {} wait for their offsets' commit (bound {}): the job state of request {} "
                        + "will not be tombstoned ({} so far); a record unfinished for long holds the commit back",
                        m.size(), tp, maxPerPartition, requestId, notRemembered);
            }
            return;
        }
        if (m.put(offset, requestId) == null) {
            remembered.incrementAndGet();
        }
    }

    /** Answers remembered now, from any thread (may lag answers still being handed over). */
    int rememberedNow() {
        return remembered.get();
    }

    private void ownerThread() {
        Thread current = Thread.currentThread();
        if (!owner.compareAndSet(null, current) && owner.get() != current) {
            throw new IllegalStateException("the answered requests belong to thread " + owner.get().getName()
                    + ", not " + current.getName() + ": hand answers over with handOver()");
        }
    }
}
