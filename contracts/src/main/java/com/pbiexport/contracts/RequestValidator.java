package com.pbiexport.contracts;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The schema's top-level rules for {@link ExportRequested}, in plain Java: lets the worker answer an
 * invalid request with every problem at once, and lets producers check before publishing without a
 * schema library. Kept in step with {@code ExportRequested.schema.json} by a test.
 *
 * <p>Not checked here: the inside of the two Power BI configurations (the schema checks their shape,
 * Power BI checks the rest), and whether the tenant or sink alias is configured (only the worker knows).
 */
public final class RequestValidator {

    public static final int MAX_REQUEST_ID_LENGTH = 200;
    public static final int MAX_FILE_NAME_LENGTH = 200;
    public static final int MAX_ATTRIBUTES = 50;
    public static final int MAX_ATTRIBUTE_KEY_LENGTH = 256;
    public static final int MAX_ATTRIBUTE_VALUE_LENGTH = 1024;

    private static final Pattern ALIAS = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
    private static final Pattern UUID = Pattern.compile(
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    private static final int ECHO_LIMIT = 80;

    private RequestValidator() {
    }

    /** Every problem of the request, each naming the field and what is expected; empty when valid. */
    public static List<String> problems(ExportRequested request) {
        List<String> problems = new ArrayList<>();
        String requestId = request.requestId();
        if (requestId == null || requestId.isEmpty()) {
            problems.add("requestId is missing: set a unique id (it is the idempotency key)");
        } else if (requestId.length() > MAX_REQUEST_ID_LENGTH) {
            problems.add("requestId must be at most " + MAX_REQUEST_ID_LENGTH + " characters, was "
                    + requestId.length());
        }
        alias(problems, "tenant", request.tenant(), true);
        uuid(problems, "workspaceId", request.workspaceId(), true);
        uuid(problems, "reportId", request.reportId(), true);
        uuid(problems, "profileId", request.profileId(), false);
        format(problems, request);
        output(problems, request.output());
        attributes(problems, request.attributes());
        return List.copyOf(problems);
    }

    private static void format(List<String> problems, ExportRequested request) {
        ObjectNode powerBi = request.powerBIReportConfiguration();
        ObjectNode paginated = request.paginatedReportConfiguration();
        if (powerBi != null && paginated != null) {
            problems.add("set either powerBIReportConfiguration or paginatedReportConfiguration, not both");
        }
        if (request.format() == null) {
            problems.add("format is missing: set one of " + allFormats());
            return;
        }
        var format = ExportFormat.parse(request.format());
        if (format.isEmpty()) {
            problems.add("format must be one of " + allFormats() + ", was " + echo(request.format()));
            return;
        }
        if (!format.get().isPaginatedFormat() && paginated != null) {
            problems.add("format " + format.get() + " exists only for Power BI reports: remove "
                    + "paginatedReportConfiguration or choose a paginated format");
        }
        if (!format.get().isPowerBiFormat() && powerBi != null) {
            problems.add("format " + format.get() + " exists only for paginated reports: remove "
                    + "powerBIReportConfiguration or choose PDF, PPTX or PNG");
        }
    }

    private static void output(List<String> problems, OutputSpec output) {
        if (output == null) {
            return;
        }
        String fileName = output.fileName();
        if (fileName != null && (fileName.isEmpty() || fileName.length() > MAX_FILE_NAME_LENGTH)) {
            problems.add("output.fileName must be 1 to " + MAX_FILE_NAME_LENGTH + " characters, was "
                    + fileName.length());
        }
        alias(problems, "output.sink", output.sink(), false);
    }

    private static void attributes(List<String> problems, Map<String, String> attributes) {
        if (attributes.size() > MAX_ATTRIBUTES) {
            problems.add("attributes may hold at most " + MAX_ATTRIBUTES + " entries, had " + attributes.size());
        }
        attributes.forEach((key, value) -> {
            if (key.isEmpty() || key.length() > MAX_ATTRIBUTE_KEY_LENGTH) {
                problems.add("attribute names must be 1 to " + MAX_ATTRIBUTE_KEY_LENGTH + " characters, "
                        + echo(key) + " has " + key.length());
            }
            if (value.length() > MAX_ATTRIBUTE_VALUE_LENGTH) {
                problems.add("attribute " + echo(key) + " must be at most " + MAX_ATTRIBUTE_VALUE_LENGTH
                        + " characters, was " + value.length());
            }
        });
    }

    private static void alias(List<String> problems, String field, String value, boolean required) {
        if (value == null) {
            if (required) {
                problems.add(field + " is missing: set the alias of a tenant configured in the worker");
            }
        } else if (!ALIAS.matcher(value).matches()) {
            problems.add(field + " must be 1 to 64 letters, digits, '.', '_' or '-', was " + echo(value));
        }
    }

    private static void uuid(List<String> problems, String field, String value, boolean required) {
        if (value == null) {
            if (required) {
                problems.add(field + " is missing: set the UUID from the Power BI URL");
            }
        } else if (!UUID.matcher(value).matches()) {
            problems.add(field + " must be a UUID such as f089354e-8366-4e18-aea3-4cb4a3a50b48, was " + echo(value));
        }
    }

    private static String allFormats() {
        return String.join(", ", java.util.Arrays.stream(ExportFormat.values()).map(Enum::name).toList());
    }

    // Quote what the producer sent, bounded: a request is not a place for megabytes in an error message.
    private static String echo(String value) {
        String shown = value.length() > ECHO_LIMIT ? value.substring(0, ECHO_LIMIT) + "..." : value;
        return "'" + shown + "'";
    }
}
