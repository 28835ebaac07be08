package com.pbiexport.worker.metrics;

import java.util.List;

/**
 * Every meter the worker publishes, in one place: name (Micrometer dotted form; Prometheus turns dots into
 * underscores and appends {@code _total} to counters and the base unit, e.g. {@code _seconds}, to the rest),
 * description, base unit, Micrometer type and the only tags it may carry. {@link WorkerMetrics} refuses a tag that
 * is not listed here. Tags are bounded: tenant aliases come from configuration, codes, categories, formats,
 * stages, phases, operations and reasons from fixed lists; never a request, report or export id, never a URL.
 * <p>
 * Kafka client metrics (consumer lag {@code kafka_consumer_fetch_manager_records_lag_max}, heartbeats, producer
 * errors) and JVM metrics come from Micrometer's binders and are not listed here.
 */
public enum MeterCatalogue {
    REQUESTS_RECEIVED("pbiexport.requests.received", Type.COUNTER, "Records read from the requests topic",
            null, List.of()),
    OUTCOMES("pbiexport.outcomes", Type.COUNTER,
            "Outcome events published, by result (completed or failed), error code, category, format and tenant alias",
            null, List.of("result", "code", "category", "format", "tenant")),
    DEAD_LETTERS("pbiexport.dead.letters", Type.COUNTER, "Records sent to the dead-letter topic, by reason",
            null, List.of("reason")),
    PHASE_DURATION("pbiexport.export.phase.duration", Type.TIMER,
            "Time a completed export spent in each phase: queued, render, download, total (end to end);"
                    + " histogram buckets from 1 s to 1 h",
            "seconds", List.of("phase", "tenant")),
    IN_FLIGHT("pbiexport.exports.in.flight", Type.GAUGE,
            "Exports in progress on this instance, by stage (queued, starting, rendering, downloading)",
            null, List.of("stage")),
    PERMITS_IN_USE("pbiexport.capacity.permits.in.use", Type.GAUGE,
            "Power BI export jobs this instance holds open (starting, rendering or downloading), by tenant alias;"
                    + " a capacity tag joins once capacities are resolved",
            null, List.of("tenant")),
    PERMITS_LIMIT("pbiexport.capacity.permits.limit", Type.GAUGE,
            "Exports this instance may hold at once (limits.maxInFlight); per-capacity limits join once"
                    + " capacities are resolved",
            null, List.of()),
    CAPACITY_LIMIT("pbiexport.capacity.concurrency.limit", Type.GAUGE,
            "Current AIMD concurrency limit of a capacity (capacity:<id>, or workspace:<id> when unresolved)",
            null, List.of("capacity")),
    CAPACITY_IN_USE("pbiexport.capacity.concurrency.in.use", Type.GAUGE,
            "Exports started on a capacity and not yet Succeeded or Failed (permits held)", null, List.of("capacity")),
    CAPACITY_THROTTLED("pbiexport.capacity.throttled", Type.COUNTER,
            "429 answers to ExportTo by capacity (each shrinks that capacity's limit)", null, List.of("capacity")),
    RATE_LIMITED("pbiexport.tenant.rate.limited", Type.COUNTER,
            "Power BI calls that waited for the tenant's request-rate limit (limits.tenantRequestsPerSecond)",
            null, List.of("tenant")),
    THROTTLED("pbiexport.powerbi.throttled", Type.COUNTER, "429 answers from Power BI, by tenant alias and operation"
            + " (start, poll, download, lookup)", null, List.of("tenant", "operation")),
    RETRY_AFTER_WAIT("pbiexport.powerbi.retry.after", Type.SUMMARY, "Retry-After waits taken after 429 answers",
            "seconds", List.of("tenant")),
    POLLS("pbiexport.powerbi.polls", Type.COUNTER, "Export status polls", null, List.of("tenant")),
    BUSY_RESTARTS("pbiexport.export.busy.restarts", Type.COUNTER, "Exports restarted after Failed with Retry-After",
            null, List.of("tenant")),
    BYTES_STORED("pbiexport.storage.stored", Type.COUNTER, "Bytes of finished files stored in a sink",
            "bytes", List.of("tenant")),
    PUBLISH_RETRIES("pbiexport.publish.retries", Type.COUNTER, "Outcome or dead-letter publishes retried",
            null, List.of()),
    TOKEN_EXPIRY("pbiexport.token.expiry", Type.GAUGE,
            "Seconds until the tenant's current token expires (-1: no token held)", "seconds", List.of("tenant")),
    TOKEN_ACQUISITIONS("pbiexport.token.acquisitions", Type.FUNCTION_COUNTER,
            "Token requests started to Entra ID (first fetch, background refresh, refetch after expiry)",
            null, List.of("tenant")),
    TOKEN_FAILURES("pbiexport.token.failures", Type.FUNCTION_COUNTER,
            "Failed token acquisitions seen (sampled at each scrape: failures between two scrapes count once)",
            null, List.of("tenant")),
    TOKEN_HEALTHY("pbiexport.token.healthy", Type.GAUGE,
            "1 when the tenant's latest token acquisition succeeded (or none was needed yet), 0 when it failed",
            null, List.of("tenant")),
    INTAKE_PAUSED("pbiexport.intake.paused", Type.GAUGE,
            "1 while intake is paused because the in-flight budget is full", null, List.of()),
    ASSIGNED_PARTITIONS("pbiexport.intake.assigned.partitions", Type.GAUGE,
            "Request-topic partitions assigned to this instance", null, List.of()),
    OFFSETS_COMMITTED("pbiexport.intake.offsets.committed", Type.COUNTER,
            "Partition offsets committed (one per partition in each commit the broker acknowledged)",
            null, List.of()),
    POLL_FAILURES("pbiexport.intake.poll.failures", Type.COUNTER, "Consumer polls that failed (broker away,"
            + " authorisation)", null, List.of()),
    DEAD_LETTER_BREAKER_OPEN("pbiexport.intake.dead.letter.breaker.open", Type.GAUGE,
            "Request-topic partitions whose intake the dead-letter breaker stopped (open or probing;"
                    + " intake.deadLetterBreaker.*)", null, List.of()),
    CACHE_ENTRIES("pbiexport.cache.entries", Type.GAUGE,
            "Entries held now by each bounded in-memory cache or per-request map (cache: capacity_lookups,"
                    + " capacity_limits, answered_requests, job_states, crash_claims, workspace_probe, target_probe,"
                    + " token_sources); flat under steady load", null, List.of("cache"));

