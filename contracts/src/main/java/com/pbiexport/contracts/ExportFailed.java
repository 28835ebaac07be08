package com.pbiexport.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A request ended without a file. See {@code schemas/ExportFailed.schema.json}.
 *
 * <p>Only {@code requestId} is always present: for a request that was only partly valid the identity
 * fields are echoed as received (possibly invalid) or null.
 *
 * @param requestId   the request's idempotency key (also the Kafka key)
 * @param tenant      echoed tenant alias, or null
 * @param workspaceId echoed workspace id, or null
 * @param reportId    echoed report id, or null
 * @param format      echoed format, or null
 * @param error       the classified failure
 * @param exportId    Power BI's export id when an export was started, or null
 * @param attempts    ExportTo calls made, 0 when none
 * @param failedAt    when the failure became final
 * @param attributes  the request's attributes, echoed; never null (empty, omitted from JSON)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExportFailed(
        String requestId,
        String tenant,
        String workspaceId,
        String reportId,
        String format,
        ExportError error,
        String exportId,
        int attempts,
        Instant failedAt,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> attributes) {

    public ExportFailed {
        attributes = Maps.attributes(attributes);
    }

    /** The failure of {@code request}: ids, format and attributes echoed from it. */
    public static ExportFailed of(ExportRequested request, ExportError error, String exportId, int attempts,
                                  Instant failedAt) {
        Objects.requireNonNull(request, "request");
        return new ExportFailed(request.requestId(), request.tenant(), request.workspaceId(), request.reportId(),
                request.format(), error, exportId, attempts, failedAt, request.attributes());
    }

    /**
     * The failure of a request known only by its id (it parsed as JSON but did not map to
     * {@link ExportRequested}); no export was started.
     */
    public static ExportFailed ofRequestId(String requestId, ExportError error, Instant failedAt) {
        return new ExportFailed(requestId, null, null, null, null, error, null, 0, failedAt, Map.of());
    }
}
