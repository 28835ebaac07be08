package com.pbiexport.worker.intake;

import com.pbiexport.contracts.RequestValidator;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.export.ExportObserver;
import com.pbiexport.worker.export.ExportService;
import com.pbiexport.worker.jobstate.JobState;
import com.pbiexport.worker.jobstate.JobStateLookup;
import com.pbiexport.worker.jobstate.JobStateWriter;
import com.pbiexport.worker.jobstate.JobStates;
import com.pbiexport.worker.publish.DeadLetterPublisher;
import com.pbiexport.worker.publish.OutcomePublisher;
import com.pbiexport.worker.publish.RecordSender;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

/** The router with durable job state: live states are resumed, published outcomes end the state. */
class RequestRouterJobStateTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String REQUEST = "{\"requestId\":\"r-9\",\"tenant\":\"contoso\","
            + "\"workspaceId\":\"3d5e0000-0000-4000-a000-000000000001\","
            + "\"reportId\":\"7e000000-0000-4000-a000-000000000001\",\"format\":\"PDF\"}";

    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1);
    private final ExecutorService io = Executors.newFixedThreadPool(2);
    private final List<ExportObserver.Stage> stages = new CopyOnWriteArrayList<>();
    private final AtomicInteger finished = new AtomicInteger();
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());

    @AfterEach
    void stop() {
        timers.shutdownNow();
        io.shutdownNow();
    }

    private RequestRouter router(Map<String, JobState> states) {
        return router(new JobStateLookup() {
            @Override
            public Optional<JobState> find(String requestId) {
                return Optional.ofNullable(states.get(requestId));
            }
        });
    }

    private RequestRouter router(JobStateLookup states) {
        return router(states, producer);
    }

    private RequestRouter router(Map<String, JobState> states, MockProducer<byte[], byte[]> producer) {
        return router(requestId -> Optional.ofNullable(states.get(requestId)), producer);
    }

    private RequestRouter router(JobStateLookup states, MockProducer<byte[], byte[]> producer) {
        EventCodec codec = EventCodec.shared();
        ExportObserver observer = new ExportObserver() {
            @Override
            public void stageEntered(String tenant, Stage stage) {
                stages.add(stage);
            }
        };
        // no Power BI: the first call of a job fails at once, which is enough to see which path it took
        ExportService exports = new ExportService(alias -> {
            throw new IllegalStateException("no Power BI in this test");
        }, alias -> null, new Classifier(), Limits.defaults(), Clock.systemUTC(), timers, io, observer);
        RecordSender sender = RecordSender.direct(producer, ForkJoinPool.commonPool());
        OutcomePublisher outcomes = new OutcomePublisher(sender, "results", "/test", codec, Clock.systemUTC());
        return new RequestRouter(new RequestParser(codec), RequestValidator.forWorker(Set.of("contoso"), Set.of("files")),
                exports, outcomes, new DeadLetterPublisher(sender, "deadletter", Clock.systemUTC()),
                new JobStates(states, new JobStateWriter(sender, "jobstate"), outcomes, Clock.systemUTC()), "files",
                Clock.systemUTC(), timers, null);
    }

    private static ConsumerRecord<byte[], byte[]> record(int partition) {
        return new ConsumerRecord<>("requests", partition, 5L, 0L, TimestampType.CREATE_TIME, 0, 0, null,
                REQUEST.getBytes(StandardCharsets.UTF_8), new RecordHeaders(), Optional.empty());
    }

    private static JobState state(Instant startedAt) {
        return new JobState("r-9", "contoso", "ws", "rep", "export-1", 2, startedAt, JobState.STATUS_RUNNING,
                startedAt.plus(Duration.ofHours(24)));
    }

    @Test
    void marksTheRequestAnsweredOnItsPartitionAndTombstonesItOnceItsOffsetIsCommitted() {
        RequestRouter router = router(Map.of());
        router.handle(record(2), finished::incrementAndGet);

        await().atMost(WAIT).until(() -> finished.get() == 1 && producer.history().size() == 2);
        ProducerRecord<byte[], byte[]> outcome = producer.history().get(0);
        ProducerRecord<byte[], byte[]> done = producer.history().get(1);
        assertThat(outcome.topic()).isEqualTo("results");
        assertThat(done.topic()).isEqualTo("jobstate");
        assertThat(done.partition()).isEqualTo(2);
        assertThat(JobState.fromJson(done.value())).hasValueSatisfying(s -> assertThat(s.isDone()).isTrue());
        assertThat(stages.get(0)).as("a new export is queued for ExportTo").isEqualTo(ExportObserver.Stage.QUEUED);

        router.committed(Map.of(new TopicPartition("requests", 2), new OffsetAndMetadata(6)));

        assertThat(producer.history()).hasSize(3);
        ProducerRecord<byte[], byte[]> tombstone = producer.history().get(2);
        assertThat(tombstone.topic()).isEqualTo("jobstate");
        assertThat(tombstone.partition()).isEqualTo(2);
        assertThat(new String(tombstone.key(), StandardCharsets.UTF_8)).isEqualTo("r-9");
        assertThat(tombstone.value()).isNull();
    }

    @Test
    void aRedeliveredRequestThatWasAlreadyAnsweredIsFinishedWithoutASecondAnswer() {
        JobState done = JobState.done("r-9", "contoso", "ws", "rep", "export-1", 1, Instant.now());
        RequestRouter router = router(Map.of("r-9", done));

        router.handle(record(1), finished::incrementAndGet);

        assertThat(finished).hasValue(1);
        assertThat(producer.history()).isEmpty();
        assertThat(stages).isEmpty();
        router.committed(Map.of(new TopicPartition("requests", 1), new OffsetAndMetadata(6)));
        assertThat(producer.history()).singleElement().satisfies(r -> assertThat(r.value()).isNull());
    }

    @Test
    void writesNoStateWhereTheJobStateTopicHasNoPartition() {
        router(new JobStateLookup() {
            @Override
            public Optional<JobState> find(String requestId) {
                return Optional.empty();
            }

            @Override
            public boolean writable(int partition) {
                return false;
            }
        }).handle(record(4), finished::incrementAndGet);

        await().atMost(WAIT).until(() -> finished.get() == 1);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> producer.history().size() == 1);
        assertThat(producer.history().get(0).topic()).isEqualTo("results");
    }

    @Test
    void resumesARequestWhoseExportIsRecordedAsRunning() {
        router(Map.of("r-9", state(Instant.now().minusSeconds(60)))).handle(record(1), finished::incrementAndGet);

        await().atMost(WAIT).until(() -> finished.get() == 1);
        assertThat(stages.get(0)).as("resumed straight into polling").isEqualTo(ExportObserver.Stage.RENDERING);
        assertThat(stages).doesNotContain(ExportObserver.Stage.STARTING);
    }

    @Test
    void startsAgainWhenTheRecordedExportsFileHasExpired() {
        router(Map.of("r-9", state(Instant.now().minus(Duration.ofHours(25))))).handle(record(1),
                finished::incrementAndGet);

        await().atMost(WAIT).until(() -> finished.get() == 1);
        assertThat(stages.get(0)).isEqualTo(ExportObserver.Stage.QUEUED);
    }

    @Test
    void anAnswerAcknowledgedAfterItsPartitionWasReleasedIsNotTombstonedWhenThePartitionComesBack() {
        MockProducer<byte[], byte[]> slow =
                new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        RequestRouter router = router(Map.of(), slow);
        TopicPartition p2 = new TopicPartition("requests", 2);
        router.assigned(List.of(p2));
        router.handle(record(2), finished::incrementAndGet);
        await().atMost(WAIT).until(() -> slow.history().size() == 1); // the outcome, not acknowledged yet
        slow.completeNext();
        await().atMost(WAIT).until(() -> slow.history().size() == 2); // its "done" state, not acknowledged yet

        router.released(List.of(p2)); // revoked: the next owner skips r-9 and tombstones it after its commit
        slow.completeNext(); // the late acknowledgement, on the producer's thread
        await().atMost(WAIT).until(() -> finished.get() == 1);
        router.assigned(List.of(p2)); // later the partition comes back
        router.committed(Map.of(p2, new OffsetAndMetadata(6)));

        assertThat(slow.history()).as("no tombstone for an answer given under an earlier assignment")
                .extracting(ProducerRecord::topic).containsExactly("results", "jobstate");
    }
}
