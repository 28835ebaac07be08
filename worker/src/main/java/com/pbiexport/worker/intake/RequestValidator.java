package com.pbiexport.worker.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.contracts.ErrorCode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a parsed request against what this worker can do before any call to Power BI: known tenant alias and
 * sink, GUIDs, a known format that matches the configuration given, sane file name and attributes. The first
 * problem decides the error code; all problems are listed in the message.
 */
public final class RequestValidator {
    private static final Pattern GUID =
            Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    // the same limits as the published schema (contracts), so valid-by-schema means valid here
    static final int MAX_REQUEST_ID = com.pbiexport.contracts.RequestValidator.MAX_REQUEST_ID_LENGTH;
    static final int MAX_FILE_NAME = com.pbiexport.contracts.RequestValidator.MAX_FILE_NAME_LENGTH;
    static final int MAX_ATTRIBUTES = com.pbiexport.contracts.RequestValidator.MAX_ATTRIBUTES;
    static final int MAX_ATTRIBUTE_KEY = com.pbiexport.contracts.RequestValidator.MAX_ATTRIBUTE_KEY_LENGTH;
    static final int MAX_ATTRIBUTE_VALUE = com.pbiexport.contracts.RequestValidator.MAX_ATTRIBUTE_VALUE_LENGTH;
    static final int MAX_PAGES = 50;

    private final Set<String> tenants;
    private final Set<String> sinks;

    /** One problem: the code upstream may switch on, and a message naming the field. */
    public record Violation(ErrorCode code, String message) { }

    public RequestValidator(Set<String> tenantAliases, Set<String> sinkAliases) {
        this.tenants = Set.copyOf(tenantAliases);
        this.sinks = Set.copyOf(sinkAliases);
    }

    public List<Violation> validate(ExportRequested r) {
        List<Violation> out = new ArrayList<>();
        String id = r.requestId();
        if (id.length() > MAX_REQUEST_ID || id.codePoints().anyMatch(Character::isISOControl)) {
            out.add(new Violation(ErrorCode.INVALID_REQUEST,
                    "requestId must be 1-" + MAX_REQUEST_ID + " printable characters"));
        }
        if (r.tenant() == null || !tenants.contains(r.tenant())) {
            out.add(new Violation(ErrorCode.INVALID_UNKNOWN_TENANT, "tenant '" + printable(r.tenant())
                    + "' is not a configured tenant alias (configured: " + String.join(", ", sorted(tenants)) + ")"));
        }
        guid(out, "workspaceId", r.workspaceId(), true);
        guid(out, "reportId", r.reportId(), true);
        guid(out, "profileId", r.profileId(), false);
        Optional<ExportFormat> format = r.knownFormat();
        if (format.isEmpty()) {
            out.add(new Violation(ErrorCode.INVALID_FORMAT, "format '" + printable(r.format())
                    + "' is not one of PDF, PPTX, PNG, ACCESSIBLEPDF, XLSX, DOCX, CSV, XML, MHTML, IMAGE"));
        }
        configuration(out, r, format);
        output(out, r);
        attributes(out, r.attributes());
        return out;
    }

