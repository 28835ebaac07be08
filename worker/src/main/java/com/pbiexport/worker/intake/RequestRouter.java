package com.pbiexport.worker.intake;

import com.pbiexport.contracts.RequestValidator;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.worker.export.ExportJobSpec;
import com.pbiexport.worker.export.ExportService;
import com.pbiexport.worker.export.JobResult;
import com.pbiexport.worker.jobstate.JobPlan;
import com.pbiexport.worker.jobstate.JobStates;
import com.pbiexport.worker.publish.DeadLetterPublisher;
import com.pbiexport.worker.publish.OutcomeEvents;
import com.pbiexport.worker.publish.OutcomePublisher;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Parses, validates and dispatches each record: unparseable -> dead letter; parseable but invalid ->
 * {@code ExportFailed}; valid -> whatever {@link JobStates} plans (skip, resume or start an export whose result
 * it publishes). A record is finished only when its answer is durable; failed publishes are retried with backoff
 * until they succeed or the record is cancelled (then it stays uncommitted and is redelivered). Partition events
 * go to {@link JobStates}, the one owner of job state and of the answer/commit protocol.
 */
public final class RequestRouter implements RecordHandler, PartitionListener {
    private static final Logger log = LoggerFactory.getLogger(RequestRouter.class);

    private final RequestParser parser;
    private final RequestValidator validator;
    private final ExportService exports;
    private final OutcomePublisher outcomes;
    private final DeadLetterPublisher deadLetters;
    private final JobStates jobStates;
    private final String defaultSink;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final RouterObserver observer;

    /** Counts what the router decided, for metrics. */
    public interface RouterObserver {
        default void deadLettered(String reason) { }

        /** A request answered without an export (invalid, malformed, poisoned): called once its answer is published. */
        default void rejected(String code) { }

        /**
         * An export's outcome was published (acknowledged; in exactly-once mode, committed). An outcome that never
         * commits here (the partition moved, the JVM stopped) is not reported: the next owner publishes and reports it.
         */
        default void answered(JobResult result) { }

        default void publishRetried() { }

        RouterObserver NONE = new RouterObserver() { };
    }

    /**
     * @param outcomes  where rejections (malformed or invalid requests) are answered
     * @param jobStates plans valid requests and answers their exports
     */
    public RequestRouter(RequestParser parser, RequestValidator validator, ExportService exports,
                         OutcomePublisher outcomes, DeadLetterPublisher deadLetters, JobStates jobStates,
                         String defaultSink, Clock clock, ScheduledExecutorService timers, RouterObserver observer) {
        this.parser = parser;
        this.validator = validator;
        this.exports = exports;
        this.outcomes = outcomes;
        this.deadLetters = deadLetters;
        this.jobStates = jobStates;
        this.defaultSink = defaultSink;
        this.clock = clock;
        this.timers = timers;
        this.observer = observer == null ? RouterObserver.NONE : observer;
    }

    @Override
    public Cancellation handle(ConsumerRecord<byte[], byte[]> record, Runnable finished) {
        AtomicBoolean cancelled = new AtomicBoolean();
        ParseResult parsed = parser.parse(record.value(), headers(record));
        if (parsed instanceof ParseResult.Unparseable u) {
            log.warn("dead-lettering {}-{}@{}: {} ({})", record.topic(), record.partition(), record.offset(),
                    u.reason(), u.detail());
            deliver(() -> deadLetters.send(record, u.reason(), u.detail()),
                    () -> observer.deadLettered(u.reason().name()), finished, cancelled, 0);
        } else if (parsed instanceof ParseResult.Malformed m) {
            Diagnosis d = Diagnosis.invalid(m.problem());
            deliver(() -> outcomes.publish(record.partition(), m.requestId(),
                    OutcomeEvents.rejected(m.requestId(), d, clock.instant()), m.traceparent(), List.of()),
                    () -> observer.rejected(d.code().name()), finished, cancelled, 0);
        } else {
            ParseResult.Parsed p = (ParseResult.Parsed) parsed;
            ExportRequested request = p.request();
            List<RequestValidator.Violation> problems = validator.validate(request);
            if (problems.isEmpty()) {
                return dispatch(record, p, finished, cancelled);
            }
            Diagnosis d = Diagnosis.of(problems.get(0).code(), problems.stream()
                    .map(RequestValidator.Violation::message).collect(Collectors.joining("; ")));
            deliver(() -> outcomes.publish(record.partition(), request.requestId(),
                    OutcomeEvents.rejected(request, d, clock.instant()), p.traceparent(), List.of()),
                    () -> observer.rejected(d.code().name()), finished, cancelled, 0);
        }
        return () -> cancelled.set(true);
    }

