package com.pbiexport.worker.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.contracts.ExportRequested;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated request, ready to run.
 *
 * @param request    the request as received (echoed on the outcome)
 * @param body       the Power BI {@code ExportReportRequest} body built from it (format + configuration)
 * @param sinkAlias  the configured sink to store into
 * @param receivedAt when the worker read the request (start of "queued" time)
 * @param traceparent W3C trace context from the request's headers, carried to its outcome
 */
public record ExportJobSpec(ExportRequested request, ObjectNode body, String sinkAlias, Instant receivedAt,
                            Optional<String> traceparent) {

    public ExportJobSpec {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(sinkAlias, "sinkAlias");
        Objects.requireNonNull(receivedAt, "receivedAt");
        traceparent = traceparent == null ? Optional.empty() : traceparent;
    }

    public String requestId() {
        return request.requestId();
    }

    public String tenant() {
        return request.tenant();
    }

    public Optional<Instant> notAfter() {
        return Optional.ofNullable(request.notAfter());
    }

    public Optional<String> profileId() {
        return Optional.ofNullable(request.profileId());
    }

    public Optional<String> fileName() {
        return request.output() == null ? Optional.empty() : Optional.ofNullable(request.output().fileName());
    }
}
