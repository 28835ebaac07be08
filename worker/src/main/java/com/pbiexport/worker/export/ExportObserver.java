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

    enum Stage { QUEUED, STARTING, RENDERING, DOWNLOADING }

    ExportObserver NONE = new ExportObserver() { };
}
