package com.pbiexport.devstack.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import com.pbiexport.devstack.scenario.Capacity;
import com.pbiexport.devstack.scenario.Report;

import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;

/**
 * The export job engine behind the simulated REST API: accepts exports within a capacity's limits, renders
 * them over time (5 pages at a time), and serves their files until they expire. The REST layer
 * ({@code PowerBiApi}) does every authorisation and validation check first; the engine only models jobs.
 */
public interface ExportEngine {

    /**
     * Starts an export, or answers that the capacity is full.
     *
     * @param capacity  the workspace's capacity (never null here: shared capacity is refused earlier)
     * @param principal the caller: app client id, or the profile id when {@code X-PowerBI-Profile-Id} was sent
     * @param pages     pages to render (requested pages, or the report's page count)
     * @param config    the request body as received (format + configuration), kept for the file's content
     */
    StartResult start(String tenantId, Capacity capacity, String workspaceId, Report report, String format,
                      int pages, String principal, JsonNode config);

    /** The job, if it exists (expired jobs stay visible with their status until purged). */
    Optional<ExportJob> get(String exportId);

    /** The finished file, when the job succeeded and has not expired. */
    Optional<ExportFile> file(String exportId);

    sealed interface StartResult permits Started, Throttled { }

    record Started(ExportJob job) implements StartResult { }

    /** The capacity is at its concurrency limit: answer 429 with this Retry-After. */
    record Throttled(int retryAfterSeconds) implements StartResult { }

    /**
     * A snapshot of one export.
     *
     * @param status             NotStarted, Running, Succeeded or Failed
     * @param retryAfterSeconds  what the poll answer should carry as Retry-After (empty = no header, as the
     *                           service sometimes does; a Failed job with a value was "busy", without is permanent)
     * @param resourceFileExtension e.g. {@code .pdf}, {@code .zip} (multi-page PNG)
     */
    record ExportJob(
            String id,
            String tenantId,
            String workspaceId,
            String reportId,
            String reportName,
            String format,
            String principal,
            String status,
            int percentComplete,
            Instant createdDateTime,
            Instant lastActionDateTime,
            Instant expirationTime,
            String resourceFileExtension,
            Optional<Integer> retryAfterSeconds) { }

    /** File bytes as a stream (large files are generated, not held), their length and content type. */
    record ExportFile(String contentType, String fileExtension, long length, InputStream content) { }
}
