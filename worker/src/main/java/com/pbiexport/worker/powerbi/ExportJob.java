package com.pbiexport.worker.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Power BI's {@code Export} object, read tolerantly (see {@link #fromJson}).
 *
 * @param id                    the export id (opaque)
 * @param reportId              the report, when the answer says
 * @param reportName            the report name, when the answer says
 * @param status                the status; unknown values become {@link ExportStatus.Unknown}
 * @param percentComplete       0-100 (0 when absent)
 * @param resourceLocation      the file URL once Succeeded
 * @param resourceFileExtension e.g. {@code .pdf}, {@code .zip} (spelled {@code ResourceFileExtension} in the Swagger)
 * @param createdDateTime       when the export was created
 * @param lastActionDateTime    when its status last changed
 * @param expirationTime        when the file stops being downloadable (24 h)
 */
public record ExportJob(String id, Optional<String> reportId, Optional<String> reportName, ExportStatus status,
                        int percentComplete, Optional<String> resourceLocation, Optional<String> resourceFileExtension,
                        Optional<Instant> createdDateTime, Optional<Instant> lastActionDateTime,
                        Optional<Instant> expirationTime) {

    public ExportJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
    }

    /**
     * Reads an {@code Export} JSON object: property names case-insensitive, missing and extra fields tolerated,
     * unknown status values kept as {@link ExportStatus.Unknown}.
     *
     * @throws IllegalArgumentException when the node is not an object or has no {@code id}
     */
    public static ExportJob fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected an Export JSON object");
        }
        String id = TolerantJson.text(node, "id")
                .orElseThrow(() -> new IllegalArgumentException("the Export object has no id"));
        int percent = TolerantJson.integer(node, "percentComplete").orElse(0);
        ExportStatus status = ExportStatus.parse(TolerantJson.text(node, "status").orElse(null), percent);
        return new ExportJob(id,
                TolerantJson.text(node, "reportId"),
                TolerantJson.text(node, "reportName"),
                status,
                Math.max(0, Math.min(100, percent)),
                TolerantJson.text(node, "resourceLocation"),
                TolerantJson.text(node, "resourceFileExtension").map(ExportJob::dotted),
                TolerantJson.instant(node, "createdDateTime"),
                TolerantJson.instant(node, "lastActionDateTime"),
                TolerantJson.instant(node, "expirationTime"));
    }

    private static String dotted(String extension) {
        String e = extension.trim();
        return e.startsWith(".") ? e : "." + e;
    }
}