    /** A valid request: skipped, resumed or started as {@link JobStates} plans it. */
    private Cancellation dispatch(ConsumerRecord<byte[], byte[]> record, ParseResult.Parsed p, Runnable finished,
                                  AtomicBoolean cancelled) {
        ExportRequested request = p.request();
        JobPlan plan = jobStates.plan(new TopicPartition(record.topic(), record.partition()), record.offset(),
                request, p.traceparent());
        if (plan instanceof JobPlan.Poisoned poisoned) {
            Diagnosis d = Diagnosis.of(ErrorCode.POISON_REQUEST, poisoned.message());
            deliver(() -> poisoned.answer().apply(OutcomeEvents.rejected(request, d, clock.instant())),
                    () -> observer.rejected(d.code().name()), finished, cancelled, 0);
            return () -> cancelled.set(true);
        }
        if (!(plan instanceof JobPlan.Export run)) {
            finished.run(); // answered before: answer once only
            return () -> cancelled.set(true);
        }
        String sink = request.output() != null && request.output().sink() != null
                ? request.output().sink() : defaultSink;
        ExportJobSpec spec = new ExportJobSpec(request, request.exportToBody(), sink,
                clock.instant(), p.traceparent());
        Consumer<JobResult> onResult = result -> deliver(() -> run.answer().apply(result),
                () -> observer.answered(result), finished, cancelled, 0);
        AtomicReference<ExportService.JobHandle> job = new AtomicReference<>();
        Runnable start = () -> {
            if (cancelled.get()) {
                return; // revoked before its claim was durable: the next owner runs it
            }
            job.set(run.resumeFrom()
                    .map(s -> exports.resume(spec, s.exportId(), s.attempt(), run.onStarted(), onResult))
                    .orElseGet(() -> exports.submit(spec, run.onStarted(), onResult)));
            if (cancelled.get()) {
                job.get().cancel();
            }
        };
        if (run.claimed().isDone()) {
            start.run();
        } else {
            // the claim must be durable before the request runs, or a crash it causes would not count against it;
            // a failed claim only weakens that evidence, so the request runs anyway
            run.claimed().whenCompleteAsync((ok, error) -> {
                if (error != null) {
                    log.warn("recording the claim on request {} failed, running it anyway: {}", request.requestId(),
                            error.toString());
                }
                start.run();
            }, timers);
        }
        return () -> {
            cancelled.set(true);
            ExportService.JobHandle j = job.get();
            if (j != null) {
                j.cancel();
            }
        };
    }

    @Override
    public void assigned(Collection<TopicPartition> partitions) {
        jobStates.assigned(partitions);
    }

    @Override
    public void revoking(Collection<TopicPartition> partitions, Duration patience) {
        jobStates.revoking(partitions, patience);
    }

    @Override
    public void released(Collection<TopicPartition> partitions) {
        jobStates.released(partitions);
    }

    @Override
    public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        jobStates.committed(offsets);
    }

    /** Publishes until acknowledged (or cancelled); then {@code published} (meters), then {@code finished} (offset). */
    private void deliver(Supplier<CompletableFuture<Void>> send, Runnable published, Runnable finished,
                         AtomicBoolean cancelled, int attempt) {
        if (cancelled.get()) {
            return;
        }
        send.get().whenComplete((ok, error) -> {
            if (error == null) {
                published.run();
                finished.run();
            } else if (!cancelled.get()) {
                observer.publishRetried();
                long delay = Math.min(30_000, 500L << Math.min(attempt, 6));
                log.warn("publishing failed (attempt {}), retrying in {} ms: {}", attempt + 1, delay, error.toString());
                try {
                    timers.schedule(() -> deliver(send, published, finished, cancelled, attempt + 1), delay, TimeUnit.MILLISECONDS);
                } catch (RuntimeException e) {
                    log.warn("cannot retry publishing (shutting down); the record will be redelivered");
                }
            }
        });
    }

    private static Map<String, byte[]> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, byte[]> out = new HashMap<>();
        for (Header h : record.headers()) {
            out.put(h.key(), h.value());
        }
        return out;
    }

}
