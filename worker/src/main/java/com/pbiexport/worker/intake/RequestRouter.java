package com.pbiexport.worker.intake;

import com.pbiexport.contracts.RequestValidator;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.worker.export.ExportJobSpec;
import com.pbiexport.worker.export.ExportService;
import com.pbiexport.worker.export.JobResult;
import com.pbiexport.worker.export.StartListener;
import com.pbiexport.worker.publish.DeadLetterPublisher;
import com.pbiexport.worker.publish.JobState;
import com.pbiexport.worker.publish.JobStatePublisher;
import com.pbiexport.worker.publish.OutcomeEvents;
import com.pbiexport.worker.publish.OutcomePublisher;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Decides what happens to each record: unparseable -> dead letter; parseable but invalid -> {@code ExportFailed};
 * valid -> an export job whose result is published as {@code ExportCompleted} or {@code ExportFailed}. A record
 * is finished only when its answer is acknowledged by the broker; failed publishes are retried with backoff
 * until they succeed or the record is cancelled (then it stays uncommitted and is redelivered).
 */
public final class RequestRouter implements RecordHandler, PartitionListener {
    private static final Logger log = LoggerFactory.getLogger(RequestRouter.class);

    private final RequestParser parser;
    private final RequestValidator validator;
    private final ExportService exports;
    private final OutcomePublisher outcomes;
    private final DeadLetterPublisher deadLetters;
    private final String defaultSink;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final RouterObserver observer;
    private final JobStateLookup states;
    private final JobStatePublisher stateWriter;
    /** ExportTo calls being answered per request partition: a revocation waits for them (see {@link #revoking}). */
    private final StartsInFlight starts = new StartsInFlight();
    /** Requests answered (state "done") whose offsets are not committed yet: tombstoned once they are. */
    private final Map<TopicPartition, ConcurrentSkipListMap<Long, String>> answered = new ConcurrentHashMap<>();

    /** Power BI keeps an export's file for 24 hours; a recorded export older than that is not resumed. */
    static final Duration EXPORT_FILE_LIFETIME = Duration.ofHours(24);

    /** Counts what the router decided, for metrics. */
    public interface RouterObserver {
        default void deadLettered(String reason) { }

        default void rejected(String code) { }

        default void publishRetried() { }

        RouterObserver NONE = new RouterObserver() { };
    }

    public RequestRouter(RequestParser parser, RequestValidator validator, ExportService exports,
                         OutcomePublisher outcomes, DeadLetterPublisher deadLetters, String defaultSink, Clock clock,
                         ScheduledExecutorService timers, RouterObserver observer) {
        this(parser, validator, exports, outcomes, deadLetters, defaultSink, clock, timers, observer,
                JobStateLookup.NONE, null);
    }

