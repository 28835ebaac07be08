package com.pbiexport.worker.publish;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Where the publishers hand their records: straight to an idempotent producer (at-least-once), or to the
 * {@link Outbox} that the consumer thread empties into Kafka transactions (exactly-once). Thread-safe.
 */
public interface RecordSender {
    /** Request partition of records that belong to no particular request partition (kept whatever moves). */
    int NO_PARTITION = -1;

    /**
     * Sends {@code records} in order as one unit, on behalf of request partition {@code requestPartition}.
     * The future completes once they are durable (acknowledged, or their transaction committed), or fails.
     */
    CompletableFuture<Void> send(int requestPartition, List<ProducerRecord<byte[], byte[]>> records);

    default CompletableFuture<Void> send(int requestPartition, ProducerRecord<byte[], byte[]> record) {
        return send(requestPartition, List.of(record));
    }

    /**
     * The at-least-once sender: each record is sent once the previous one was acknowledged (a follower, e.g. the
     * "done" job state, must never be durable without the outcome it follows). Later records are sent from
     * {@code continueOn}, never from the producer's callback: a send there can block on metadata that only that
     * very thread would fetch.
     */
    static RecordSender direct(Producer<byte[], byte[]> producer, Executor continueOn) {
        return (requestPartition, records) -> {
            CompletableFuture<Void> chain = Sends.send(producer, records.get(0));
            for (ProducerRecord<byte[], byte[]> next : records.subList(1, records.size())) {
                chain = chain.thenComposeAsync(v -> Sends.send(producer, next), continueOn);
            }
            return chain;
        };
    }
}
