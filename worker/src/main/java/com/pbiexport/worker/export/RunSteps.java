package com.pbiexport.worker.export;

import com.pbiexport.worker.export.limits.RequestRate;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * How one export's steps run: each is a short task on the {@code io} pool; a wait is a timer on {@code timers}
 * (no thread held); a step that calls Power BI first takes the tenant's request rate. The scheduler and clock are
 * injected, so tests drive the whole lifecycle in fake time. A pool that refuses work (shutting down) cancels the
 * export: its record stays uncommitted and runs again after the restart.
 */
final class RunSteps {
    private final String tenant;
    private final String requestId;
    private final ScheduledExecutorService timers;
    private final ExecutorService io;
    private final RequestRate rate;
    private final ExportObserver observer;
    private final Clock clock;
    private final BooleanSupplier cancelled;
    private final Runnable cancel;
    private final Supplier<String> exportId;

    RunSteps(ExportJobSpec spec, ExportRun.Deps d, BooleanSupplier cancelled, Runnable cancel,
             Supplier<String> exportId) {
        this.tenant = spec.tenant();
        this.requestId = spec.requestId();
        this.timers = d.timers();
        this.io = d.io();
        this.rate = d.limiting().rate();
        this.observer = d.observer();
        this.clock = d.clock();
        this.cancelled = cancelled;
        this.cancel = cancel;
        this.exportId = exportId;
    }

    /** Runs a step that calls Power BI once the tenant's request rate allows, waiting on a timer if it must. */
    void gated(Runnable step) {
        Duration wait = rate.reserve(tenant);
        if (wait.isZero()) {
            now(step);
            return;
        }
        observer.rateLimited(tenant, wait);
        try {
            timers.schedule(() -> now(step), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            cancel.run();
        }
    }

    /** Runs a Power BI step after {@code delay}, never later than {@code deadline} (the step then fails it). */
    void after(Runnable step, Duration delay, Deadline deadline) {
        if (cancelled.getAsBoolean()) {
            return;
        }
        Duration wait = deadline.clamp(clock.instant(), delay);
        try {
            timers.schedule(() -> gated(step), Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            cancel.run();
        }
    }

    /** Runs a step on the io pool now, with the job's MDC. */
    void now(Runnable step) {
        if (cancelled.getAsBoolean()) {
            return;
        }
        try {
            io.execute(() -> {
                if (!cancelled.getAsBoolean()) {
                    inJobContext(step);
                }
            });
        } catch (RejectedExecutionException e) {
            cancel.run();
        }
    }

    /** Runs one step with the job's MDC (requestId, tenant, exportId) so every log line of the job names it. */
    private void inJobContext(Runnable step) {
        MDC.put("requestId", requestId);
        MDC.put("tenant", tenant);
        String id = exportId.get();
        if (id != null) {
            MDC.put("exportId", id);
        }
        try {
            step.run();
        } finally {
            MDC.remove("requestId");
            MDC.remove("tenant");
            MDC.remove("exportId");
        }
    }
}
