package com.pbiexport.worker.export;

import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.diagnose.Diagnosis;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When an export must have ended: the request's {@code notAfter}, or {@code receivedAt + limits.exportTimeout},
 * whichever comes first. No wait is ever scheduled past it; the step that runs at it fails the export as
 * {@code REQUEST_EXPIRED} (the request's deadline) or {@code EXPORT_TIMEOUT} (ours).
 */
record Deadline(Instant at, boolean requests, Duration exportTimeout) {

    Deadline {
        Objects.requireNonNull(at);
        Objects.requireNonNull(exportTimeout);
    }

    static Deadline of(ExportJobSpec spec, Duration exportTimeout) {
        Instant overall = spec.receivedAt().plus(exportTimeout);
        Instant notAfter = spec.notAfter().orElse(Instant.MAX);
        boolean requests = notAfter.isBefore(overall);
        return new Deadline(requests ? notAfter : overall, requests, exportTimeout);
    }

    boolean passed(Instant now) {
        return !now.isBefore(at);
    }

    /** Whether a wait ending at {@code instant} would end after the deadline. */
    boolean endsBefore(Instant instant) {
        return instant.isAfter(at);
    }

    /** {@code delay}, cut so that it ends at the deadline at the latest. */
    Duration clamp(Instant now, Duration delay) {
        return now.plus(delay).isAfter(at) ? Duration.between(now, at) : delay;
    }

    /** The failure of an export still running at the deadline. */
    Diagnosis expired() {
        return requests
                ? Diagnosis.of(ErrorCode.REQUEST_EXPIRED, "The request's notAfter deadline " + at + " passed")
                : Diagnosis.of(ErrorCode.EXPORT_TIMEOUT, "The export did not finish within " + exportTimeout
                    + " (limits.exportTimeout)");
    }

    /** The failure when the deadline cut short a wait for the token endpoint: that endpoint's own code. */
    Diagnosis cutTokenWait(Diagnosis cause) {
        return cause.withMessage(cause.message() + " (waited for the token endpoint until the "
                + (requests ? "request's notAfter deadline " : "export timeout, limits.exportTimeout, ") + at + ")");
    }
}
