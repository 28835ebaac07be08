package com.pbiexport.worker.jobstate;

import com.pbiexport.worker.publish.RecordSender;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Writes job states to the compacted job-state topic: key = requestId, on the SAME partition number as the
 * request, so the member that is assigned request partition p finds the states of p's requests in state
 * partition p. A tombstone (null value) ends a state once the request's offset is committed. Thread-safe.
 */
public final class JobStateWriter {
    private final RecordSender sender;
    private final String topic;

    /** Writes through {@code sender}: a producer (at-least-once) or the consumer thread's outbox. */
    public JobStateWriter(RecordSender sender, String topic) {
        this.sender = sender;
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }

    /** Records that the export of {@code state.requestId()} is running. Completes when durable. */
    CompletableFuture<Void> write(int partition, JobState state) {
        return sender.send(partition, record(partition, state));
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
