package com.pbiexport.worker.publish;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.concurrent.CompletableFuture;

/** A producer send as a future that completes when the broker acknowledged the record, or failed. */
final class Sends {
    private Sends() {
    }

    static CompletableFuture<Void> send(Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            producer.send(record, (meta, error) -> {
                if (error == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            // send() itself throws for a closed producer or a record it cannot serialise
            done.completeExceptionally(e);
        }
        return done;
    }
}
