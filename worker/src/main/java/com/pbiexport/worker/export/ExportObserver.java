package com.pbiexport.worker.export;

import java.time.Duration;

/**
 * What the export stage reports as it works; the metrics package implements it, so this package never
 * depends on Micrometer. Called from scheduler/io threads: implementations must be thread-safe and fast.
 */
public interface ExportObserver {
    default void stageEntered(String tenant, Stage stage) { }

    default void stageLeft(String tenant, Stage stage) { }

    default void throttled(String tenant, String operation, Duration retryAfter) { }

    default void polled(String tenant) { }

    default void busyRestart(String tenant) { }

    default void finished(JobResult result) { }

    /** The concurrency limit (AIMD) of a capacity changed or was first set; {@code capacity} is the limiter key
     *  ({@code capacity:<id>} or {@code workspace:<id>}), bounded by the capacities the tenants use. */
    default void capacityLimit(String capacity, int limit) { }

    /** The scheduler forgot an idle capacity's limit (it keeps a bounded number): its meters may go too. */
    default void capacityForgotten(String capacity) { }

    /** Exports of a capacity holding a permit (started, not yet Succeeded/Failed). */
    default void capacityPermits(String capacity, int inUse) { }

    /** Power BI answered a start with 429 for this capacity (the limit shrinks, starts wait out Retry-After). */
    default void capacityThrottled(String capacity) { }

    /** A Power BI call of this tenant waited for the tenant's request-rate limit. */
    default void rateLimited(String tenant, Duration wait) { }

    enum Stage { QUEUED, STARTING, RENDERING, DOWNLOADING }

    ExportObserver NONE = new ExportObserver() { };
}
