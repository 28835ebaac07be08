package com.pbiexport.worker.jobstate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one in-flight export stands: the value of a job-state record (key = requestId, same partition number as
 * the request). Written when Power BI accepted an export ({@code ExportTo}), so that whoever owns the request's
 * partition next can poll the same {@code exportId} instead of starting another export.
 *
 * @param requestId   the request
 * @param tenant      tenant alias of the request
 * @param workspaceId the request's workspace
 * @param reportId    the request's report
 * @param exportId    the Power BI export id returned by {@code ExportTo} (empty when none was started)
 * @param attempt     the attempt that started this export (1 = first; busy restarts count up)
 * @param startedAt   when Power BI accepted the export
 * @param status      {@link #STATUS_RUNNING}, or {@link #STATUS_DONE} once the outcome is published (kept until the
 *                    request's offset is committed, so a redelivered request is recognised and not answered twice)
 * @param expiresAt   after this instant the export's file can no longer be downloaded: do not resume
 * @param claims      when each owner that took the request and never released it (it crashed with the request in
 *                    flight) took it, oldest first; see {@link CrashClaims}
 */
public record JobState(String requestId, String tenant, String workspaceId, String reportId, String exportId,
                       int attempt, Instant startedAt, String status, Instant expiresAt, List<Instant> claims) {

    public static final String STATUS_RUNNING = "running";
    public static final String STATUS_DONE = "done";
    /** Taken by an owner (a claim), no export accepted yet. */
    public static final String STATUS_CLAIMED = "claimed";
    /** Power BI keeps an export's file for 24 hours; a recorded export older than that is not resumed. */
    public static final Duration EXPORT_FILE_LIFETIME = Duration.ofHours(24);
    private static final ObjectMapper JSON = new ObjectMapper();

    public JobState {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(exportId, "exportId");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        status = status == null ? STATUS_RUNNING : status;
        claims = claims == null ? List.of() : List.copyOf(claims);
    }

    /** A state without claims. */
    public JobState(String requestId, String tenant, String workspaceId, String reportId, String exportId,
                    int attempt, Instant startedAt, String status, Instant expiresAt) {
        this(requestId, tenant, workspaceId, reportId, exportId, attempt, startedAt, status, expiresAt, List.of());
    }

    /** The same state with {@code newClaims} instead of its claims. */
    public JobState withClaims(List<Instant> newClaims) {
        return new JobState(requestId, tenant, workspaceId, reportId, exportId, attempt, startedAt, status, expiresAt,
                newClaims);
    }

    /** Power BI accepted the export at {@code at}: resumable until its file expires. */
    public static JobState running(String requestId, String tenant, String workspaceId, String reportId,
                                   String exportId, int attempt, Instant at) {
        return new JobState(requestId, tenant, workspaceId, reportId, exportId, attempt, at, STATUS_RUNNING,
                at.plus(EXPORT_FILE_LIFETIME));
    }

    /** The request's outcome is published: a redelivered copy of the request needs no answer. */
    public static JobState done(String requestId, String tenant, String workspaceId, String reportId,
                                String exportId, int attempt, Instant at) {
        return new JobState(requestId, tenant, workspaceId, reportId, exportId == null ? "" : exportId, attempt, at,
                STATUS_DONE, at);
    }

    public boolean isDone() {
        return STATUS_DONE.equals(status);
    }

    /** True when resuming makes sense: the export is running and its file is not expired at {@code now}. */
    public boolean resumableAt(Instant now) {
        return STATUS_RUNNING.equals(status) && !exportId.isBlank() && now.isBefore(expiresAt);
    }

    public byte[] toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("requestId", requestId);
        n.put("tenant", tenant);
        n.put("workspaceId", workspaceId);
        n.put("reportId", reportId);
        n.put("exportId", exportId);
        n.put("attempt", attempt);
        n.put("startedAt", startedAt.toString());
        n.put("status", status);
        n.put("expiresAt", expiresAt.toString());
        if (!claims.isEmpty()) {
            ArrayNode a = n.putArray("claims");
            claims.forEach(c -> a.add(c.toString()));
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a job-state value; empty when it is not one we wrote (a stranger's record must not stop intake). */
    public static Optional<JobState> fromJson(byte[] value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(value);
            List<Instant> claims = new ArrayList<>();
            n.path("claims").forEach(c -> claims.add(Instant.parse(c.asText())));
            return Optional.of(new JobState(n.path("requestId").asText(null), n.path("tenant").asText(null),
                    n.path("workspaceId").asText(null), n.path("reportId").asText(null),
                    n.path("exportId").asText(null), n.path("attempt").asInt(1),
                    Instant.parse(n.path("startedAt").asText()), n.path("status").asText(STATUS_RUNNING),
                    Instant.parse(n.path("expiresAt").asText()), claims));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
