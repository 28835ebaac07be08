package com.pbiexport.worker.publish;

import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.contracts.ExportError;
import com.pbiexport.contracts.ExportFailed;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.contracts.StoredFile;
import com.pbiexport.contracts.Timings;
import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.worker.export.JobResult;
import com.pbiexport.worker.storage.SinkResult;

import java.time.Instant;

/** Maps the export stage's results and diagnoses onto the public event contracts. */
public final class OutcomeEvents {
    private OutcomeEvents() {
    }

    public static Object from(JobResult result, Instant at) {
        if (result instanceof JobResult.Stored s) {
            SinkResult f = s.file();
            JobResult.Timings t = s.timings();
            return ExportCompleted.of(s.spec().request(),
                    new StoredFile(f.uri().toString(), f.sizeBytes(), f.sha256Hex(), f.contentType(), f.fileName()),
                    s.exportId(), s.powerBiRequestIds(),
                    new Timings(t.queuedMs(), t.renderMs(), t.downloadMs(), t.totalMs()), s.attempts(), at);
        }
        JobResult.Failed f = (JobResult.Failed) result;
        return ExportFailed.of(f.spec().request(), error(f.diagnosis()), f.exportId().orElse(null), f.attempts(), at);
    }

    /** A failure decided before any export ran (invalid request). */
    public static ExportFailed rejected(ExportRequested request, Diagnosis diagnosis, Instant at) {
        return ExportFailed.of(request, error(diagnosis), null, 0, at);
    }

    /** A failure for a record whose fields could not be read beyond its requestId. */
    public static ExportFailed rejected(String requestId, Diagnosis diagnosis, Instant at) {
        return ExportFailed.ofRequestId(requestId, error(diagnosis), at);
    }

    public static ExportError error(Diagnosis d) {
        return new ExportError(d.code().name(), d.category(), d.retryable(), d.message(), d.remediation(),
                d.httpStatus().orElse(null), d.powerBiErrorCode().orElse(null), d.powerBiRequestId().orElse(null),
                d.aadsts().orElse(null));
    }
}
