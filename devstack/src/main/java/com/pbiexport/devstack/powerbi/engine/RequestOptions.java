package com.pbiexport.devstack.powerbi.engine;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads the options of an {@code ExportReportRequest} that show up in the file. Property names are matched
 * case-insensitively and anything missing or of the wrong shape is ignored: the REST layer validated the request.
 */
final class RequestOptions {
    private RequestOptions() { }

    static FileSpec fileSpec(String reportName, String format, int pages, JsonNode config, long targetSize) {
        JsonNode pbi = field(config, "powerBIReportConfiguration");
        JsonNode paginated = field(config, "paginatedReportConfiguration");
        List<String> pageNames = new ArrayList<>();
        for (JsonNode page : array(field(pbi, "pages"))) {
            String name = text(field(page, "pageName"));
            if (name != null) {
                pageNames.add(name);
            }
        }
        if (pageNames.size() != pages) {
            pageNames.clear();
            for (int p = 1; p <= pages; p++) {
                pageNames.add("Page " + p);
            }
        }
        List<String> parameters = new ArrayList<>();
        for (JsonNode pv : array(field(paginated, "parameterValues"))) {
            String name = text(field(pv, "name"));
            if (name != null) {
                String value = text(field(pv, "value"));
                parameters.add(name + "=" + (value == null ? "" : value));
            }
        }
        List<String> identities = new ArrayList<>();
        for (JsonNode source : Arrays.asList(pbi, paginated)) {
            for (JsonNode id : array(field(source, "identities"))) {
                String user = text(field(id, "username"));
                if (user != null) {
                    identities.add(user);
                }
            }
        }
        String imageFormat = ExportFiles.imageFormat(text(field(field(paginated, "formatSettings"), "OutputFormat")));
        return new FileSpec(reportName, format, imageFormat, pageNames, parameters, identities, Math.max(0, targetSize));
    }

    static JsonNode field(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static Iterable<JsonNode> array(JsonNode node) {
        return node != null && node.isArray() ? node : List.of();
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
    }
}
