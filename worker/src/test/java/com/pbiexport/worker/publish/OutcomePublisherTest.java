package com.pbiexport.worker.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.pbiexport.contracts.CloudEventHeaders;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.ExportFailed;
import com.pbiexport.worker.diagnose.Diagnosis;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutcomePublisherTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:05:00Z");
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String SOURCE = "/export-worker/worker-0";

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final OutcomePublisher publisher = new OutcomePublisher(
            RecordSender.direct(producer, ForkJoinPool.commonPool()), "pbi.export.results", SOURCE,
            EventCodec.shared(), Clock.fixed(NOW, ZoneOffset.UTC));

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private ProducerRecord<byte[], byte[]> publishOne(String requestId, Object event, Optional<String> traceparent)
            throws Exception {
        publisher.publish(requestId, event, traceparent).get();
        return producer.history().get(producer.history().size() - 1);
    }

    @Test
    void publishesACompletionKeyedByRequestIdWithCloudEventsHeaders() throws Exception {
        Object event = OutcomeEvents.from(Outcomes.stored("r-1"), NOW);

        ProducerRecord<byte[], byte[]> r = publishOne("r-1", event, Optional.of(TRACEPARENT));

        assertThat(r.topic()).isEqualTo("pbi.export.results");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("r-1");
        assertThat(header(r, CloudEventHeaders.TYPE)).isEqualTo(CloudEventHeaders.TYPE_COMPLETED);
        assertThat(header(r, CloudEventHeaders.SOURCE)).isEqualTo(SOURCE);
        assertThat(header(r, CloudEventHeaders.SPECVERSION)).isEqualTo("1.0");
        assertThat(header(r, CloudEventHeaders.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(header(r, CloudEventHeaders.TIME)).isEqualTo("2026-03-01T10:05:00Z");
        assertThat(header(r, CloudEventHeaders.SUBJECT)).isEqualTo("r-1");
        assertThat(header(r, "traceparent")).isEqualTo(TRACEPARENT);
        assertThat(UUID.fromString(header(r, CloudEventHeaders.ID))).isNotNull();
    }

    @Test
    void sendsNoTraceparentWhenTheRequestHadNone() throws Exception {
        ProducerRecord<byte[], byte[]> r = publishOne("r-1", OutcomeEvents.from(Outcomes.stored("r-1"), NOW),
                Optional.empty());

        assertThat(r.headers().lastHeader("traceparent")).isNull();
    }

    @Test
    void derivesTheEventIdFromRequestIdAndTypeSoARepublishedOutcomeKeepsIt() throws Exception {
        String first = header(publishOne("r-1", OutcomeEvents.from(Outcomes.stored("r-1"), NOW), Optional.empty()),
                CloudEventHeaders.ID);
        String again = header(publishOne("r-1", OutcomeEvents.from(Outcomes.stored("r-1"), NOW.plusSeconds(60)),
                Optional.empty()), CloudEventHeaders.ID);
        String failed = header(publishOne("r-1", OutcomeEvents.from(Outcomes.failed("r-1", Outcomes.notFound()), NOW),
                Optional.empty()), CloudEventHeaders.ID);
        String other = header(publishOne("r-2", OutcomeEvents.from(Outcomes.stored("r-2"), NOW), Optional.empty()),
                CloudEventHeaders.ID);

        assertThat(again).isEqualTo(first);
        assertThat(failed).isNotEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void publishesAFailureWithItsTypeAndError() throws Exception {
        ProducerRecord<byte[], byte[]> r = publishOne("r-3",
                OutcomeEvents.from(Outcomes.failed("r-3", Outcomes.notFound()), NOW), Optional.empty());

        assertThat(header(r, CloudEventHeaders.TYPE)).isEqualTo(CloudEventHeaders.TYPE_FAILED);
        JsonNode json = EventCodec.shared().mapper().readTree(r.value());
        assertThat(json.get("requestId").asText()).isEqualTo("r-3");
        assertThat(json.at("/error/code").asText()).isEqualTo("PBI_REPORT_NOT_FOUND");
        assertThat(json.at("/error/category").asText()).isEqualTo("not_found");
        assertThat(json.at("/error/httpStatus").asInt()).isEqualTo(404);
        assertThat(json.at("/error/powerBiErrorCode").asText()).isEqualTo("PowerBIEntityNotFound");
        assertThat(json.at("/error/powerBiRequestId").asText()).isEqualTo("pbi-req-3");
        assertThat(json.get("exportId").asText()).isEqualTo("export-2");
        assertThat(json.get("attempts").asInt()).isEqualTo(2);
        assertThat(json.at("/attributes/batch").asText()).isEqualTo("nightly");
    }

    @Test
    void completesOnlyWhenTheBrokerAcknowledges() {
        MockProducer<byte[], byte[]> manual = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        OutcomePublisher p = new OutcomePublisher(RecordSender.direct(manual, ForkJoinPool.commonPool()), "results",
                SOURCE, EventCodec.shared(), Clock.systemUTC());

        CompletableFuture<Void> sent = p.publish("r-1", OutcomeEvents.from(Outcomes.stored("r-1"), NOW), Optional.empty());
        assertThat(sent).isNotDone();

        manual.completeNext();
        assertThat(sent).isCompleted();
    }

    @Test
    void failsTheFutureWhenTheBrokerRejects() {
        MockProducer<byte[], byte[]> manual = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        OutcomePublisher p = new OutcomePublisher(RecordSender.direct(manual, ForkJoinPool.commonPool()), "results",
                SOURCE, EventCodec.shared(), Clock.systemUTC());

        CompletableFuture<Void> sent = p.publish("r-1", OutcomeEvents.from(Outcomes.stored("r-1"), NOW), Optional.empty());
        manual.errorNext(new KafkaException("not enough replicas"));

        assertThatThrownBy(sent::get).isInstanceOf(ExecutionException.class).hasRootCauseMessage("not enough replicas");
    }

    @Test
    void failsTheFutureInsteadOfThrowingWhenSendThrows() {
        producer.sendException = new KafkaException("producer closed");

        CompletableFuture<Void> sent = publisher.publish("r-1", OutcomeEvents.from(Outcomes.stored("r-1"), NOW),
                Optional.empty());

        assertThat(sent).isCompletedExceptionally();
    }

    @Test
    void everyPublishedEventValidatesAgainstItsSchema() throws Exception {
        ExportFailed invalid = OutcomeEvents.rejected(Outcomes.request("r-5"),
                Diagnosis.invalid("output.sink 's3' is not a configured sink"), NOW);
        ExportFailed malformed = OutcomeEvents.rejected("r-6", Diagnosis.invalid("a field has the wrong type"), NOW);

        assertThat(ContractSchemas.problems("ExportCompleted",
                publishOne("r-1", OutcomeEvents.from(Outcomes.stored("r-1"), NOW), Optional.empty()).value())).isEmpty();
        assertThat(ContractSchemas.problems("ExportFailed", publishOne("r-3",
                OutcomeEvents.from(Outcomes.failed("r-3", Outcomes.notFound()), NOW), Optional.empty()).value())).isEmpty();
        assertThat(ContractSchemas.problems("ExportFailed", publishOne("r-5", invalid, Optional.empty()).value())).isEmpty();
        assertThat(ContractSchemas.problems("ExportFailed", publishOne("r-6", malformed, Optional.empty()).value())).isEmpty();
    }
}
