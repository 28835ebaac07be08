package com.pbiexport.worker.publish;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Writes job states to the compacted job-state topic: key = requestId, on the SAME partition number as the
 * request, so the member that is assigned request partition p finds the states of p's requests in state
 * partition p. A tombstone (null value) ends a state once the request's outcome is published. Thread-safe.
 */
public final class JobStatePublisher {
    private final Producer<byte[], byte[]> producer;
    private final String topic;

    public JobStatePublisher(Producer<byte[], byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }

    /** Records that the export of {@code state.requestId()} is running. Completes when acknowledged. */
    public CompletableFuture<Void> write(int partition, JobState state) {
        return send(new ProducerRecord<>(topic, partition, key(state.requestId()), state.toJson()));
    }

    /** Deletes the request's state (the outcome is published; nothing is left to resume). */
    public CompletableFuture<Void> tombstone(int partition, String requestId) {
        return send(new ProducerRecord<>(topic, partition, key(requestId), null));
    }

    private static byte[] key(String requestId) {
        return requestId.getBytes(StandardCharsets.UTF_8);
    }

    private CompletableFuture<Void> send(ProducerRecord<byte[], byte[]> record) {
        return Sends.send(producer, record);
    }
}
