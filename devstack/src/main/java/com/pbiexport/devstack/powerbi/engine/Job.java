package com.pbiexport.devstack.powerbi.engine;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One export, with its whole future decided at start: when it starts running, when it ends, how it ends and
 * when its file expires. Its state at any instant is computed from these timestamps (no thread per job).
 */
final class Job {
    enum Outcome { SUCCEEDED, FAILED_BUSY, FAILED_PERMANENT }

    final String id;
    final String tenantId;
    final String workspaceId;
    final String capacityId;
    final String reportId;
    final String reportName;
    final String format;
    final String principal;
    final FileSpec fileSpec;
    final String extension;
    final Instant created;
    final Instant runningAt;
    /** When rendering would complete; a failed job ends earlier, at {@link #endAt}. */
    final long renderMillis;
    final Instant endAt;
    final Outcome outcome;
    final Instant expiresAt;
    /** Render rounds (of up to 5 pages) the export takes: percentComplete moves one step per finished round. */
    final long rounds;
    /** Until then a status read says {@code Undefined} (realistic profile; null = never). */
    final Instant undefinedUntil;
    /** Status reads so far: decides which polls go without Retry-After. */
    final AtomicLong reads = new AtomicLong();
    /** Whether its capacity slot was given back (exactly once). */
    final AtomicBoolean released = new AtomicBoolean();
    /** The rendered file, made on first download. */
    volatile RenderedFile file;

    Job(String id, String tenantId, String workspaceId, String capacityId, String reportId, String reportName,
        String format, String principal, FileSpec fileSpec, String extension, Instant created, Instant runningAt,
        long renderMillis, Instant endAt, Outcome outcome, Instant expiresAt, long rounds, Instant undefinedUntil) {
        this.id = id;
        this.tenantId = tenantId;
        this.workspaceId = workspaceId;
        this.capacityId = capacityId;
        this.reportId = reportId;
        this.reportName = reportName;
        this.format = format;
        this.principal = principal;
        this.fileSpec = fileSpec;
        this.extension = extension;
        this.created = created;
        this.runningAt = runningAt;
        this.renderMillis = renderMillis;
        this.endAt = endAt;
        this.outcome = outcome;
        this.expiresAt = expiresAt;
        this.rounds = rounds;
        this.undefinedUntil = undefinedUntil;
    }

    boolean finishedAt(Instant now) {
        return !now.isBefore(endAt);
    }
}