    /** The Micrometer meter type, which decides the Prometheus suffixes. */
    public enum Type { COUNTER, FUNCTION_COUNTER, GAUGE, TIMER, SUMMARY }

    private final String meterName;
    private final Type type;
    private final String description;
    private final String baseUnit;
    private final List<String> tags;

    MeterCatalogue(String meterName, Type type, String description, String baseUnit, List<String> tags) {
        this.meterName = meterName;
        this.type = type;
        this.description = description;
        this.baseUnit = baseUnit;
        this.tags = tags;
    }

    public String meterName() { return meterName; }
    public Type type() { return type; }
    public String description() { return description; }
    /** Base unit, or null for a plain count. */
    public String baseUnit() { return baseUnit; }
    /** The only tag keys this meter may carry (the Prometheus registry adds {@code instance_id} to all). */
    public List<String> tags() { return tags; }

    /**
     * The name Prometheus shows (for a timer or summary, the base of {@code _bucket}/{@code _count}/{@code _sum}).
     */
    public String prometheusName() {
        String base = meterName.replace('.', '_');
        if (baseUnit != null && !base.endsWith("_" + baseUnit)) {
            base = base + "_" + baseUnit;
        }
        return switch (type) {
            case COUNTER, FUNCTION_COUNTER -> base + "_total";
            default -> base;
        };
    }
}
