package com.pbiexport.worker.export;

import com.pbiexport.worker.diagnose.ClassificationContext;
import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.worker.storage.SinkResult;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one export has gathered for its result: the export id, attempts (exports Power BI accepted), Power BI
 * RequestIds, and the times its timings are made of. Only the run's steps touch it, one at a time.
 */
final class RunRecord {
    private final ExportJobSpec spec;
    private final List<String> requestIds = new ArrayList<>();
    int attempts;
    String exportId;
    Instant acceptedAt;
    Instant renderedAt;
    /** New exports made because a Succeeded export's file would expire before it was stored. */
    int expiryReexports;
    /** The expirationTime of the export as last polled. */
    Instant exportExpiresAt;

    RunRecord(ExportJobSpec spec) {
        this.spec = spec;
    }

    void note(Optional<String> requestId) {
        requestId.ifPresent(requestIds::add);
    }

    /** The export is gone (busy restart, unknown to Power BI): its id and file expiry no longer apply. */
    void forgetExport() {
        exportId = null;
        exportExpiresAt = null;
    }

    JobResult.Stored stored(SinkResult file, Instant downloadStarted, Instant end) {
        JobResult.Timings timings = new JobResult.Timings(
                millis(spec.receivedAt(), acceptedAt), millis(acceptedAt, renderedAt),
                millis(downloadStarted, end), millis(spec.receivedAt(), end));
        return new JobResult.Stored(spec, file, exportId, timings, attempts, List.copyOf(requestIds));
    }

    JobResult.Failed failed(Diagnosis diagnosis) {
        return new JobResult.Failed(spec, diagnosis, Optional.ofNullable(exportId), attempts, List.copyOf(requestIds));
    }

    /** What the classifier should know about a failed call of this export. */
    ClassificationContext context(ClassificationContext tenant, Operation operation) {
        // the export's expirationTime as last seen: the only evidence that a 404 on its file is an expired file
        return tenant.withOperation(operation.call()).withFormat(spec.request().format())
                .withProfileId(spec.profileId().orElse(null)).withExportExpiresAt(exportExpiresAt);
    }

    private static long millis(Instant from, Instant to) {
        return from == null || to == null ? 0 : Math.max(0, Duration.between(from, to).toMillis());
    }
}
