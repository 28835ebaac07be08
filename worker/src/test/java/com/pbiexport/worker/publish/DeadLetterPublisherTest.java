package com.pbiexport.worker.publish;

import com.pbiexport.contracts.DeadLetterHeaders;
import com.pbiexport.contracts.DeadLetterReason;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterPublisherTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:05:00Z");

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final DeadLetterPublisher publisher = new DeadLetterPublisher(
            RecordSender.direct(producer, ForkJoinPool.commonPool()), "pbi.export.deadletter",
            Clock.fixed(NOW, ZoneOffset.UTC));

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static ConsumerRecord<byte[], byte[]> original(RecordHeaders headers) {
        return new ConsumerRecord<>("pbi.export.requests", 3, 42L, 1_772_359_500_000L, TimestampType.CREATE_TIME, 3, 5,
                utf8("key"), utf8("{not json"), headers, Optional.empty());
    }

    @Test
    void keepsKeyValueAndHeadersAndSaysWhyAndWhereFrom() throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_type", utf8("com.pbiexport.export.requested.v1"));
        headers.add("traceparent", utf8("00-abc-def-01"));

        publisher.send(original(headers), DeadLetterReason.MALFORMED_JSON, "the value is not valid JSON").get();

        ProducerRecord<byte[], byte[]> r = producer.history().get(0);
        assertThat(r.topic()).isEqualTo("pbi.export.deadletter");
        assertThat(r.key()).isEqualTo(utf8("key"));
        assertThat(r.value()).isEqualTo(utf8("{not json"));
        assertThat(header(r, "ce_type")).isEqualTo("com.pbiexport.export.requested.v1");
        assertThat(header(r, "traceparent")).isEqualTo("00-abc-def-01");
        assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo("MALFORMED_JSON");
        assertThat(header(r, DeadLetterHeaders.ERROR)).isEqualTo("the value is not valid JSON");
        assertThat(header(r, DeadLetterHeaders.TOPIC)).isEqualTo("pbi.export.requests");
        assertThat(header(r, DeadLetterHeaders.PARTITION)).isEqualTo("3");
        assertThat(header(r, DeadLetterHeaders.OFFSET)).isEqualTo("42");
        // the original record's timestamp in epoch milliseconds, as DeadLetterHeaders documents
        assertThat(header(r, DeadLetterHeaders.TIMESTAMP)).isEqualTo("1772359500000");
    }

    @Test
    void replacesDeadLetterHeadersOfARecordThatWasReplayed() throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.REASON, utf8("EMPTY_VALUE"));
        headers.add(DeadLetterHeaders.OFFSET, utf8("7"));

        publisher.send(original(headers), DeadLetterReason.MISSING_REQUEST_ID, "no requestId").get();

        ProducerRecord<byte[], byte[]> r = producer.history().get(0);
        assertThat(StreamSupport.stream(r.headers().headers(DeadLetterHeaders.REASON).spliterator(), false).count())
                .isEqualTo(1);
        assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo("MISSING_REQUEST_ID");
        assertThat(header(r, DeadLetterHeaders.OFFSET)).isEqualTo("42");
    }

    @Test
    void failsTheFutureWhenTheBrokerRejects() {
        MockProducer<byte[], byte[]> manual = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        DeadLetterPublisher p = new DeadLetterPublisher(RecordSender.direct(manual, ForkJoinPool.commonPool()), "dlq",
                Clock.systemUTC());

        CompletableFuture<Void> sent = p.send(original(new RecordHeaders()), DeadLetterReason.EMPTY_VALUE, "no value");
        assertThat(sent).isNotDone();
        manual.errorNext(new KafkaException("topic authorization failed"));

        assertThat(sent).isCompletedExceptionally();
    }

    @Test
    void failsTheFutureInsteadOfThrowingWhenSendThrows() {
        producer.sendException = new KafkaException("closed");

        assertThat(publisher.send(original(new RecordHeaders()), DeadLetterReason.EMPTY_VALUE, "no value")).isCompletedExceptionally();
    }
}
