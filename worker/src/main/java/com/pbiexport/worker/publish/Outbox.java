package com.pbiexport.worker.publish;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Exactly-once: records produced by other threads (export results, dead letters, job states) wait here for the
 * consumer thread, which alone owns the transactional producer and sends them in its next transaction together
 * with the consumer offsets. A future completes only when that transaction committed, so "durably published"
 * keeps meaning what it says. Thread-safe; {@link #drainTo} is for the consumer thread.
 */
public final class Outbox implements RecordSender {

    /**
     * Records that must become visible together, for request partition {@code requestPartition}.
     * {@code done} completes when their transaction committed, or fails when they were dropped.
     */
    public record Entry(int requestPartition, List<ProducerRecord<byte[], byte[]>> records,
                        CompletableFuture<Void> done) {
        public Entry {
            records = List.copyOf(records);
        }
    }

    private final Queue<Entry> queued = new ConcurrentLinkedQueue<>();

    @Override
    public CompletableFuture<Void> send(int requestPartition, List<ProducerRecord<byte[], byte[]>> records) {
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Entry e = new Entry(requestPartition, records, new CompletableFuture<>());
        queued.add(e);
        return e.done();
    }

    /** Moves everything queued so far to {@code into}, oldest first. */
    public void drainTo(Collection<Entry> into) {
        Entry e;
        while ((e = queued.poll()) != null) {
            into.add(e);
        }
    }

    /** Entries waiting for the consumer thread (metrics, tests). */
    public int size() {
        return queued.size();
    }
}
