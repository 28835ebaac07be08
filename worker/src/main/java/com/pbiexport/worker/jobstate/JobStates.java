package com.pbiexport.worker.jobstate;

import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.worker.export.JobResult;
import com.pbiexport.worker.export.StartListener;
import com.pbiexport.worker.publish.OutcomeEvents;
import com.pbiexport.worker.publish.OutcomePublisher;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The one owner of job state and of the answer/commit protocol. For each valid request it decides, from the states
 * loaded on assignment, whether to skip (answered before), resume (running, file not expired) or start; records
 * {@code running} when Power BI accepts an export; publishes the outcome together with {@code done}; tombstones the
 * state once the request's offset is committed; and on revocation waits for ExportTo calls still being answered,
 * so their states are handed over.
 * <p>Threads: {@link #plan}, {@link #assigned}, {@link #revoking}, {@link #released} and {@link #committed} run on
 * the intake thread, which alone owns the answered set; the {@link JobPlan.Export} callbacks run on export threads
 * and the answer's continuation on whichever thread makes it durable: they hand their result to the intake thread
 * (see {@link AnsweredRequests}) instead of changing shared state.
 */
public final class JobStates {
    private static final Logger log = LoggerFactory.getLogger(JobStates.class);
    private static final JobPlan ALREADY_ANSWERED = new JobPlan.AlreadyAnswered();

    private final JobStateLookup lookup;
    private final JobStateWriter writer;
    private final OutcomePublisher outcomes;
    private final Clock clock;
    /** ExportTo calls being answered per request partition: a revocation waits for them (see {@link #revoking}). */
    private final StartsInFlight starts = new StartsInFlight();
    private final AnsweredRequests answered = new AnsweredRequests();
    /** "running" writes through the immediate sender, which a partition's answers wait for (key order). */
    private final RunningWrites running = new RunningWrites();
    private final CrashClaims claims;

    /**
     * @param lookup   the states loaded on assignment ({@link JobStateStore})
     * @param writer   where states are written; null: no job-state topic (outcomes only, nothing resumed)
     * @param outcomes where the answers go (an outcome and its "done" state are one unit)
     */
    public JobStates(JobStateLookup lookup, JobStateWriter writer, OutcomePublisher outcomes, Clock clock) {
        this(lookup, writer, outcomes, clock, 0);
    }

    /**
     * @param poisonAfterCrashes a request in flight at this many crashes of its owners in a row is answered
     *                           {@code POISON_REQUEST} instead of run ({@link CrashClaims}); 0: no claims recorded
     */
    public JobStates(JobStateLookup lookup, JobStateWriter writer, OutcomePublisher outcomes, Clock clock,
                     int poisonAfterCrashes) {
        this.lookup = lookup == null ? JobStateLookup.NONE : lookup;
        this.writer = writer;
        this.outcomes = outcomes;
        this.clock = clock;
        this.claims = new CrashClaims(poisonAfterCrashes);
    }

    /** Answered requests waiting for their offsets' commit, from any thread (the cache-size gauge). */
    public int answeredWaiting() {
        return answered.rememberedNow();
    }

    /** Crash claims this owner holds now, from any thread (the cache-size gauge). */
    public int claimsHeld() {
        return claims.size();
    }

    /** Decides what happens to the valid request at {@code offset} of {@code tp}. Intake thread. */
    public JobPlan plan(TopicPartition tp, long offset, ExportRequested request, Optional<String> traceparent) {
        Optional<JobState> known = lookup.find(request.requestId());
        if (known.isPresent() && known.get().isDone()) {
            log.info("request {} was already answered; skipping its redelivery", request.requestId());
            answered.add(tp, offset, request.requestId());
            return ALREADY_ANSWERED;
        }
        long assignment = answered.assignment(tp);
        long epoch = starts.epoch(tp.partition());
        Optional<List<Instant>> crashes = recorded(tp.partition()) ? claims.poisoned(known) : Optional.empty();
        if (crashes.isPresent()) {
            String message = poisonMessage(tp, offset, request.requestId(), crashes.get());
            log.error("{}", message);
            JobState k = known.get();
            return new JobPlan.Poisoned(crashes.get(), message, event -> publishAnswer(tp, assignment, epoch, offset,
                    request, event, k.exportId(), k.attempt(), traceparent));
        }
        Optional<JobState> live = known.filter(s -> s.resumableAt(clock.instant()));
        live.ifPresent(s -> log.info("resuming export {} (attempt {}) of request {} recorded at {}", s.exportId(),
                s.attempt(), request.requestId(), s.startedAt()));
        return new JobPlan.Export(live, startListener(tp.partition(), request),
                result -> answer(tp, assignment, epoch, offset, result, traceparent),
                claim(tp.partition(), request, known));
    }

    /** Records this owner's claim on the request; completes once it is durable (at once when claims are off). */
    private CompletableFuture<Void> claim(int partition, ExportRequested request, Optional<JobState> known) {
        if (!claims.enabled() || !recorded(partition)) {
            return CompletableFuture.completedFuture(null);
        }
        return writer.write(partition, claims.claim(partition, request, known, clock.instant()));
    }

    private String poisonMessage(TopicPartition tp, long offset, String requestId, List<Instant> crashes) {
        return "Request " + requestId + " was in flight each of the last " + crashes.size() + " times a worker "
                + "stopped without releasing it (taken at " + crashes.stream().map(Instant::toString)
                .collect(Collectors.joining(", ")) + "), so it is not run again (intake.poisonAfterCrashes="
                + claims.threshold() + "). Inspect: its claims are the job state with key " + requestId + " in "
                + writer.topic() + " partition " + tp.partition() + "; the request is " + tp + "@" + offset
                + "; the worker logs of those times tell why they stopped. It may be the cause, or it was in flight "
                + "beside the request that was (every request in flight at a crash counts): if those logs show "
                + "another cause, publish it again with a new requestId as it is. Replay: fix the cause, then "
                + "publish the request again with a new requestId.";
    }

    /** Tells {@link #starts} about each ExportTo of the request and records the export Power BI accepted. */
    private StartListener startListener(int partition, ExportRequested request) {
        return new StartListener() {
            @Override
            public boolean starting() {
                return starts.begin(partition);
            }

            @Override
            public void started(String exportId, int attempt, Instant acceptedAt) {
                try {
                    recordRunning(partition, request, exportId, attempt, acceptedAt);
                } finally {
                    starts.end(partition); // after the state is queued: a revocation then hands it over
                }
            }

            @Override
            public void notStarted() {
                starts.end(partition);
            }
        };
    }

    private void recordRunning(int partition, ExportRequested r, String exportId, int attempt, Instant at) {
        if (!recorded(partition)) {
            return;
        }
        CompletableFuture<Void> written = writer.write(partition, claims.running(JobState.running(r.requestId(),
                r.tenant(), r.workspaceId(), r.reportId(), exportId, attempt, at)));
        if (writer.runningSeparately()) {
            running.add(partition, written);
        }
        written.whenComplete((ok, error) -> {
            if (error != null) {
                // not fatal: without the record a later owner starts the export again
                log.warn("recording the state of request {} failed: {}", r.requestId(), error.toString());
            }
        });
    }

    /**
     * Publishes the outcome together with the job state "done" (so a redelivered copy is not answered again):
     * exactly-once commits both in one transaction; at-least-once writes the state once the outcome is
     * acknowledged. Once durable, the request is handed to the intake thread to be tombstoned after its commit.
     */
    private CompletableFuture<Void> answer(TopicPartition tp, long assignment, long epoch, long offset,
                                           JobResult result, Optional<String> traceparent) {
        String exportId = result instanceof JobResult.Stored s ? s.exportId()
                : ((JobResult.Failed) result).exportId().orElse("");
        return publishAnswer(tp, assignment, epoch, offset, result.spec().request(),
                OutcomeEvents.from(result, clock.instant()), exportId, result.attempts(), traceparent);
    }

    /** Publishes {@code event}, the answer to {@code r}, with the "done" state; see {@link #answer}. */
    private CompletableFuture<Void> publishAnswer(TopicPartition tp, long assignment, long epoch, long offset,
                                                  ExportRequested r, Object event, String exportId, int attempts,
                                                  Optional<String> traceparent) {
        boolean recorded = recorded(tp.partition());
        List<ProducerRecord<byte[], byte[]>> followers = List.of();
        if (recorded) {
            followers = List.of(writer.record(tp.partition(), JobState.done(r.requestId(), r.tenant(),
                    r.workspaceId(), r.reportId(), exportId, attempts, clock.instant())));
        }
        List<ProducerRecord<byte[], byte[]>> withDone = followers;
        Supplier<CompletableFuture<Void>> publish = () -> claims.answered(r.requestId(),
                () -> outcomes.publish(tp.partition(), r.requestId(), event, traceparent, withDone));
        CompletableFuture<Void> published = recorded && writer.runningSeparately()
                ? running.then(tp.partition(), () -> starts.whileOwned(tp.partition(), epoch, publish))
                : publish.get();
        return recorded
                ? published.thenRun(() -> answered.handOver(tp, assignment, offset, r.requestId()))
                : published;
    }

    private boolean recorded(int partition) {
        return writer != null && lookup.writable(partition);
    }

    /** Request partitions gained: load their states, allow starts again. Intake thread, rebalance listener. */
    public void assigned(Collection<TopicPartition> partitions) {
        lookup.assigned(partitions);
        starts.open(partitions.stream().map(TopicPartition::partition).toList());
    }

    /**
     * Waits (up to {@code patience}) for the ExportTo calls of {@code partitions} still being answered, so the job
     * state of an export accepted meanwhile is queued before the intake thread's final commit of these
     * partitions; refuses new ones (the next owner starts them). Then gives back this owner's claims on their
     * requests still running ({@link CrashClaims}): a clean hand-over must not count as a crash. Intake thread,
     * rebalance listener, and the shutdown's drain (before its final commit).
     */
    public void revoking(Collection<TopicPartition> partitions, Duration patience) {
        List<Integer> numbers = partitions.stream().map(TopicPartition::partition).toList();
        int left = starts.closeAndAwait(numbers, patience);
        if (left > 0) {
            log.warn("{} ExportTo call(s) of partitions {} still unanswered after {}; their exports may start again "
                    + "on the next owner", left, numbers, patience);
        }
        // a clean hand-over is no crash: this owner's claims go, in the same final commit
        claims.release(numbers, w -> (w.state() == null ? writer.tombstone(w.partition(), w.requestId())
                : writer.write(w.partition(), w.state())).whenComplete((ok, e) -> {
                    if (e != null) {
                        log.warn("releasing the claim on request {} failed: {}", w.requestId(), e.toString());
                    }
                }));
    }

    /**
     * Request partitions given up (revoked or lost): pending writes made durable, their states and answers
     * forgotten; the next owner sees the "done" states, skips those requests and tombstones them after its commit.
     * Intake thread, rebalance listener.
     */
    public void released(Collection<TopicPartition> partitions) {
        lookup.released(partitions);
        answered.released(partitions);
    }

    /** Offsets durably committed: the states of the answered requests below them are tombstoned. Intake thread. */
    public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (writer == null) {
            return;
        }
        offsets.forEach((tp, om) -> answered.takeBelow(tp, om.offset()).forEach(requestId ->
                writer.tombstone(tp.partition(), requestId).whenComplete((v, e) -> {
                    if (e != null) {
                        log.debug("tombstoning the state of {} failed: {}", requestId, e.toString());
                    }
                })));
    }
}
