package com.pbiexport.worker.export;

import java.time.Instant;

/**
 * Told when Power BI accepted an export ({@code ExportTo} answered with an export id), so the caller can record
 * the job's state durably: a later owner of the request then polls this export instead of starting another.
 * Called on an {@code export-io} thread: must not block.
 */
@FunctionalInterface
public interface StartListener {
    void started(String exportId, int attempt, Instant acceptedAt);

    StartListener NONE = (exportId, attempt, acceptedAt) -> { };
}
