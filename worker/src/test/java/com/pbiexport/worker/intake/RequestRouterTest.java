package com.pbiexport.worker.intake;

import com.pbiexport.contracts.RequestValidator;
import com.fasterxml.jackson.databind.JsonNode;
import com.pbiexport.contracts.CloudEventHeaders;
import com.pbiexport.contracts.DeadLetterHeaders;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.export.ExportService;
import com.pbiexport.worker.jobstate.JobStateLookup;
import com.pbiexport.worker.jobstate.JobStates;
import com.pbiexport.worker.publish.DeadLetterPublisher;
import com.pbiexport.worker.publish.OutcomePublisher;
import com.pbiexport.worker.publish.RecordSender;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Which answer each kind of record gets, and that a record is finished only once its answer is acknowledged. */
class RequestRouterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1);
    private final ExecutorService io = Executors.newFixedThreadPool(2);
    private final List<String> decisions = new CopyOnWriteArrayList<>();
    private final AtomicInteger finished = new AtomicInteger();

    @AfterEach
    void stop() {
        timers.shutdownNow();
        io.shutdownNow();
    }

    private RequestRouter router(MockProducer<byte[], byte[]> producer) {
        EventCodec codec = EventCodec.shared();
        // no Power BI here: every export fails at once when it asks for its tenant's client
        ExportService exports = new ExportService(alias -> {
            throw new IllegalStateException("no Power BI in this test");
        }, alias -> null, new Classifier(), Limits.defaults(), Clock.systemUTC(), timers, io, null);
        RecordSender sender = RecordSender.direct(producer, ForkJoinPool.commonPool());
        OutcomePublisher outcomes = new OutcomePublisher(sender, "results", "/test", codec, Clock.systemUTC());
        return new RequestRouter(new RequestParser(codec), RequestValidator.forWorker(Set.of("contoso"), Set.of("files")),
                exports, outcomes, new DeadLetterPublisher(sender, "deadletter", Clock.systemUTC()),
                new JobStates(JobStateLookup.NONE, null, outcomes, Clock.systemUTC()), "files", Clock.systemUTC(),
                timers,
                new RequestRouter.RouterObserver() {
                    @Override
                    public void deadLettered(String reason) {
                        decisions.add("dead-letter " + reason);
                    }

                    @Override
                    public void rejected(String code) {
                        decisions.add("rejected " + code);
                    }

                    @Override
                    public void publishRetried() {
                        decisions.add("retried");
                    }
                });
    }

    private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static ConsumerRecord<byte[], byte[]> record(String value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));
        return new ConsumerRecord<>("requests", 0, 5L, 0L, TimestampType.CREATE_TIME, 0, 0, null,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), headers, Optional.empty());
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static JsonNode json(ProducerRecord<byte[], byte[]> r) throws Exception {
        return EventCodec.shared().mapper().readTree(r.value());
    }

    @Test
    void deadLettersARecordThatCannotBeParsed() {
        MockProducer<byte[], byte[]> producer = producer(true);

        router(producer).handle(record("{not json"), finished::incrementAndGet);

        await().atMost(WAIT).until(() -> finished.get() == 1);
        ProducerRecord<byte[], byte[]> r = producer.history().get(0);
        assertThat(r.topic()).isEqualTo("deadletter");
        assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo("MALFORMED_JSON");
        assertThat(decisions).containsExactly("dead-letter MALFORMED_JSON");
    }

    @Test
    void answersAMisspeltIdentitiesWithInvalidRequestAndNeverExports() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);

        router(producer).handle(record("{\"requestId\":\"r-2\",\"tenant\":\"contoso\",\"format\":\"PDF\","
                + "\"powerBIReportConfiguration\":{\"identity\":[{\"username\":\"alice\"}]}}"), finished::incrementAndGet);

        await().atMost(WAIT).until(() -> finished.get() == 1);
        ProducerRecord<byte[], byte[]> r = producer.history().get(0);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(json(r).at("/error/category").asText()).isEqualTo("invalid_request");
        assertThat(json(r).at("/error/message").asText())
                .startsWith("unknown field 'powerBIReportConfiguration.identity' (did you mean 'identities'?)");
        assertThat(decisions).containsExactly("rejected INVALID_REQUEST");
    }

    @Test
    void answersAMalformedRequestWithExportFailed() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);

        router(producer).handle(record("{\"requestId\":\"r-1\",\"notAfter\":\"soon\"}"), finished::incrementAndGet);

        await().atMost(WAIT).until(() -> finished.get() == 1);
        ProducerRecord<byte[], byte[]> r = producer.history().get(0);
        assertThat(r.topic()).isEqualTo("results");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("r-1");
        assertThat(header(r, CloudEventHeaders.TYPE)).isEqualTo(CloudEventHeaders.TYPE_FAILED);
        assertThat(header(r, "traceparent")).isEqualTo(TRACEPARENT);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(decisions).containsExactly("rejected INVALID_REQUEST");
    }

    @Test
    void answersAnInvalidRequestWithTheFirstProblemsCodeAndEveryProblem() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);

        router(producer).handle(record("{\"requestId\":\"r-2\",\"tenant\":\"wingtip\",\"workspaceId\":\"x\","
                + "\"reportId\":\"7e000000-0000-4000-a000-000000000001\",\"format\":\"PDF\"}"), finished::incrementAndGet);

        await().atMost(WAIT).until(() -> finished.get() == 1);
        JsonNode event = json(producer.history().get(0));
        assertThat(event.at("/error/code").asText()).isEqualTo("INVALID_UNKNOWN_TENANT");
        assertThat(event.at("/error/category").asText()).isEqualTo("invalid_request");
        assertThat(event.at("/error/message").asText()).isEqualTo("tenant 'wingtip' is not a configured tenant alias "
                + "(configured: contoso); workspaceId 'x' is not a GUID");
        assertThat(event.get("attempts").asInt()).isZero();
    }

    @Test
    void runsAValidRequestAsAnExportAndPublishesItsOutcome() throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);

        router(producer).handle(record("{\"requestId\":\"r-3\",\"tenant\":\"contoso\","
                + "\"workspaceId\":\"3d5e0000-0000-4000-a000-000000000001\","
                + "\"reportId\":\"7e000000-0000-4000-a000-000000000001\",\"format\":\"PDF\"}"), finished::incrementAndGet);

        await().atMost(WAIT).until(() -> finished.get() == 1);
        ProducerRecord<byte[], byte[]> r = producer.history().get(0);
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("r-3");
        assertThat(header(r, CloudEventHeaders.TYPE)).isEqualTo(CloudEventHeaders.TYPE_FAILED);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("INTERNAL_ERROR");
        assertThat(decisions).isEmpty();
    }

    @Test
    void retriesAFailedPublishAndFinishesOnlyOnceAcknowledged() {
        MockProducer<byte[], byte[]> producer = producer(false);

        router(producer).handle(record(null), finished::incrementAndGet);
        producer.errorNext(new KafkaException("not enough replicas"));

        await().atMost(WAIT).until(() -> producer.history().size() == 2);
        assertThat(finished).hasValue(0);
        producer.completeNext();

        await().atMost(WAIT).until(() -> finished.get() == 1);
        assertThat(decisions).containsExactly("retried", "dead-letter EMPTY_VALUE");
    }

    @Test
    void reportsARejectionOnlyOnceItsAnswerIsAcknowledged() {
        MockProducer<byte[], byte[]> producer = producer(false);

        router(producer).handle(record("{\"requestId\":\"r-4\",\"notAfter\":\"soon\"}"), finished::incrementAndGet);

        await().atMost(WAIT).until(() -> producer.history().size() == 1);
        assertThat(decisions).isEmpty();
        producer.completeNext();

        await().atMost(WAIT).until(() -> finished.get() == 1);
        assertThat(decisions).containsExactly("rejected INVALID_REQUEST");
    }

    @Test
    void aCancelledRecordIsNeitherRetriedNorFinished() {
        MockProducer<byte[], byte[]> producer = producer(false);

        RecordHandler.Cancellation c = router(producer).handle(record(null), finished::incrementAndGet);
        c.cancel();
        producer.errorNext(new KafkaException("broker away"));

        await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(3)).until(() -> producer.history().size() == 1);
        assertThat(finished).hasValue(0);
    }
}