    /** The Power BI {@code ExportReportRequest} body for a valid request. */
    public static ObjectNode exportBody(ExportRequested r) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("format", r.knownFormat().map(ExportFormat::wireValue).orElse(r.format()));
        if (r.powerBIReportConfiguration() != null) {
            body.set("powerBIReportConfiguration", r.powerBIReportConfiguration().deepCopy());
        }
        if (r.paginatedReportConfiguration() != null) {
            body.set("paginatedReportConfiguration", r.paginatedReportConfiguration().deepCopy());
        }
        return body;
    }

    private static void configuration(List<Violation> out, ExportRequested r, Optional<ExportFormat> format) {
        boolean pbi = r.powerBIReportConfiguration() != null;
        boolean paginated = r.paginatedReportConfiguration() != null;
        if (pbi && paginated) {
            out.add(new Violation(ErrorCode.INVALID_CONFIGURATION,
                    "give either powerBIReportConfiguration or paginatedReportConfiguration, not both"));
        }
        if (format.isPresent()) {
            ExportFormat f = format.get();
            if (pbi && !f.isPowerBiFormat()) {
                out.add(new Violation(ErrorCode.INVALID_FORMAT_FOR_REPORT_TYPE, "format " + f.wireValue()
                        + " is for paginated reports only, but powerBIReportConfiguration was given"));
            }
            if (paginated && !f.isPaginatedFormat()) {
                out.add(new Violation(ErrorCode.INVALID_FORMAT_FOR_REPORT_TYPE, "format " + f.wireValue()
                        + " is for Power BI reports only, but paginatedReportConfiguration was given"));
            }
        }
        if (pbi) {
            JsonNode bookmark = r.powerBIReportConfiguration().get("defaultBookmark");
            if (bookmark != null && bookmark.hasNonNull("name") && bookmark.hasNonNull("state")) {
                out.add(new Violation(ErrorCode.INVALID_CONFIGURATION,
                        "powerBIReportConfiguration.defaultBookmark takes name or state, not both"));
            }
            JsonNode pages = r.powerBIReportConfiguration().get("pages");
            if (pages != null && pages.isArray() && pages.size() > MAX_PAGES) {
                out.add(new Violation(ErrorCode.PBI_TOO_MANY_PAGES, "powerBIReportConfiguration.pages has "
                        + pages.size() + " entries; Power BI exports at most " + MAX_PAGES + " per request"));
            }
        }
    }

    private void output(List<Violation> out, ExportRequested r) {
        if (r.output() == null) {
            return;
        }
        String name = r.output().fileName();
        if (name != null && (name.isEmpty() || name.length() > MAX_FILE_NAME
                || name.codePoints().anyMatch(Character::isISOControl))) {
            out.add(new Violation(ErrorCode.INVALID_FILE_NAME,
                    "output.fileName must be 1-" + MAX_FILE_NAME + " printable characters"));
        }
        String sink = r.output().sink();
        if (sink != null && !sinks.contains(sink)) {
            out.add(new Violation(ErrorCode.INVALID_REQUEST, "output.sink '" + printable(sink)
                    + "' is not a configured sink (configured: " + String.join(", ", sorted(sinks)) + ")"));
        }
    }

    private static void attributes(List<Violation> out, Map<String, String> attributes) {
        if (attributes.size() > MAX_ATTRIBUTES) {
            out.add(new Violation(ErrorCode.INVALID_ATTRIBUTES,
                    "attributes has " + attributes.size() + " entries; at most " + MAX_ATTRIBUTES + " are allowed"));
            return;
        }
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            // an empty key is refused too: the outcome echoes the attributes, and the schema wants 1+ characters
            if (e.getKey().isEmpty() || e.getKey().length() > MAX_ATTRIBUTE_KEY
                    || (e.getValue() != null && e.getValue().length() > MAX_ATTRIBUTE_VALUE)) {
                out.add(new Violation(ErrorCode.INVALID_ATTRIBUTES, "attribute keys must have 1-"
                        + MAX_ATTRIBUTE_KEY + " characters and values at most " + MAX_ATTRIBUTE_VALUE));
                return;
            }
        }
    }

    private static void guid(List<Violation> out, String field, String value, boolean required) {
        if (value == null) {
            if (required) {
                out.add(new Violation(ErrorCode.INVALID_GUID, field + " is required (a GUID)"));
            }
        } else if (!GUID.matcher(value).matches()) {
            out.add(new Violation(ErrorCode.INVALID_GUID, field + " '" + printable(value) + "' is not a GUID"));
        }
    }

    private static String printable(String s) {
        return s == null ? "null" : RequestParser.printable(s);
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
