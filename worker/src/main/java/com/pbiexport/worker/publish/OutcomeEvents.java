package com.pbiexport.worker.publish;

import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.contracts.ExportError;
import com.pbiexport.contracts.ExportFailed;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.contracts.RequestValidator;
import com.pbiexport.contracts.StoredFile;
import com.pbiexport.contracts.Timings;
import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.worker.export.JobResult;
import com.pbiexport.worker.storage.SinkResult;

import java.time.Instant;
import java.util.Map;

/** Maps the export stage's results and diagnoses onto the public event contracts. */
public final class OutcomeEvents {
    /** Longest identity field echoed on a rejection (the failure schema's limit). */
    static final int MAX_ECHO = 1024;

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
        // the request was rejected, maybe for its size: echo only what keeps the answer valid by the schema
        Map<String, String> attributes = fitsSchema(request.attributes()) ? request.attributes() : Map.of();
        return new ExportFailed(request.requestId(), echo(request.tenant()), echo(request.workspaceId()),
                echo(request.reportId()), echo(request.format()), error(diagnosis), null, 0, at, attributes);
    }

    private static String echo(String field) {
        return field == null || field.length() > MAX_ECHO ? null : field;
    }

    private static boolean fitsSchema(Map<String, String> attributes) {
        return attributes.size() <= RequestValidator.MAX_ATTRIBUTES && attributes.entrySet().stream().allMatch(e ->
                e.getKey().length() <= RequestValidator.MAX_ATTRIBUTE_KEY_LENGTH
                        && (e.getValue() == null || e.getValue().length() <= RequestValidator.MAX_ATTRIBUTE_VALUE_LENGTH));
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
