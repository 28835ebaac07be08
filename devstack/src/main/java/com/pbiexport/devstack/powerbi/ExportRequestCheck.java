package com.pbiexport.devstack.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.devstack.scenario.Report;
import com.pbiexport.devstack.scenario.TenantSettings;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * Validates an {@code ExportReportRequest} in two steps, as the service does: {@link #parse} is model binding
 * (malformed JSON, missing or unknown {@code format}: 400 before any lookup); {@link #check} runs once the report
 * is known (format against report type and tenant settings, sensitivity label, page limit, configuration shape).
 * Shapes follow the Swagger's definitions: what the service's model binding cannot bind (an object where the
 * Swagger has an array, a string for {@code includeHiddenPages}, an identity without {@code username}, an
 * {@code identityBlob} without {@code value}) is a 400; fields the Swagger does not name are ignored, as a JSON
 * model binder does by default (devstack/README.md, "Export request shapes").
 */
final class ExportRequestCheck {
    /** At most 50 pages or visuals per export request. */
    static final int MAX_PAGES = 50;

    static final Set<String> FORMATS =
            Set.of("PPTX", "PDF", "PNG", "IMAGE", "XLSX", "DOCX", "CSV", "XML", "MHTML", "ACCESSIBLEPDF");
    static final Set<String> PAGINATED_ONLY = Set.of("IMAGE", "XLSX", "DOCX", "CSV", "XML", "MHTML", "ACCESSIBLEPDF");
    static final Set<String> PDF_PPTX = Set.of("PDF", "PPTX");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A bound request: the upper-cased format and the body as received. */
    record Parsed(String format, ObjectNode body) { }

    private ExportRequestCheck() { }

    static Parsed parse(byte[] body) {
        JsonNode node;
        try {
            node = body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException malformed) {
            node = null;
        }
        if (!(node instanceof ObjectNode obj)) {
            throw ApiError.invalidRequest("Parameter requestParameters is missing or invalid").toFailure();
        }
        JsonNode format = obj.get("format");
        // enum binding is case-insensitive in the service's JSON serializer
        if (format == null || !format.isTextual()
                || !FORMATS.contains(format.asText().toUpperCase(Locale.ROOT))) {
            throw ApiError.invalidRequest("Parameter format is missing or invalid").toFailure();
        }
        return new Parsed(format.asText().toUpperCase(Locale.ROOT), obj);
    }

    /**
     * Checks the bound request against the report and tenant; returns the number of pages to render.
     */
    static int check(Parsed req, Report report, TenantSettings settings, boolean servicePrincipal) {
        String format = req.format();
        if (!report.paginated() && PAGINATED_ONLY.contains(format)) {
            throw ApiError.invalidRequest("Format " + format + " is only supported for paginated reports").toFailure();
        }
        if (report.paginated() && "PNG".equals(format)) {
            throw ApiError.invalidRequest("Format PNG is not supported for paginated reports; use IMAGE with "
                    + "formatSettings.OutputFormat=PNG").toFailure();
        }
        if ("PNG".equals(format) && !settings.exportImages()) {
            throw formatDisabled(format, "Export reports as image files");
        }
        if (PDF_PPTX.contains(format) && !settings.exportPdfPptx()) {
            throw formatDisabled(format, "Export reports as PowerPoint presentations or PDF documents");
        }
        if (servicePrincipal && report.sensitivityLabel() && PDF_PPTX.contains(format)) {
            // 403 per the reference (section 3, item 6); no code is observed, so the generic 403s
            throw ApiError.exportNotAllowed("A report with a sensitivity label cannot be exported to " + format
                    + " by a service principal").toFailure();
        }
        JsonNode pbiConfig = present(req.body(), "powerBIReportConfiguration");
        JsonNode paginatedConfig = present(req.body(), "paginatedReportConfiguration");
        int pages = report.paginated() ? report.pages() : pagesOf(pbiConfig, report);
        if (pages > MAX_PAGES) {
            throw ApiError.invalidRequest("The export request includes " + pages + " pages or visuals; at most "
                    + MAX_PAGES + " are supported per request").toFailure();
        }
        if (pbiConfig != null && paginatedConfig != null) {
            throw ApiError.invalidRequest(
                    "Only one of powerBIReportConfiguration or paginatedReportConfiguration may be specified").toFailure();
        }
        if (report.paginated() && pbiConfig != null) {
            throw ApiError.invalidRequest("powerBIReportConfiguration cannot be used with a paginated report").toFailure();
        }
        if (!report.paginated() && paginatedConfig != null) {
            throw ApiError.invalidRequest("paginatedReportConfiguration cannot be used with a Power BI report").toFailure();
        }
        if (pbiConfig != null) {
            checkPowerBiConfiguration(pbiConfig);
        }
        if (paginatedConfig != null) {
            checkPaginatedConfiguration(paginatedConfig);
        }
        return Math.max(1, pages);
    }

    /** 403 per the reference ("format disabled"); no code is observed, so the generic 403s. */
    private static ApiError.Failure formatDisabled(String format, String setting) {
        return ApiError.exportNotAllowed("Export to " + format + " is disabled by the tenant setting '" + setting + "'")
                .toFailure();
    }

    private static int pagesOf(JsonNode pbiConfig, Report report) {
        JsonNode pages = pbiConfig == null ? null : present(pbiConfig, "pages");
        return pages != null && pages.isArray() && pages.size() > 0 ? pages.size() : report.pages();
    }

    private static void checkPowerBiConfiguration(JsonNode config) {
        if (!config.isObject()) {
            throw ApiError.invalidRequest("Parameter powerBIReportConfiguration is missing or invalid").toFailure();
        }
        checkBookmark(present(config, "defaultBookmark"), "defaultBookmark");
        JsonNode pages = present(config, "pages");
        if (pages != null) {
            if (!pages.isArray()) {
                throw ApiError.invalidRequest("Parameter pages is missing or invalid").toFailure();
            }
            for (JsonNode page : pages) {
                JsonNode name = page.get("pageName");
                if (name == null || !name.isTextual() || name.asText().isBlank()) {
                    throw ApiError.invalidRequest("Parameter pageName is missing or invalid").toFailure();
                }
                checkBookmark(present(page, "bookmark"), "bookmark");
            }
        }
        JsonNode settings = present(config, "settings");
        if (settings != null) {
            objectOrInvalid(settings, "settings");
            JsonNode hidden = present(settings, "includeHiddenPages");
            if (hidden != null && !hidden.isBoolean()) {
                throw invalid("includeHiddenPages");
            }
        }
        checkIdentities(present(config, "identities"));
        JsonNode filters = present(config, "reportLevelFilters");
        if (filters != null && (!filters.isArray() || filters.size() > 1)) {
            throw ApiError.invalidRequest("Only one report level filter is supported").toFailure();
        }
    }

    /**
     * The paginated configuration's shape: {@code parameterValues} an array of objects, {@code formatSettings} an
     * object (a string map in the Swagger), {@code identities} as for Power BI reports.
     */
    private static void checkPaginatedConfiguration(JsonNode config) {
        objectOrInvalid(config, "paginatedReportConfiguration");
        JsonNode parameters = present(config, "parameterValues");
        if (parameters != null) {
            arrayOrInvalid(parameters, "parameterValues");
            parameters.forEach(p -> objectOrInvalid(p, "parameterValues"));
        }
        JsonNode formatSettings = present(config, "formatSettings");
        if (formatSettings != null) {
            objectOrInvalid(formatSettings, "formatSettings");
            formatSettings.forEach(v -> {
                if (v.isContainerNode()) {
                    throw invalid("formatSettings");
                }
            });
        }
        checkIdentities(present(config, "identities"));
    }

    /** Each identity an object with a {@code username}; an {@code identityBlob} an object with a {@code value}. */
    private static void checkIdentities(JsonNode identities) {
        if (identities == null) {
            return;
        }
        arrayOrInvalid(identities, "identities");
        for (JsonNode identity : identities) {
            objectOrInvalid(identity, "identities");
            JsonNode username = present(identity, "username");
            if (username == null || username.isContainerNode()) {
                throw invalid("username");
            }
            JsonNode blob = present(identity, "identityBlob");
            if (blob != null) {
                objectOrInvalid(blob, "identityBlob");
                JsonNode value = present(blob, "value");
                if (value == null || value.isContainerNode()) {
                    throw invalid("identityBlob");
                }
            }
        }
    }

    private static void objectOrInvalid(JsonNode node, String field) {
        if (!node.isObject()) {
            throw invalid(field);
        }
    }

    private static void arrayOrInvalid(JsonNode node, String field) {
        if (!node.isArray()) {
            throw invalid(field);
        }
    }

    private static ApiError.Failure invalid(String field) {
        return ApiError.invalidRequest("Parameter " + field + " is missing or invalid").toFailure();
    }

    /** A bookmark gives {@code name} or {@code state}, never both. */
    private static void checkBookmark(JsonNode bookmark, String field) {
        if (bookmark == null) {
            return;
        }
        if (!bookmark.isObject()) {
            throw ApiError.invalidRequest("Parameter " + field + " is missing or invalid").toFailure();
        }
        if (present(bookmark, "name") != null && present(bookmark, "state") != null) {
            throw ApiError.invalidRequest("A bookmark can specify name or state, not both (" + field + ")").toFailure();
        }
    }

    private static JsonNode present(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        return n == null || n.isNull() ? null : n;
    }
}
