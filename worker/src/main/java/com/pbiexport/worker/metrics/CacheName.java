package com.pbiexport.worker.metrics;

/**
 * The in-memory caches and per-request maps whose size {@code pbiexport_cache_entries} publishes (tag {@code cache}),
 * each with the bound that keeps it from growing with requests, workspaces or time. A fixed list, so the tag stays
 * bounded. The soak benchmark (docs/RELIABILITY.md, "Soak") samples each one every minute.
 */
public enum CacheName {
    /** Workspace -> capacity look-ups ({@code CapacityResolver}): at most 10,000 workspaces. */
    CAPACITY_LOOKUPS,
    /** Per-capacity concurrency limits ({@code AdmissionScheduler}): at most 10,000, idle ones forgotten first. */
    CAPACITY_LIMITS,
    /** Answered requests waiting for their offsets' commit ({@code AnsweredRequests}): 10,000 per partition. */
    ANSWERED_REQUESTS,
    /** Job states loaded for the assigned partitions ({@code JobStateStore}): what the compacted topic holds. */
    JOB_STATES,
    /** Crash claims this owner holds ({@code CrashClaims}): one per request in flight, removed at its end. */
    CRASH_CLAIMS,
    /** Workspace probe answers ({@code WorkspaceProbe}): swept on insert, bounded by its call budget. */
    WORKSPACE_PROBE,
    /** Target probe answers ({@code TargetProbe}): swept on insert, bounded by its rounds per minute. */
    TARGET_PROBE,
    /** Token sources, one per configured tenant alias ({@code TokenService}): fixed at start-up. */
    TOKEN_SOURCES;

    /** The tag value: lower case, e.g. {@code capacity_lookups}. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
