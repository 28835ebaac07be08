package com.pbiexport.worker.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * A report as {@code GET groups/{g}/reports/{r}} describes it.
 *
 * @param reportType {@code PowerBIReport} or {@code PaginatedReport} (decides which formats are allowed)
 */
public record ReportInfo(String id, String name, Optional<String> reportType, Optional<String> datasetId,
                         Optional<String> webUrl) {

    /** True for paginated (RDL) reports. */
    public boolean isPaginated() {
        return reportType.filter(t -> t.equalsIgnoreCase("PaginatedReport")).isPresent();
    }

    static ReportInfo fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a Report JSON object");
        }
        return new ReportInfo(
                TolerantJson.text(node, "id").orElseThrow(() -> new IllegalArgumentException("the Report has no id")),
                TolerantJson.text(node, "name").orElse(""),
                TolerantJson.text(node, "reportType"),
                TolerantJson.text(node, "datasetId"),
                TolerantJson.text(node, "webUrl"));
    }
}
