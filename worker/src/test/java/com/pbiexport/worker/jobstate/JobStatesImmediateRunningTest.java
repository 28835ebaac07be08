package com.pbiexport.worker.jobstate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.worker.export.ExportJobSpec;
import com.pbiexport.worker.export.JobResult;
import com.pbiexport.worker.publish.OutcomePublisher;
import com.pbiexport.worker.publish.Outbox;
import com.pbiexport.worker.publish.RecordSender;
import com.pbiexport.worker.storage.SinkResult;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly-once with the immediate "running" writer: the exportId leaves at once (not behind the next
 * transaction), and a request's "done" is queued only after its "running" settled, so the two producers never
 * reorder one key; an answer still waiting when its partition is handed over is refused, never queued late.
 */
class JobStatesImmediateRunningTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final TopicPartition TP = new TopicPartition("requests", 2);

    /** The immediate producer, acknowledged by hand. */
    private static final class HeldSender implements RecordSender {
        final List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        final List<CompletableFuture<Void>> acks = new ArrayList<>();

        @Override
        public synchronized CompletableFuture<Void> send(int partition, List<ProducerRecord<byte[], byte[]>> records) {
            sent.addAll(records);
            CompletableFuture<Void> ack = new CompletableFuture<>();
            acks.add(ack);
            return ack;
        }
    }

    private final Outbox outbox = new Outbox();
    private final HeldSender immediate = new HeldSender();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final OutcomePublisher outcomes = new OutcomePublisher(outbox, "results", "/test", EventCodec.shared(),
            clock);
    private final JobStates states = new JobStates(requestId -> Optional.empty(),
            JobStateWriter.immediate(outbox, immediate, "jobstate"), outcomes, clock);

    private JobPlan.Export planAndStart(String requestId, String exportId) {
        JobPlan.Export plan = (JobPlan.Export) states.plan(TP, 7, request(requestId), Optional.empty());
        assertThat(plan.onStarted().starting()).isTrue();
        plan.onStarted().started(exportId, 1, NOW);
        return plan;
    }

    @Test
    void writesTheRunningStateAtOnceThroughItsOwnSenderNotBehindTheNextTransaction() {
        planAndStart("r-1", "export-1");

        assertThat(immediate.sent).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo("jobstate");
            assertThat(r.partition()).as("same partition number as the request").isEqualTo(2);
            assertThat(JobState.fromJson(r.value())).hasValueSatisfying(s -> {
                assertThat(s.isDone()).isFalse();
                assertThat(s.exportId()).isEqualTo("export-1");
            });
        });
        assertThat(outbox.size()).as("nothing waits for the consumer thread's transaction").isZero();
    }

    @Test
    void queuesTheAnswerAndItsDoneStateOnlyAfterTheRunningStateWasAcknowledged() {
        JobPlan.Export plan = planAndStart("r-1", "export-1");

        CompletableFuture<Void> answered = plan.answer().apply(stored("export-1"));
        assertThat(outbox.size()).as("done must not overtake running (two producers, one key)").isZero();
        assertThat(answered).isNotDone();

        immediate.acks.get(0).complete(null);
        List<Outbox.Entry> entries = new ArrayList<>();
        outbox.drainTo(entries);
        assertThat(entries).singleElement().satisfies(e -> {
            assertThat(e.records()).extracting(ProducerRecord::topic).containsExactly("results", "jobstate");
            assertThat(JobState.fromJson(e.records().get(1).value()))
                    .hasValueSatisfying(s -> assertThat(s.isDone()).isTrue());
        });
        assertThat(answered).as("durable only once its transaction committed").isNotDone();
        entries.get(0).done().complete(null);
        assertThat(answered).isCompleted();
    }

    @Test
    void aRunningWriteTheProducerGaveUpOnStillLetsTheAnswerGo() {
        JobPlan.Export plan = planAndStart("r-1", "export-1");
        CompletableFuture<Void> answered = plan.answer().apply(stored("export-1"));

        immediate.acks.get(0).completeExceptionally(new KafkaException("delivery timeout"));

        assertThat(outbox.size()).as("settled (failed) is enough: the producer will not append it later")
                .isEqualTo(1);
        assertThat(answered).isNotDone();
    }

    @Test
    void anAnswerWaitsForEveryEarlierRunningWriteOfItsPartition() {
        JobPlan.Export first = planAndStart("r-1", "export-1");
        planAndStart("r-2", "export-2");

        first.answer().apply(stored("export-1"));
        immediate.acks.get(0).complete(null);
        assertThat(outbox.size()).as("r-2's running write is still unacknowledged").isZero();
        immediate.acks.get(1).complete(null);
        assertThat(outbox.size()).isEqualTo(1);
    }

    @Test
    void anAnswerStillWaitingWhenItsPartitionIsHandedOverIsRefusedNotQueuedLate() {
        JobPlan.Export plan = planAndStart("r-1", "export-1");
        CompletableFuture<Void> answered = plan.answer().apply(stored("export-1"));

        states.revoking(List.of(TP), Duration.ZERO);
        states.assigned(List.of(TP)); // and assigned back: still a past owner's answer
        immediate.acks.get(0).complete(null);

        assertThat(outbox.size()).as("the next owner resumes the recorded export and answers it").isZero();
        assertThat(answered).isCompletedExceptionally();
    }

    @Test
    void anAnswerWithNoRunningWriteBeforeItIsQueuedAtOnce() {
        JobPlan.Export plan = (JobPlan.Export) states.plan(TP, 7, request("r-1"), Optional.empty());

        plan.answer().apply(stored(""));

        assertThat(outbox.size()).isEqualTo(1);
        assertThat(immediate.sent).isEmpty();
    }

    private static ExportRequested request(String requestId) {
        return ExportRequested.builder(requestId, "contoso", "3d5e0000-0000-4000-a000-000000000001",
                "7e000000-0000-4000-a000-000000000001", ExportFormat.PDF).build();
    }

    private static JobResult stored(String exportId) {
        ExportRequested r = request("r-1");
        ExportJobSpec spec = new ExportJobSpec(r, JsonNodeFactory.instance.objectNode().put("format", "PDF"),
                "files", NOW, Optional.empty());
        return new JobResult.Stored(spec, new SinkResult(URI.create("file:///exports/r-1.pdf"), 1234,
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "application/pdf", "r-1.pdf"),
                exportId, new JobResult.Timings(10, 2000, 300, 2310), 1, List.of("pbi-req-1"));
    }
}
