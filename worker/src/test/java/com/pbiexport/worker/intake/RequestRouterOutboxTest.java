package com.pbiexport.worker.intake;

import com.pbiexport.contracts.RequestValidator;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.export.ExportService;
import com.pbiexport.worker.jobstate.JobState;
import com.pbiexport.worker.jobstate.JobStateLookup;
import com.pbiexport.worker.jobstate.JobStateWriter;
import com.pbiexport.worker.jobstate.JobStates;
import com.pbiexport.worker.publish.DeadLetterPublisher;
import com.pbiexport.worker.publish.OutcomePublisher;
import com.pbiexport.worker.publish.Outbox;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Exactly-once: the router's answers go to the consumer thread's outbox, and count only once committed. */
class RequestRouterOutboxTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String REQUEST = "{\"requestId\":\"r-9\",\"tenant\":\"contoso\","
            + "\"workspaceId\":\"3d5e0000-0000-4000-a000-000000000001\","
            + "\"reportId\":\"7e000000-0000-4000-a000-000000000001\",\"format\":\"PDF\"}";

    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1);
    private final ExecutorService io = Executors.newFixedThreadPool(2);
    private final Outbox outbox = new Outbox();
    private final AtomicInteger finished = new AtomicInteger();

    @AfterEach
    void stop() {
        timers.shutdownNow();
        io.shutdownNow();
    }

    private RequestRouter router() {
        EventCodec codec = EventCodec.shared();
        // no Power BI: the job fails at once, which is enough to see how its answer leaves
        ExportService exports = new ExportService(alias -> {
            throw new IllegalStateException("no Power BI in this test");
        }, alias -> null, new Classifier(), Limits.defaults(), Clock.systemUTC(), timers, io, null);
        JobStateLookup writable = requestId -> Optional.empty();
        OutcomePublisher outcomes = new OutcomePublisher(outbox, "results", "/test", codec, Clock.systemUTC());
        return new RequestRouter(new RequestParser(codec), RequestValidator.forWorker(Set.of("contoso"), Set.of("files")),
                exports, outcomes, new DeadLetterPublisher(outbox, "deadletter", Clock.systemUTC()),
                new JobStates(writable, new JobStateWriter(outbox, "jobstate"), outcomes, Clock.systemUTC()), "files",
                Clock.systemUTC(), timers, null);
    }

    @Test
    void queuesTheOutcomeAndItsDoneStateAsOneUnitAndFinishesOnlyOnceItCommitted() {
        router().handle(record(2, REQUEST), finished::incrementAndGet);

        List<Outbox.Entry> entries = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            outbox.drainTo(entries);
            return !entries.isEmpty();
        });
        Outbox.Entry answer = entries.get(0);
        assertThat(answer.requestPartition()).isEqualTo(2);
        assertThat(answer.records()).extracting(r -> r.topic()).containsExactly("results", "jobstate");
        assertThat(JobState.fromJson(answer.records().get(1).value()))
                .hasValueSatisfying(s -> assertThat(s.isDone()).isTrue());
        assertThat(finished).as("not before its transaction committed").hasValue(0);

        answer.done().complete(null);
        await().atMost(WAIT).until(() -> finished.get() == 1);
    }

    @Test
    void deadLettersCarryTheirRequestPartitionSoFencingCanDropThem() {
        router().handle(record(1, "{not json"), finished::incrementAndGet);

        List<Outbox.Entry> entries = new ArrayList<>();
        outbox.drainTo(entries);
        assertThat(entries).singleElement().satisfies(e -> {
            assertThat(e.requestPartition()).isEqualTo(1);
            assertThat(e.records()).extracting(r -> r.topic()).containsExactly("deadletter");
        });
    }

    private static ConsumerRecord<byte[], byte[]> record(int partition, String value) {
        return new ConsumerRecord<>("requests", partition, 5L, 0L, TimestampType.CREATE_TIME, 0, 0, null,
                value.getBytes(StandardCharsets.UTF_8), new RecordHeaders(), Optional.empty());
    }
}
