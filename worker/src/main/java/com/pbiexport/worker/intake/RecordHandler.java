package com.pbiexport.worker.intake;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Takes one record off the consumer thread's hands. Must return quickly (never block on Power BI) and must
 * eventually call {@code finished} exactly once, from any thread, when the record's outcome or dead letter
 * is durably published. The returned handle cancels the work when the record's partition is revoked.
 */
@FunctionalInterface
public interface RecordHandler {
    Cancellation handle(ConsumerRecord<byte[], byte[]> record, Runnable finished);

    @FunctionalInterface
    interface Cancellation {
        void cancel();

        Cancellation NONE = () -> { };
    }
}
