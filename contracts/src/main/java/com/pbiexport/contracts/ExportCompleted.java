package com.pbiexport.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The file of a request is stored. See {@code schemas/ExportCompleted.schema.json}.
 *
 * @param requestId         the request's idempotency key (also the Kafka key)
 * @param tenant            echoed tenant alias
 * @param workspaceId       echoed workspace id
 * @param reportId          echoed report id
 * @param format            echoed format
 * @param file              where the file is and how to check it
 * @param exportId          Power BI's export id of the successful attempt
 * @param powerBiRequestIds Power BI {@code RequestId}s seen during the export; never null (empty)
 * @param timings           where the time went
 * @param attempts          ExportTo calls made, at least 1
 * @param completedAt       when the file was stored
 * @param attributes        the request's attributes, echoed; never null (empty, omitted from JSON)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExportCompleted(
        String requestId,
        String tenant,
        String workspaceId,
        String reportId,
        String format,
        StoredFile file,
        String exportId,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> powerBiRequestIds,
        Timings timings,
        int attempts,
        Instant completedAt,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> attributes) {

    public ExportCompleted {
        powerBiRequestIds = Maps.strings(powerBiRequestIds);
        attributes = Maps.attributes(attributes);
    }

    /** The completion of {@code request}: ids, format and attributes echoed from it. */
    public static ExportCompleted of(ExportRequested request, StoredFile file, String exportId,
                                     List<String> powerBiRequestIds, Timings timings, int attempts,
                                     Instant completedAt) {
        Objects.requireNonNull(request, "request");
        return new ExportCompleted(request.requestId(), request.tenant(), request.workspaceId(), request.reportId(),
                request.format(), file, exportId, powerBiRequestIds, timings, attempts, completedAt,
                request.attributes());
    }
}
