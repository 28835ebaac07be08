package com.pbiexport.worker.metrics;

import com.pbiexport.worker.auth.TokenHealth;
import com.pbiexport.worker.auth.TokenSource;
import com.pbiexport.worker.export.ExportObserver;
import com.pbiexport.worker.export.JobResult;
import com.pbiexport.worker.intake.IntakeObserver;
import com.pbiexport.worker.intake.RequestRouter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.common.TopicPartition;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

import static com.pbiexport.worker.metrics.MeterCatalogue.*;

/**
 * Turns what the pipeline stages report into the meters of {@link MeterCatalogue}, and keeps the little state the
 * readiness checks read ({@link #assignedPartitions()}). Every meter is built through {@link #tags} so a tag the
 * catalogue does not allow fails fast. Thread-safe.
 */
public final class WorkerMetrics implements ExportObserver, IntakeObserver, RequestRouter.RouterObserver {
    /** Histogram buckets for export phases: exports take seconds to an hour. */
    static final Duration[] PHASE_BUCKETS = Arrays.stream(new long[]{1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600})
            .mapToObj(Duration::ofSeconds).toArray(Duration[]::new);

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> capacityLimits = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> capacityInUse = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Stage, AtomicInteger> inFlight = new EnumMap<>(Stage.class);
    private final Map<String, AtomicInteger> permitsInUse = new ConcurrentHashMap<>();
    private final AtomicInteger paused = new AtomicInteger();
    private final AtomicInteger assigned = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean joined = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicReference<java.util.function.IntSupplier> breakerOpen =
            new java.util.concurrent.atomic.AtomicReference<>(() -> 0);
    private final Counter offsetsCommitted;
    private final Counter pollFailures;

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Stage s : Stage.values()) {
            AtomicInteger n = new AtomicInteger();
            inFlight.put(s, n);
            gauge(IN_FLIGHT, Tags.of("stage", s.name().toLowerCase()), n, AtomicInteger::get);
        }
        gauge(INTAKE_PAUSED, Tags.empty(), paused, AtomicInteger::get);
        gauge(ASSIGNED_PARTITIONS, Tags.empty(), assigned, AtomicInteger::get);
        gauge(DEAD_LETTER_BREAKER_OPEN, Tags.empty(), breakerOpen, r -> r.get().getAsInt());
        counter(REQUESTS_RECEIVED, Tags.empty());
        counter(PUBLISH_RETRIES, Tags.empty());
        offsetsCommitted = counter(OFFSETS_COMMITTED, Tags.empty());
        pollFailures = counter(POLL_FAILURES, Tags.empty());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Where the dead-letter breaker's count of stopped partitions is read (0 until intake is wired). */
    public void deadLetterBreaker(java.util.function.IntSupplier openPartitions) {
        breakerOpen.set(openPartitions);
    }

    /** The instance's export budget (limits.maxInFlight), shown beside the permits in use. */
    public void permitLimit(int maxInFlight) {
        gauge(PERMITS_LIMIT, Tags.empty(), new AtomicInteger(maxInFlight), AtomicInteger::get);
    }

    /**
     * The meters of one configured tenant: its token (seconds until expiry, health, requests started, failures
     * seen), and, at zero, the per-tenant counters that otherwise appear on their first event, so that dashboards
     * and alerts see every configured tenant from the start and {@code rate()} counts the first event too.
     *
     * @param acquisitions how many token requests the source has started (e.g. {@code MsalTokenSource::fetchesStarted})
     */
    public <S extends TokenSource> void tenantMeters(String tenant, S source, ToLongFunction<S> acquisitions,
                                                     Clock clock) {
        Tags t = Tags.of("tenant", tenant);
        gauge(TOKEN_EXPIRY, t, source, s -> s.expiresOn()
                .map(exp -> (double) Duration.between(clock.instant(), exp).toSeconds()).orElse(-1.0));
        gauge(TOKEN_HEALTHY, t, source, s -> s.health().healthy() ? 1 : 0);
        functionCounter(TOKEN_ACQUISITIONS, t, source, s -> acquisitions.applyAsLong(s));
        functionCounter(TOKEN_FAILURES, t, source, s -> s.failureCount());
        counter(THROTTLED, Tags.of("tenant", tenant, "operation", "start"));
        counter(RATE_LIMITED, t);
        counter(BYTES_STORED, t);
        counter(POLLS, t);
        counter(BUSY_RESTARTS, t);
        retryAfter(tenant);
        permits(tenant);
        // phase histograms at zero from the start: a rate() window then sees the first exports as increases
        // (a series born after its only events has no increase, and its quantiles come back NaN)
        for (String phase : new String[]{"queued", "render", "download", "total"}) {
            phaseTimer(phase, tenant);
        }
    }

    /** Request-topic partitions currently assigned (readiness). */
    public int assignedPartitions() {
        return assigned.get();
    }

    /** True once the consumer group's assignment reached this instance (readiness), empty or not. */
    public boolean groupJoined() {
        return joined.get();
    }

    @Override
    public void stageEntered(String tenant, Stage stage) {
        inFlight.get(stage).incrementAndGet();
        if (holdsPermit(stage)) {
            permits(tenant).incrementAndGet();
        }
    }

    @Override
    public void stageLeft(String tenant, Stage stage) {
        inFlight.get(stage).decrementAndGet();
        if (holdsPermit(stage)) {
            permits(tenant).decrementAndGet();
        }
    }

    @Override
    public void throttled(String tenant, String operation, Duration retryAfter) {
        counter(THROTTLED, Tags.of("tenant", tenant, "operation", operation)).increment();
        retryAfter(tenant).record(retryAfter.toMillis() / 1000.0);
    }

    private DistributionSummary retryAfter(String tenant) {
        return DistributionSummary.builder(RETRY_AFTER_WAIT.meterName()).description(RETRY_AFTER_WAIT.description())
                .baseUnit(RETRY_AFTER_WAIT.baseUnit()).tags(tags(RETRY_AFTER_WAIT, Tags.of("tenant", tenant)))
                .register(registry);
    }

    @Override
    public void capacityLimit(String capacity, int limit) {
        capacityGauge(CAPACITY_LIMIT, capacityLimits, capacity).set(limit);
        counter(CAPACITY_THROTTLED, Tags.of("capacity", capacity)); // at zero from the capacity's first use
    }

    /** The scheduler keeps a bounded number of capacities: their meters go with them, so the tag stays bounded. */
    @Override
    public void capacityForgotten(String capacity) {
        Tags tags = Tags.of("capacity", capacity);
        for (MeterCatalogue meter : new MeterCatalogue[] {CAPACITY_LIMIT, CAPACITY_IN_USE, CAPACITY_THROTTLED}) {
            registry.find(meter.meterName()).tags(tags(meter, tags)).meters().forEach(registry::remove);
        }
        capacityLimits.remove(capacity);
        capacityInUse.remove(capacity);
    }

    @Override
    public void capacityPermits(String capacity, int inUse) {
        capacityGauge(CAPACITY_IN_USE, capacityInUse, capacity).set(inUse);
    }

    @Override
    public void capacityThrottled(String capacity) {
        counter(CAPACITY_THROTTLED, Tags.of("capacity", capacity)).increment();
    }

    @Override
    public void rateLimited(String tenant, Duration wait) {
        counter(RATE_LIMITED, Tags.of("tenant", tenant)).increment();
    }

    /** Capacities are few (the ones the configured tenants' workspaces use): a bounded tag. */
    private AtomicInteger capacityGauge(MeterCatalogue meter, Map<String, AtomicInteger> values, String capacity) {
        return values.computeIfAbsent(capacity, c -> {
            AtomicInteger n = new AtomicInteger();
            gauge(meter, Tags.of("capacity", c), n, AtomicInteger::get);
            return n;
        });
    }

    @Override
    public void polled(String tenant) {
        counter(POLLS, Tags.of("tenant", tenant)).increment();
    }

    @Override
    public void busyRestart(String tenant) {
        counter(BUSY_RESTARTS, Tags.of("tenant", tenant)).increment();
    }

    @Override
    public void finished(JobResult result) {
        String tenant = result.spec().tenant();
        String format = result.spec().request().format();
        if (result instanceof JobResult.Stored s) {
            counter(BYTES_STORED, Tags.of("tenant", tenant)).increment(s.file().sizeBytes());
            phase("queued", tenant, s.timings().queuedMs());
            phase("render", tenant, s.timings().renderMs());
            phase("download", tenant, s.timings().downloadMs());
            phase("total", tenant, s.timings().totalMs());
        }
    }

    /** An export's outcome event was published (acknowledged; committed in exactly-once mode): counted once. */
    @Override
    public void answered(JobResult result) {
        String tenant = result.spec().tenant();
        String format = result.spec().request().format();
        if (result instanceof JobResult.Stored) {
            outcome("completed", "none", "none", format, tenant);
        } else if (result instanceof JobResult.Failed f) {
            outcome("failed", f.diagnosis().code().name(), f.diagnosis().category().wireValue(), format, tenant);
        }
    }

    /**
     * An invalid request's answer was published without running an export (its tenant may be unknown: not used as
     * a tag).
     */
    @Override
    public void rejected(String code) {
        outcome("failed", code, "invalid_request", "unknown", "unknown");
    }

    @Override
    public void deadLettered(String reason) {
        counter(DEAD_LETTERS, Tags.of("reason", reason)).increment();
    }

    @Override
    public void publishRetried() {
        counter(PUBLISH_RETRIES, Tags.empty()).increment();
    }

    @Override
    public void received(String topic) {
        counter(REQUESTS_RECEIVED, Tags.empty()).increment();
    }

    @Override
    public void paused(boolean isPaused) {
        paused.set(isPaused ? 1 : 0);
    }

    @Override
    public void assigned(Collection<TopicPartition> assignment) {
        assigned.set(assignment.size());
        joined.set(true);
    }

    @Override
    public void committed(int partitions) {
        offsetsCommitted.increment(partitions);
    }

    @Override
    public void pollFailed(Exception e) {
        pollFailures.increment();
    }

    private static boolean holdsPermit(Stage stage) {
        return stage != Stage.QUEUED;
    }

    private AtomicInteger permits(String tenant) {
        return permitsInUse.computeIfAbsent(tenant, t -> {
            AtomicInteger n = new AtomicInteger();
            gauge(PERMITS_IN_USE, Tags.of("tenant", t), n, AtomicInteger::get);
            return n;
        });
    }

    private void outcome(String result, String code, String category, String format, String tenant) {
        counter(OUTCOMES, Tags.of("result", result, "code", code, "category", category,
                "format", format == null ? "unknown" : format, "tenant", tenant == null ? "unknown" : tenant))
                .increment();
    }

    private void phase(String phase, String tenant, long millis) {
        phaseTimer(phase, tenant).record(Duration.ofMillis(millis));
    }

    private Timer phaseTimer(String phase, String tenant) {
        return Timer.builder(PHASE_DURATION.meterName()).description(PHASE_DURATION.description())
                .serviceLevelObjectives(PHASE_BUCKETS).tags(tags(PHASE_DURATION, Tags.of("phase", phase, "tenant", tenant)))
                .register(registry);
    }

    /** Publishes the size of one bounded cache (read at each scrape: the supplier must be thread-safe). */
    public void cacheEntries(CacheName cache, java.util.function.IntSupplier size) {
        gauge(CACHE_ENTRIES, Tags.of("cache", cache.tag()), size, java.util.function.IntSupplier::getAsInt);
    }

    private Counter counter(MeterCatalogue meter, Tags tags) {
        return Counter.builder(meter.meterName()).description(meter.description()).baseUnit(meter.baseUnit())
                .tags(tags(meter, tags)).register(registry);
    }

    private <T> void gauge(MeterCatalogue meter, Tags tags, T source, java.util.function.ToDoubleFunction<T> value) {
        Gauge.builder(meter.meterName(), source, value).description(meter.description()).baseUnit(meter.baseUnit())
                .tags(tags(meter, tags)).strongReference(true).register(registry);
    }

    private <T> void functionCounter(MeterCatalogue meter, Tags tags, T source,
                                     java.util.function.ToDoubleFunction<T> value) {
        FunctionCounter.builder(meter.meterName(), source, value).description(meter.description())
                .baseUnit(meter.baseUnit()).tags(tags(meter, tags)).register(registry);
    }

    /** The catalogue is the one list of allowed tags: anything else is a programming error. */
    static Tags tags(MeterCatalogue meter, Tags tags) {
        for (Tag t : tags) {
            if (!meter.tags().contains(t.getKey())) {
                throw new IllegalArgumentException("meter " + meter.meterName() + " may not carry tag '" + t.getKey()
                        + "'; allowed: " + meter.tags() + " (MeterCatalogue)");
            }
        }
        return tags;
    }

}
