package com.pbiexport.worker.publish;

import com.pbiexport.contracts.DeadLetterHeaders;
import com.pbiexport.contracts.DeadLetterReason;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * Sends records that cannot be parsed at all to the dead-letter topic: the original key, value and headers,
 * plus {@code dlq.*} headers saying why and where the record came from. Thread-safe.
 */
public final class DeadLetterPublisher {
    private final RecordSender sender;
    private final String topic;
    private final Clock clock;

    /** Sends through {@code sender}: a producer (at-least-once) or the consumer thread's outbox. */
    public DeadLetterPublisher(RecordSender sender, String topic, Clock clock) {
        this.sender = sender;
        this.topic = topic;
        this.clock = clock;
    }

    /**
     * @param reason why: its name is the {@code dlq.reason} header (a stable contract)
     * @param detail one line for a human; never the record's content
     */
    public CompletableFuture<Void> send(ConsumerRecord<byte[], byte[]> original, DeadLetterReason reason, String detail) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : original.headers()) {
            if (!h.key().startsWith("dlq.")) {
                headers.add(h);
            }
        }
        headers.add(DeadLetterHeaders.REASON, utf8(reason.name()));
        headers.add(DeadLetterHeaders.ERROR, utf8(detail));
        headers.add(DeadLetterHeaders.TOPIC, utf8(original.topic()));
        headers.add(DeadLetterHeaders.PARTITION, utf8(Integer.toString(original.partition())));
        headers.add(DeadLetterHeaders.OFFSET, utf8(Long.toString(original.offset())));
        // the contract: the ORIGINAL record's timestamp, epoch milliseconds
        headers.add(DeadLetterHeaders.TIMESTAMP, utf8(Long.toString(original.timestamp())));
        return sender.send(original.partition(),
                new ProducerRecord<>(topic, null, original.key(), original.value(), headers));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
