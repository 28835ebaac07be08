package com.pbiexport.devstack.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import com.pbiexport.devstack.scenario.Capacity;
import com.pbiexport.devstack.scenario.Report;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An export engine the tests drive by hand: jobs start {@code NotStarted} and move only when a test says so,
 * so every status/file answer of the REST layer can be produced on demand. Records every start call.
 */
final class FakeExportEngine implements ExportEngine {
    /** One start call as the REST layer made it. */
    record StartCall(String tenantId, String capacityId, String workspaceId, String reportId, String format,
                     int pages, String principal, JsonNode config) { }

    private final Clock clock;
    private final Map<String, ExportJob> jobs = new ConcurrentHashMap<>();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final List<StartCall> starts = new CopyOnWriteArrayList<>();
    private final AtomicInteger throttleNext = new AtomicInteger();
    private volatile int throttleRetryAfter = 7;

    FakeExportEngine(Clock clock) {
        this.clock = clock;
    }

    /** The next {@code n} starts answer Throttled with this Retry-After (a full capacity). */
    void throttleNext(int n, int retryAfterSeconds) {
        throttleRetryAfter = retryAfterSeconds;
        throttleNext.set(n);
    }

    List<StartCall> starts() {
        return starts;
    }

    @Override
    public StartResult start(String tenantId, Capacity capacity, String workspaceId, Report report, String format,
                             int pages, String principal, JsonNode config) {
        starts.add(new StartCall(tenantId, capacity.id(), workspaceId, report.id(), format, pages, principal, config));
        if (throttleNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            return new Throttled(throttleRetryAfter);
        }
        String id = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII));
        ExportJob job = new ExportJob(id, tenantId, workspaceId, report.id(), report.name(), format, principal,
                "NotStarted", 0, clock.instant(), clock.instant(), null, extension(format, pages), Optional.of(2));
        jobs.put(id, job);
        return new Started(job);
    }

    void running(String id, int percent) {
        ExportJob j = jobs.get(id);
        jobs.put(id, copy(j, "Running", percent, null, Optional.of(3)));
    }

    void succeed(String id, byte[] content) {
        ExportJob j = jobs.get(id);
        files.put(id, content);
        jobs.put(id, copy(j, "Succeeded", 100, clock.instant().plus(Duration.ofHours(24)), Optional.empty()));
    }

    void fail(String id, Optional<Integer> retryAfter) {
        ExportJob j = jobs.get(id);
        jobs.put(id, copy(j, "Failed", j.percentComplete(), null, retryAfter));
    }

    private ExportJob copy(ExportJob j, String status, int pct, java.time.Instant expires, Optional<Integer> retry) {
        return new ExportJob(j.id(), j.tenantId(), j.workspaceId(), j.reportId(), j.reportName(), j.format(),
                j.principal(), status, pct, j.createdDateTime(), clock.instant(), expires, j.resourceFileExtension(), retry);
    }

    @Override
    public Optional<ExportJob> get(String exportId) {
        return Optional.ofNullable(jobs.get(exportId));
    }

    @Override
    public Optional<ExportFile> file(String exportId) {
        ExportJob j = jobs.get(exportId);
        byte[] bytes = files.get(exportId);
        if (j == null || bytes == null || !"Succeeded".equals(j.status())
                || !clock.instant().isBefore(j.expirationTime())) {
            return Optional.empty();
        }
        return Optional.of(new ExportFile(contentType(j.resourceFileExtension()), j.resourceFileExtension(),
                bytes.length, new ByteArrayInputStream(bytes)));
    }

    private static String extension(String format, int pages) {
        return switch (format) {
            case "PNG" -> pages > 1 ? ".zip" : ".png";
            case "ACCESSIBLEPDF" -> ".pdf";
            case "IMAGE" -> ".tiff";
            default -> "." + format.toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String contentType(String ext) {
        return switch (ext) {
            case ".pdf" -> "application/pdf";
            case ".zip" -> "application/zip";
            case ".png" -> "image/png";
            case ".pptx" -> "application/vnd.openxmlformats-officedocument.presentationml.presentation";
            default -> "application/octet-stream";
        };
    }
}
