package com.pbiexport.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The one validator of {@link ExportRequested}: the rules of {@code ExportRequested.schema.json} in plain Java, each
 * problem with the {@link ErrorCode} the worker answers with, and every problem at once. The schema is the source
 * of truth; {@code RequestValidatorTest} checks that the schema and {@link #schemaRules()} give the same verdict on
 * every example and on a set of invalid requests.
 *
 * <p>{@link #forWorker} adds what only a running worker can judge, on top of the schema: the tenant and sink
 * aliases must be configured, Power BI's limits of {@value #MAX_PAGES} pages per export and one report-level filter,
 * and printable
 * {@code requestId} and {@code output.fileName} (they reach logs, keys and file names). Producers use
 * {@link #schemaRules()} before publishing.
 *
 * <p>The JSON types of the string fields are checked on the tree ({@link #wrongType}) because binding to the record
 * would quietly turn {@code 42} into {@code "42"} and drop {@code null} attribute values.
 */
public final class RequestValidator {

    public static final int MAX_REQUEST_ID_LENGTH = 200;
    public static final int MAX_FILE_NAME_LENGTH = 200;
    public static final int MAX_ATTRIBUTES = 50;
    public static final int MAX_ATTRIBUTE_KEY_LENGTH = 256;
    public static final int MAX_ATTRIBUTE_VALUE_LENGTH = 1024;
    /** Power BI exports at most this many pages or visuals per request (not a schema rule: Power BI's). */
    public static final int MAX_PAGES = 50;

    private static final Pattern ALIAS = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
    private static final Pattern GUID =
            Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    // String fields where binding would turn another JSON type into a VALID value (42 -> alias "42", an epoch
    // number -> an Instant) or drop it (null). The ids and format are not listed: a coerced number is never a GUID
    // or a format, so they keep their own codes (INVALID_GUID, INVALID_FORMAT); only a null optional profileId
    // would pass, and it is checked on its own.
    private static final List<String> STRING_FIELDS = List.of("/requestId", "/tenant", "/notAfter",
            "/output/fileName", "/output/sink");
    private static final int ECHO_LIMIT = 80;

    /** One problem: the code upstream may switch on, and a message naming the field. */
    public record Violation(ErrorCode code, String message) { }

    private final Set<String> tenants; // null: any alias the schema allows
    private final Set<String> sinks;

    private RequestValidator(Set<String> tenants, Set<String> sinks) {
        this.tenants = tenants == null ? null : Set.copyOf(tenants);
        this.sinks = sinks == null ? null : Set.copyOf(sinks);
    }

    /** Exactly the schema's rules: for producers, and the yardstick the worker's rules are tested against. */
    public static RequestValidator schemaRules() {
        return new RequestValidator(null, null);
    }

    /** The schema's rules plus the worker's own: configured aliases, {@value #MAX_PAGES} pages, printable text. */
    public static RequestValidator forWorker(Set<String> tenantAliases, Set<String> sinkAliases) {
        return new RequestValidator(tenantAliases, sinkAliases);
    }

    /**
     * The first field of {@code request} (a JSON object) that the schema types as a string but holds another JSON
     * type that binding would accept (a number, a boolean, null...), as a message naming it; empty otherwise.
     */
    public static Optional<String> wrongType(JsonNode request) {
        for (String pointer : STRING_FIELDS) {
            JsonNode value = request.at(pointer);
            if (!value.isMissingNode() && !value.isTextual()) {
                return Optional.of(pointer.substring(1).replace('/', '.') + " must be a string, was "
                        + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        if (request.path("profileId").isNull()) {
            return Optional.of("profileId must be a string, was null");
        }
        JsonNode attributes = request.get("attributes");
        if (attributes != null && attributes.isObject()) {
            for (Map.Entry<String, JsonNode> e : attributes.properties()) {
                if (!e.getValue().isTextual()) {
                    return Optional.of("attribute " + echo(e.getKey()) + " must be a string");
                }
            }
        }
        return Optional.empty();
    }

    /** At most this many unknown fields are named in one answer (hostile input may send thousands). */
    static final int MAX_UNKNOWN_NAMED = 5;

    /**
     * The fields of {@code request} (a JSON object, before binding: binding drops them) that the schema does not
     * name, at any depth, as one message with a did-you-mean for each; empty when there are none. The worker answers
     * such a request {@link ErrorCode#INVALID_REQUEST}: a request is a command, and a field it would not act on (a
     * misspelt {@code identities}) must never silently export something else than what was asked.
     */
    public static Optional<String> unknownFields(JsonNode request) {
        List<String> unknown = KnownFields.unknown(request);
        if (unknown.isEmpty()) {
            return Optional.empty();
        }
        String named = String.join("; ", unknown.subList(0, Math.min(unknown.size(), MAX_UNKNOWN_NAMED)));
        String more = unknown.size() > MAX_UNKNOWN_NAMED
                ? " and " + (unknown.size() - MAX_UNKNOWN_NAMED) + " more unknown fields" : "";
        return Optional.of(named + more + "; unknown fields are refused so that a misspelt option never changes "
                + "what is exported");
    }

    /** Every problem of the request; empty when valid. The first one decides the error code of the answer. */
    public List<Violation> validate(ExportRequested r) {
        List<Violation> out = new ArrayList<>();
        String id = r.requestId();
        if (id == null || id.isEmpty() || id.length() > MAX_REQUEST_ID_LENGTH || (worker() && !printable(id))) {
            out.add(new Violation(ErrorCode.INVALID_REQUEST,
                    "requestId must be 1-" + MAX_REQUEST_ID_LENGTH + " printable characters"));
        }
        tenant(out, r.tenant());
        guid(out, "workspaceId", r.workspaceId(), true);
        guid(out, "reportId", r.reportId(), true);
        guid(out, "profileId", r.profileId(), false);
        Optional<ExportFormat> format = r.knownFormat();
        if (format.isEmpty()) {
            out.add(new Violation(ErrorCode.INVALID_FORMAT, "format " + echo(r.format()) + " is not one of "
                    + String.join(", ", java.util.Arrays.stream(ExportFormat.values()).map(Enum::name).toList())));
        }
        configuration(out, r, format);
        output(out, r);
        attributes(out, r.attributes());
        return List.copyOf(out);
    }

    private boolean worker() {
        return tenants != null;
    }

    private void tenant(List<Violation> out, String tenant) {
        if (worker() && (tenant == null || !tenants.contains(tenant))) {
            out.add(new Violation(ErrorCode.INVALID_UNKNOWN_TENANT, "tenant " + echo(tenant)
                    + " is not a configured tenant alias (configured: " + String.join(", ", new TreeSet<>(tenants)) + ")"));
        } else if (tenant == null || !ALIAS.matcher(tenant).matches()) {
            out.add(new Violation(ErrorCode.INVALID_UNKNOWN_TENANT, "tenant " + echo(tenant)
                    + " is not a tenant alias (1 to 64 letters, digits, '.', '_' or '-')"));
        }
    }

    private void configuration(List<Violation> out, ExportRequested r, Optional<ExportFormat> format) {
        ObjectNode powerBi = r.powerBIReportConfiguration();
        ObjectNode paginated = r.paginatedReportConfiguration();
        if (powerBi != null && paginated != null) {
            out.add(new Violation(ErrorCode.INVALID_CONFIGURATION,
                    "give either powerBIReportConfiguration or paginatedReportConfiguration, not both"));
        }
        if (format.isPresent()) {
            ExportFormat f = format.get();
            if (powerBi != null && !f.isPowerBiFormat()) {
                out.add(new Violation(ErrorCode.INVALID_FORMAT_FOR_REPORT_TYPE, "format " + f.wireValue()
                        + " is for paginated reports only, but powerBIReportConfiguration was given"));
            }
            if (paginated != null && !f.isPaginatedFormat()) {
                out.add(new Violation(ErrorCode.INVALID_FORMAT_FOR_REPORT_TYPE, "format " + f.wireValue()
                        + " is for Power BI reports only, but paginatedReportConfiguration was given"));
            }
        }
        if (powerBi != null) {
            ConfigurationShape.powerBi(powerBi)
                    .forEach(p -> out.add(new Violation(ErrorCode.INVALID_CONFIGURATION, p)));
            JsonNode pages = powerBi.get("pages");
            if (worker() && pages != null && pages.isArray() && pages.size() > MAX_PAGES) {
                out.add(new Violation(ErrorCode.PBI_TOO_MANY_PAGES, "powerBIReportConfiguration.pages has "
                        + pages.size() + " entries; Power BI exports at most " + MAX_PAGES + " per request"));
            }
            JsonNode filters = powerBi.get("reportLevelFilters");
            if (worker() && filters != null && filters.isArray() && filters.size() > 1) {
                out.add(new Violation(ErrorCode.INVALID_CONFIGURATION, "powerBIReportConfiguration.reportLevelFilters"
                        + " has " + filters.size() + " entries; Power BI supports one: join the conditions with 'and' "
                        + "in one filter"));
            }
        }
        if (paginated != null) {
            ConfigurationShape.paginated(paginated)
                    .forEach(p -> out.add(new Violation(ErrorCode.INVALID_CONFIGURATION, p)));
        }
    }

    private void output(List<Violation> out, ExportRequested r) {
        if (r.output() == null) {
            return;
        }
        String name = r.output().fileName();
        if (name != null && (name.isEmpty() || name.length() > MAX_FILE_NAME_LENGTH || (worker() && !printable(name)))) {
            out.add(new Violation(ErrorCode.INVALID_FILE_NAME,
                    "output.fileName must be 1-" + MAX_FILE_NAME_LENGTH + " printable characters"));
        }
        String sink = r.output().sink();
        if (sink != null && worker() && !sinks.contains(sink)) {
            out.add(new Violation(ErrorCode.INVALID_REQUEST, "output.sink " + echo(sink)
                    + " is not a configured sink (configured: " + String.join(", ", new TreeSet<>(sinks)) + ")"));
        } else if (sink != null && !ALIAS.matcher(sink).matches()) {
            out.add(new Violation(ErrorCode.INVALID_REQUEST, "output.sink " + echo(sink)
                    + " is not a sink alias (1 to 64 letters, digits, '.', '_' or '-')"));
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
            if (e.getKey().isEmpty() || e.getKey().length() > MAX_ATTRIBUTE_KEY_LENGTH
                    || e.getValue().length() > MAX_ATTRIBUTE_VALUE_LENGTH) {
                out.add(new Violation(ErrorCode.INVALID_ATTRIBUTES, "attribute keys must have 1-"
                        + MAX_ATTRIBUTE_KEY_LENGTH + " characters and values at most " + MAX_ATTRIBUTE_VALUE_LENGTH));
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
            out.add(new Violation(ErrorCode.INVALID_GUID, field + " " + echo(value) + " is not a GUID"));
        }
    }

    private static boolean printable(String s) {
        return s.codePoints().noneMatch(Character::isISOControl);
    }

    /** Quotes what the producer sent, bounded and on one line: hostile input may be long or hold control characters. */
    static String echo(String value) {
        if (value == null) {
            return "'null'";
        }
        StringBuilder b = new StringBuilder();
        value.codePoints().limit(ECHO_LIMIT).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return "'" + b + (value.codePointCount(0, value.length()) > ECHO_LIMIT ? "...'" : "'");
    }
}
