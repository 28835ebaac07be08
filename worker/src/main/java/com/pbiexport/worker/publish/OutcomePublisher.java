package com.pbiexport.worker.publish;

import com.pbiexport.contracts.CloudEventHeaders;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.EventType;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes outcome events to the results topic: key = requestId, value = the event JSON, CloudEvents binary-mode
 * headers. The {@code ce_id} is derived from requestId and event type, so a re-published outcome (at-least-once
 * after a crash) carries the same id and consumers can drop the duplicate. Thread-safe (the producer is).
 */
public final class OutcomePublisher {
    static final String TRACEPARENT = "traceparent";

    private final RecordSender sender;
    private final String topic;
    private final String source;
    private final EventCodec codec;
    private final Clock clock;

    /** Publishes through {@code sender}: a producer (at-least-once) or the consumer thread's outbox. */
    public OutcomePublisher(RecordSender sender, String topic, String source, EventCodec codec, Clock clock) {
        this.sender = sender;
        this.topic = topic;
        this.source = source;
        this.codec = codec;
        this.clock = clock;
    }

    /** Completes when the broker acknowledged the event (acks=all), or exceptionally. */
    public CompletableFuture<Void> publish(String requestId, Object event, Optional<String> traceparent) {
        return publish(RecordSender.NO_PARTITION, requestId, event, traceparent, List.of());
    }

    /**
     * Publishes the answer to a request of partition {@code requestPartition}, followed by {@code followers}
     * (the "done" job state): exactly-once commits them in one transaction; at-least-once sends them once the
     * event was acknowledged. Completes when all are durable.
     */
    public CompletableFuture<Void> publish(int requestPartition, String requestId, Object event,
                                           Optional<String> traceparent,
                                           List<ProducerRecord<byte[], byte[]>> followers) {
        String ceType = EventType.of(event).ceType();
        String id = UUID.nameUUIDFromBytes((requestId + "\n" + ceType).getBytes(StandardCharsets.UTF_8)).toString();
        RecordHeaders headers = new RecordHeaders();
        Map<String, byte[]> ce = CloudEventHeaders.forEvent(id, source, clock.instant(), event);
        ce.forEach(headers::add);
        traceparent.ifPresent(tp -> headers.add(TRACEPARENT, tp.getBytes(StandardCharsets.UTF_8)));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(new ProducerRecord<>(topic, null, requestId.getBytes(StandardCharsets.UTF_8), codec.write(event),
                headers));
        records.addAll(followers);
        return sender.send(requestPartition, records);
    }
}
