package com.pbiexport.worker.metrics;

import com.pbiexport.worker.export.ExportObserver;
import com.pbiexport.worker.export.JobResult;
import com.pbiexport.worker.intake.IntakeObserver;
import com.pbiexport.worker.intake.RequestRouter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

import static com.pbiexport.worker.metrics.MeterCatalogue.*;

/** Turns what the pipeline stages report into the meters of {@link MeterCatalogue}. Thread-safe. */
public final class WorkerMetrics implements ExportObserver, IntakeObserver, RequestRouter.RouterObserver {
    /** Histogram buckets for export phases: exports take seconds to an hour. */
    static final Duration[] PHASE_BUCKETS = Arrays.stream(new long[]{1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600})
            .mapToObj(Duration::ofSeconds).toArray(Duration[]::new);

    private final MeterRegistry registry;
    private final Map<Stage, AtomicInteger> inFlight = new EnumMap<>(Stage.class);
    private final AtomicInteger paused = new AtomicInteger();

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Stage s : Stage.values()) {
            AtomicInteger n = new AtomicInteger();
            inFlight.put(s, n);
            Gauge.builder(IN_FLIGHT.meterName(), n, AtomicInteger::get).description(IN_FLIGHT.description())
                    .tag("stage", s.name().toLowerCase()).register(registry);
        }
        Gauge.builder(INTAKE_PAUSED.meterName(), paused, AtomicInteger::get)
                .description(INTAKE_PAUSED.description()).register(registry);
        counter(REQUESTS_RECEIVED, Tags.empty());
        counter(PUBLISH_RETRIES, Tags.empty());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Registers a per-tenant gauge (token expiry and failures are read from the token sources). */
    public <T> void tenantGauge(MeterCatalogue meter, String tenant, T source, ToDoubleFunction<T> value) {
        Gauge.builder(meter.meterName(), source, value).description(meter.description())
                .baseUnit(meter.baseUnit()).tag("tenant", tenant).register(registry);
    }

    @Override
    public void stageEntered(String tenant, Stage stage) {
        inFlight.get(stage).incrementAndGet();
    }

    @Override
    public void stageLeft(String tenant, Stage stage) {
        inFlight.get(stage).decrementAndGet();
    }

    @Override
    public void throttled(String tenant, String operation, Duration retryAfter) {
        counter(THROTTLED, Tags.of("tenant", tenant, "operation", operation)).increment();
        DistributionSummary.builder(RETRY_AFTER_WAIT.meterName()).description(RETRY_AFTER_WAIT.description())
                .baseUnit("seconds").tag("tenant", tenant).register(registry)
                .record(retryAfter.toMillis() / 1000.0);
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
            outcome("completed", "none", "none", format, tenant);
            counter(BYTES_STORED, Tags.of("tenant", tenant)).increment(s.file().sizeBytes());
            phase("queued", tenant, s.timings().queuedMs());
            phase("render", tenant, s.timings().renderMs());
            phase("download", tenant, s.timings().downloadMs());
            phase("total", tenant, s.timings().totalMs());
        } else if (result instanceof JobResult.Failed f) {
            outcome("failed", f.diagnosis().code().name(), f.diagnosis().category().wireValue(), format, tenant);
        }
    }

    /** An invalid request answered without running an export. */
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

    private void outcome(String result, String code, String category, String format, String tenant) {
        counter(OUTCOMES, Tags.of("result", result, "code", code, "category", category,
                "format", format == null ? "unknown" : format, "tenant", tenant == null ? "unknown" : tenant))
                .increment();
    }

    private void phase(String phase, String tenant, long millis) {
        Timer.builder(PHASE_DURATION.meterName()).description(PHASE_DURATION.description())
                .serviceLevelObjectives(PHASE_BUCKETS).tags("phase", phase, "tenant", tenant).register(registry)
                .record(Duration.ofMillis(millis));
    }

    private Counter counter(MeterCatalogue meter, Tags tags) {
        return Counter.builder(meter.meterName()).description(meter.description()).baseUnit(meter.baseUnit())
                .tags(tags).register(registry);
    }
}