    /**
     * The same with durable job state: every export Power BI accepts is recorded by {@code stateWriter} (same
     * partition number as the request), its outcome's publication ends the record with a tombstone, and a
     * request whose export {@code states} knows as running is resumed instead of started again.
     */
    public RequestRouter(RequestParser parser, RequestValidator validator, ExportService exports,
                         OutcomePublisher outcomes, DeadLetterPublisher deadLetters, String defaultSink, Clock clock,
                         ScheduledExecutorService timers, RouterObserver observer, JobStateLookup states,
                         JobStatePublisher stateWriter) {
        this.states = states == null ? JobStateLookup.NONE : states;
        this.stateWriter = stateWriter;
        this.parser = parser;
        this.validator = validator;
        this.exports = exports;
        this.outcomes = outcomes;
        this.deadLetters = deadLetters;
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
            observer.deadLettered(u.reason().name());
            log.warn("dead-lettering {}-{}@{}: {} ({})", record.topic(), record.partition(), record.offset(),
                    u.reason(), u.detail());
            deliver(() -> deadLetters.send(record, u.reason(), u.detail()), finished, cancelled, 0);
        } else if (parsed instanceof ParseResult.Malformed m) {
            Diagnosis d = Diagnosis.invalid(m.problem());
            observer.rejected(d.code().name());
            deliver(() -> outcomes.publish(record.partition(), m.requestId(),
                    OutcomeEvents.rejected(m.requestId(), d, clock.instant()), m.traceparent(), List.of()),
                    finished, cancelled, 0);
        } else {
            ParseResult.Parsed p = (ParseResult.Parsed) parsed;
            ExportRequested request = p.request();
            List<RequestValidator.Violation> problems = validator.validate(request);
            if (!problems.isEmpty()) {
                Diagnosis d = Diagnosis.of(problems.get(0).code(), problems.stream()
                        .map(RequestValidator.Violation::message).collect(Collectors.joining("; ")));
                observer.rejected(d.code().name());
                deliver(() -> outcomes.publish(record.partition(), request.requestId(),
                        OutcomeEvents.rejected(request, d, clock.instant()), p.traceparent(), List.of()),
                        finished, cancelled, 0);
            } else {
                String sink = request.output() != null && request.output().sink() != null
                        ? request.output().sink() : defaultSink;
                ExportJobSpec spec = new ExportJobSpec(request, request.exportToBody(), sink,
                        clock.instant(), p.traceparent());
                int partition = record.partition();
                TopicPartition tp = new TopicPartition(record.topic(), partition);
                Optional<JobState> known = states.find(request.requestId());
                if (known.isPresent() && known.get().isDone()) {
                    // answered before (its offset was not committed when the partition moved): answer once only
                    log.info("request {} was already answered; skipping its redelivery", request.requestId());
                    answered.computeIfAbsent(tp, k -> new ConcurrentSkipListMap<>()).put(record.offset(),
                            request.requestId());
                    finished.run();
                    return () -> cancelled.set(true);
                }
                Consumer<JobResult> onResult = result -> deliver(
                        () -> answer(tp, record.offset(), result, p.traceparent()), finished, cancelled, 0);
                StartListener onStarted = startListener(partition, request);
                Optional<JobState> live = known.filter(s -> s.resumableAt(clock.instant()));
                ExportService.JobHandle job;
                if (live.isPresent()) {
                    log.info("resuming export {} (attempt {}) of request {} recorded at {}", live.get().exportId(),
                            live.get().attempt(), request.requestId(), live.get().startedAt());
                    job = exports.resume(spec, live.get().exportId(), live.get().attempt(), onStarted, onResult);
                } else {
                    job = exports.submit(spec, onStarted, onResult);
                }
                return () -> {
                    cancelled.set(true);
                    job.cancel();
                };
            }
        }
        return () -> cancelled.set(true);
    }

    private void recordStarted(int partition, ExportRequested request, String exportId, int attempt, Instant at) {
        if (stateWriter == null || !states.writable(partition)) {
            return;
        }
        JobState state = new JobState(request.requestId(), request.tenant(), request.workspaceId(),
                request.reportId(), exportId, attempt, at, JobState.STATUS_RUNNING, at.plus(EXPORT_FILE_LIFETIME));
        stateWriter.write(partition, state).whenComplete((ok, error) -> {
            if (error != null) {
                // not fatal: without the record a later owner starts the export again
                log.warn("recording the state of request {} failed: {}", request.requestId(), error.toString());
            }
        });
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
                    recordStarted(partition, request, exportId, attempt, acceptedAt);
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

    /**
     * Publishes the outcome together with the job state "done" (so a redelivered copy is not answered again):
     * exactly-once commits both in one transaction; at-least-once writes the state once the outcome is
     * acknowledged. Once durable, the state is tombstoned when the record's offset is committed.
     */
    private CompletableFuture<Void> answer(TopicPartition tp, long offset, JobResult result,
                                           Optional<String> traceparent) {
        ExportRequested r = result.spec().request();
        boolean recorded = stateWriter != null && states.writable(tp.partition());
        List<ProducerRecord<byte[], byte[]>> followers = List.of();
        if (recorded) {
            String exportId = result instanceof JobResult.Stored s ? s.exportId()
                    : ((JobResult.Failed) result).exportId().orElse("");
            followers = List.of(stateWriter.record(tp.partition(), JobState.done(r.requestId(), r.tenant(),
                    r.workspaceId(), r.reportId(), exportId, result.attempts(), clock.instant())));
        }
        CompletableFuture<Void> published = outcomes.publish(tp.partition(), r.requestId(),
                OutcomeEvents.from(result, clock.instant()), traceparent, followers);
        if (!recorded) {
            return published;
        }
        return published.thenRun(() -> answered.computeIfAbsent(tp, k -> new ConcurrentSkipListMap<>())
                .put(offset, r.requestId()));
    }

    /**
     * Waits (up to {@code patience}) for the ExportTo calls of {@code partitions} still being answered, so the job
     * state of an export accepted meanwhile is queued before the consumer thread's final commit of these
     * partitions; refuses new ones (the next owner starts them).
     */
    @Override
    public void revoking(Collection<TopicPartition> partitions, Duration patience) {
        List<Integer> numbers = partitions.stream().map(TopicPartition::partition).toList();
        int left = starts.closeAndAwait(numbers, patience);
        if (left > 0) {
            log.warn("{} ExportTo call(s) of partitions {} still unanswered after {}; their exports may start again "
                    + "on the next owner", left, numbers, patience);
        }
    }

    @Override
    public void assigned(Collection<TopicPartition> partitions) {
        // states are loaded by the JobStateStore; a partition assigned back may start exports again
        starts.open(partitions.stream().map(TopicPartition::partition).toList());
    }

    @Override
    public void released(Collection<TopicPartition> partitions) {
        // the next owner sees the "done" states, skips those requests and tombstones them after its commit
        partitions.forEach(answered::remove);
    }

    @Override
    public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (stateWriter == null) {
            return;
        }
        offsets.forEach((tp, om) -> {
            ConcurrentSkipListMap<Long, String> m = answered.get(tp);
            if (m == null) {
                return;
            }
            Map<Long, String> below = m.headMap(om.offset());
            below.values().forEach(requestId -> stateWriter.tombstone(tp.partition(), requestId)
                    .whenComplete((v, e) -> {
                        if (e != null) {
                            log.debug("tombstoning the state of {} failed: {}", requestId, e.toString());
                        }
                    }));
            below.clear();
        });
    }

    private void deliver(Supplier<CompletableFuture<Void>> send, Runnable finished, AtomicBoolean cancelled, int attempt) {
        if (cancelled.get()) {
            return;
        }
        send.get().whenComplete((ok, error) -> {
            if (error == null) {
                finished.run();
            } else if (!cancelled.get()) {
                observer.publishRetried();
                long delay = Math.min(30_000, 500L << Math.min(attempt, 6));
                log.warn("publishing failed (attempt {}), retrying in {} ms: {}", attempt + 1, delay, error.toString());
                try {
                    timers.schedule(() -> deliver(send, finished, cancelled, attempt + 1), delay, TimeUnit.MILLISECONDS);
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
