package com.pbiexport.worker.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.RequestValidator;
import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.export.ExportService;
import com.pbiexport.worker.jobstate.JobState;
import com.pbiexport.worker.jobstate.JobStateLookup;
import com.pbiexport.worker.jobstate.JobStateWriter;
import com.pbiexport.worker.jobstate.JobStates;
import com.pbiexport.worker.publish.DeadLetterPublisher;
import com.pbiexport.worker.publish.Outbox;
import com.pbiexport.worker.publish.OutcomePublisher;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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

/**
 * Poison requests, exactly-once (the consumer thread's outbox): the owner's claim is durable before the request
 * runs, a revocation takes it back, and the owner that finds 3 claims of owners that died with it answers
 * POISON_REQUEST instead of running it.
 */
class RequestRouterPoisonTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant T1 = Instant.parse("2026-03-01T09:00:00Z");
    private static final Instant T2 = Instant.parse("2026-03-01T09:10:00Z");
    private static final Instant T3 = Instant.parse("2026-03-01T09:20:00Z");
    private static final String REQUEST = "{\"requestId\":\"r-9\",\"tenant\":\"contoso\","
            + "\"workspaceId\":\"3d5e0000-0000-4000-a000-000000000001\","
            + "\"reportId\":\"7e000000-0000-4000-a000-000000000001\",\"format\":\"PDF\"}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1);
    private final ExecutorService io = Executors.newFixedThreadPool(2);
    private final Outbox outbox = new Outbox();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicInteger powerBiLookups = new AtomicInteger();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    @AfterEach
    void stop() {
        timers.shutdownNow();
        io.shutdownNow();
    }

    private RequestRouter router(Optional<JobState> known) {
        EventCodec codec = EventCodec.shared();
        // no Power BI: a job that runs fails at once, which is enough to see whether and when it ran
        ExportService exports = new ExportService(alias -> {
            powerBiLookups.incrementAndGet();
            throw new IllegalStateException("no Power BI in this test");
        }, alias -> null, new Classifier(), Limits.defaults(), clock, timers, io, null);
        JobStateLookup lookup = requestId -> known;
        OutcomePublisher outcomes = new OutcomePublisher(outbox, "results", "/test", codec, clock);
        return new RequestRouter(new RequestParser(codec), RequestValidator.forWorker(Set.of("contoso"), Set.of("files")),
                exports, outcomes, new DeadLetterPublisher(outbox, "deadletter", clock),
                new JobStates(lookup, new JobStateWriter(outbox, "jobstate"), outcomes, clock, 3), "files",
                clock, timers, null);
    }

    @Test
    void runsTheRequestOnlyOnceItsClaimIsCommitted() {
        router(Optional.empty()).handle(record(2, REQUEST), finished::incrementAndGet);

        List<Outbox.Entry> entries = new ArrayList<>();
        outbox.drainTo(entries);
        Outbox.Entry claim = entries.get(0);
        assertThat(entries).hasSize(1);
        assertThat(claim.records()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo("jobstate");
            assertThat(r.partition()).isEqualTo(2);
            assertThat(JobState.fromJson(r.value())).hasValueSatisfying(s -> {
                assertThat(s.status()).isEqualTo(JobState.STATUS_CLAIMED);
                assertThat(s.claims()).containsExactly(NOW);
            });
        });
        assertThat(powerBiLookups).as("nothing runs before the claim is durable").hasValue(0);

        claim.done().complete(null);
        Outbox.Entry answer = await().atMost(WAIT).until(() -> next(entries), e -> e != null);
        assertThat(answer.records()).extracting(r -> r.topic()).containsExactly("results", "jobstate");
        assertThat(powerBiLookups.get()).isPositive();
    }

    @Test
    void answersPoisonRequestWhenThreeOwnersDiedWithItInFlight() throws IOException {
        JobState crashedThrice = new JobState("r-9", "contoso", "ws", "rep", "", 1, T1, JobState.STATUS_CLAIMED,
                T1.plus(Duration.ofHours(24)), List.of(T1, T2, T3));

        router(Optional.of(crashedThrice)).handle(record(2, REQUEST), finished::incrementAndGet);

        List<Outbox.Entry> entries = new ArrayList<>();
        outbox.drainTo(entries);
        assertThat(entries).as("no claim: the answer only").singleElement();
        Outbox.Entry answer = entries.get(0);
        assertThat(answer.records()).extracting(r -> r.topic()).containsExactly("results", "jobstate");
        JsonNode error = JSON.readTree(answer.records().get(0).value()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("POISON_REQUEST");
        assertThat(error.path("category").asText()).isEqualTo("internal");
        assertThat(error.path("retryable").asBoolean(true)).isFalse();
        assertThat(error.path("message").asText())
                .contains("last 3 times", T1.toString(), T2.toString(), T3.toString(),
                        "key r-9 in jobstate partition 2", "requests-2@5", "new requestId");
        assertThat(JobState.fromJson(answer.records().get(1).value()))
                .hasValueSatisfying(s -> assertThat(s.isDone()).as("answered once: a redelivery is skipped").isTrue());

        answer.done().complete(null);
        await().atMost(WAIT).until(() -> finished.get() == 1);
        assertThat(powerBiLookups).as("the poison request never runs").hasValue(0);
    }

    @Test
    void twoCrashesAreNotEnoughTheRequestRunsWithItsClaimAdded() {
        JobState crashedTwice = new JobState("r-9", "contoso", "ws", "rep", "", 1, T1, JobState.STATUS_CLAIMED,
                T1.plus(Duration.ofHours(24)), List.of(T1, T2));

        router(Optional.of(crashedTwice)).handle(record(2, REQUEST), finished::incrementAndGet);

        List<Outbox.Entry> entries = new ArrayList<>();
        outbox.drainTo(entries);
        assertThat(entries).singleElement().satisfies(e -> assertThat(JobState.fromJson(e.records().get(0).value()))
                .hasValueSatisfying(s -> assertThat(s.claims()).containsExactly(T1, T2, NOW)));
    }

    @Test
    void aRevocationTakesTheClaimBackInTheFinalCommit() {
        RequestRouter router = router(Optional.empty());
        RecordHandler.Cancellation job = router.handle(record(2, REQUEST), finished::incrementAndGet);
        List<Outbox.Entry> entries = new ArrayList<>();
        outbox.drainTo(entries);

        job.cancel(); // what the intake loop does first on revocation
        router.revoking(List.of(new TopicPartition("requests", 2)), Duration.ofSeconds(1));

        Outbox.Entry release = next(entries);
        assertThat(release).isNotNull();
        assertThat(release.records()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo("jobstate");
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("r-9");
            assertThat(r.value()).as("only the claim was recorded: a tombstone").isNull();
        });
        entries.get(0).done().complete(null); // the claim commits with it; the cancelled job must not start
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> powerBiLookups.get() == 0);
    }

    private Outbox.Entry next(List<Outbox.Entry> seen) {
        int before = seen.size();
        outbox.drainTo(seen);
        return seen.size() > before ? seen.get(before) : null;
    }

    private static ConsumerRecord<byte[], byte[]> record(int partition, String value) {
        return new ConsumerRecord<>("requests", partition, 5L, 0L, TimestampType.CREATE_TIME, 0, 0, null,
                value.getBytes(StandardCharsets.UTF_8), new RecordHeaders(), Optional.empty());
    }
}
