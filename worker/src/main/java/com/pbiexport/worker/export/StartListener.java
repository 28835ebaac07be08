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

    /**
     * Called just before ExportTo is sent. False vetoes the call: the request's partition is being handed over and
     * its next owner starts the export. Each true is followed by one {@link #started} or {@link #notStarted}, so a
     * revocation can wait for the answer and record the job state before the next owner reads it.
     */
    default boolean starting() {
        return true;
    }

    /** The ExportTo call announced by {@link #starting} ended without an accepted export (failed, throttled). */
    default void notStarted() {
    }

    StartListener NONE = (exportId, attempt, acceptedAt) -> { };
}
