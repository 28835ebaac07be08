package com.pbiexport.worker.jobstate;

import com.pbiexport.worker.publish.RecordSender;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Writes job states to the compacted job-state topic: key = requestId, on the SAME partition number as the
 * request, so the member that is assigned request partition p finds the states of p's requests in state
 * partition p. A tombstone (null value) ends a state once the request's offset is committed. Thread-safe.
 * <p>"running" may go through its own sender ({@link #immediate}): with exactly-once, an idempotent producer that
 * writes it at once instead of behind the consumer thread's next transaction, so a worker killed right after
 * ExportTo's answer still leaves the exportId for the next owner. {@link JobStates} then sends a request's "done"
 * only once its "running" writes settled, so the two writers never reorder one key (docs/ARCHITECTURE.md).
 */
public final class JobStateWriter {
    private final RecordSender sender;
    private final RecordSender running;
    private final String topic;

    /** Writes every state through {@code sender}: a producer (at-least-once) or the consumer thread's outbox. */
    public JobStateWriter(RecordSender sender, String topic) {
        this(sender, sender, topic);
    }

    private JobStateWriter(RecordSender sender, RecordSender running, String topic) {
        this.sender = sender;
        this.running = running;
        this.topic = topic;
    }

    /**
     * Writes "running" states through {@code runningSender} (acknowledged at once, outside any transaction); "done"
     * and tombstones still go through {@code sender}, after the request's "running" writes settled.
     */
    public static JobStateWriter immediate(RecordSender sender, RecordSender runningSender, String topic) {
        return new JobStateWriter(sender, runningSender, topic);
    }

    /** True when "running" goes through a sender of its own, which the answers must wait for (ordering). */
    boolean runningSeparately() {
        return running != sender;
    }

    public String topic() {
        return topic;
    }

    /** Records that the export of {@code state.requestId()} is running. Completes when durable. */
    CompletableFuture<Void> write(int partition, JobState state) {
        return running.send(partition, record(partition, state));
    }

    /** The record of {@code state}, to be sent along with another (an outcome and its "done" state). */
    ProducerRecord<byte[], byte[]> record(int partition, JobState state) {
        return new ProducerRecord<>(topic, partition, key(state.requestId()), state.toJson());
    }

    /** Deletes the request's state (its offset is committed; nothing is left to resume or to skip). */
    CompletableFuture<Void> tombstone(int partition, String requestId) {
        return sender.send(partition, new ProducerRecord<>(topic, partition, key(requestId), null));
    }

    private static byte[] key(String requestId) {
        return requestId.getBytes(StandardCharsets.UTF_8);
    }
}
