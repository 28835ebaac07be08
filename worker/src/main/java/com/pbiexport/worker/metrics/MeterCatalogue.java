package com.pbiexport.worker.metrics;

import java.util.List;

/**
 * Every meter the worker publishes, in one place: name (Micrometer dotted form; Prometheus turns dots into
 * underscores and appends {@code _total}/{@code _seconds}), description, base unit and the only tags it may
 * carry. Tags are bounded: tenant aliases come from configuration, codes and reasons from fixed lists; never a
 * request, report or export id, never a URL.
 */
public enum MeterCatalogue {
    REQUESTS_RECEIVED("pbiexport.requests.received", "Records read from the requests topic", null, List.of()),
    OUTCOMES("pbiexport.outcomes", "Outcome events published, by result and error code",
            null, List.of("result", "code", "category", "format", "tenant")),
    DEAD_LETTERS("pbiexport.dead.letters", "Records sent to the dead-letter topic, by reason", null, List.of("reason")),
    PHASE_DURATION("pbiexport.export.phase.duration",
            "Time an export spent in each phase: queued, render, download, total", "seconds", List.of("phase", "tenant")),
    IN_FLIGHT("pbiexport.exports.in.flight", "Exports in progress on this instance, by stage", null, List.of("stage")),
    THROTTLED("pbiexport.powerbi.throttled", "429 answers from Power BI, by operation", null,
            List.of("tenant", "operation")),
    RETRY_AFTER_WAIT("pbiexport.powerbi.retry.after", "Retry-After waits taken after 429 answers", "seconds",
            List.of("tenant")),
    POLLS("pbiexport.powerbi.polls", "Export status polls", null, List.of("tenant")),
    BUSY_RESTARTS("pbiexport.export.busy.restarts", "Exports restarted after Failed with Retry-After", null,
            List.of("tenant")),
    BYTES_STORED("pbiexport.storage.bytes", "Bytes of finished files stored", "bytes", List.of("tenant")),
    PUBLISH_RETRIES("pbiexport.publish.retries", "Outcome or dead-letter publishes retried", null, List.of()),
    TOKEN_EXPIRY("pbiexport.token.expiry", "Seconds until the tenant's current token expires (negative: none)",
            "seconds", List.of("tenant")),
    TOKEN_FAILURES("pbiexport.token.failures", "Failed token acquisitions since start", null, List.of("tenant")),
    INTAKE_PAUSED("pbiexport.intake.paused", "1 while intake is paused because the in-flight budget is full",
            null, List.of());

    private final String meterName;
    private final String description;
    private final String baseUnit;
    private final List<String> tags;

    MeterCatalogue(String meterName, String description, String baseUnit, List<String> tags) {
        this.meterName = meterName;
        this.description = description;
        this.baseUnit = baseUnit;
        this.tags = tags;
    }

    public String meterName() { return meterName; }
    public String description() { return description; }
    public String baseUnit() { return baseUnit; }
    public List<String> tags() { return tags; }
}
