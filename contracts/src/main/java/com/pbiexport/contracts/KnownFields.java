package com.pbiexport.contracts;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every field {@code ExportRequested.schema.json} names, object by object, and the walk that finds the others.
 * A request is a command: a field the worker does not act on would silently change what is exported (a misspelt
 * {@code identity} exports unfiltered data), so the worker refuses it and suggests the field that was probably
 * meant. {@code RequestValidatorTest.knowsExactlyTheFieldsTheSchemaNames} checks this list against the schema.
 *
 * <p>Free-form maps are not walked: {@code attributes} (opaque correlation data) and
 * {@code paginatedReportConfiguration.formatSettings} (device-information settings, which differ per format).
 */
final class KnownFields {

    /** An object's fields: each known name, and the fields of the objects (or array items) below it. */
    private record Shape(Set<String> names, Map<String, Shape> children) {
        static Shape of(Set<String> names) {
            return new Shape(names, Map.of());
        }
    }

    /** identityBlob holds a secret: its unknown keys are not echoed (a token pasted as a key would leak). */
    private static final Shape BLOB = Shape.of(Set.of("value"));
    private static final Shape BOOKMARK = Shape.of(Set.of("name", "state"));
    private static final Shape IDENTITY = new Shape(
            Set.of("username", "roles", "datasets", "reports", "customData", "auditableContext", "identityBlob"),
            Map.of("identityBlob", KnownFields.BLOB));
    private static final Shape POWER_BI = new Shape(
            Set.of("pages", "defaultBookmark", "reportLevelFilters", "settings", "identities", "datasetToBind"),
            Map.of("pages", new Shape(Set.of("pageName", "visualName", "bookmark"), Map.of("bookmark", BOOKMARK)),
                    "defaultBookmark", BOOKMARK,
                    "reportLevelFilters", Shape.of(Set.of("filter")),
                    "settings", Shape.of(Set.of("locale", "includeHiddenPages")),
                    "identities", IDENTITY));
    private static final Shape PAGINATED = new Shape(Set.of("parameterValues", "formatSettings", "identities"),
            Map.of("parameterValues", Shape.of(Set.of("name", "value")), "identities", IDENTITY));
    private static final Shape REQUEST = new Shape(
            Set.of("requestId", "tenant", "workspaceId", "reportId", "format", "powerBIReportConfiguration",
                    "paginatedReportConfiguration", "profileId", "output", "notAfter", "attributes"),
            Map.of("powerBIReportConfiguration", POWER_BI, "paginatedReportConfiguration", PAGINATED,
                    "output", Shape.of(Set.of("fileName", "sink"))));

    /** Unknown fields past this many are counted, not described. */
    private static final int NAMED = RequestValidator.MAX_UNKNOWN_NAMED;
    private static final String UNNAMED = "";

    private KnownFields() {
    }

    /**
     * One entry per field the schema does not name: for the first {@link RequestValidator#MAX_UNKNOWN_NAMED} a message
     * with its path and a did-you-mean when one is close, for the rest an empty string (counted only).
     */
    static List<String> unknown(JsonNode request) {
        List<String> out = new ArrayList<>();
        walk(request, "", REQUEST, out);
        return out;
    }

    /** The known field names of the object at {@code path} (dots, no array indexes), for the consistency test. */
    static Optional<Set<String>> namesAt(String path) {
        Shape s = REQUEST;
        if (!path.isEmpty()) {
            for (String part : path.split("\\.")) {
                s = s.children().get(part);
                if (s == null) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(s.names());
    }

    private static void walk(JsonNode node, String at, Shape shape, List<String> out) {
        if (node == null || !node.isObject()) {
            return; // a wrong type is ConfigurationShape's to report
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String name = e.getKey();
            String path = at.isEmpty() ? name : at + "." + name;
            if (!shape.names().contains(name)) {
                if (out.size() >= NAMED) {
                    out.add(UNNAMED); // counted only: hostile input may send thousands, and suggestions cost time
                } else if (shape == BLOB) {
                    out.add(RequestValidator.echo(at) + " has a field other than 'value' (not echoed: it may be a secret)");
                } else {
                    out.add("unknown field " + RequestValidator.echo(path)
                            + suggestion(name, shape.names()).map(s -> " (did you mean '" + s + "'?)").orElse(""));
                }
                continue;
            }
            Shape child = shape.children().get(name);
            if (child == null) {
                continue;
            }
            JsonNode value = e.getValue();
            if (value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    walk(value.get(i), path + "[" + i + "]", child, out);
                }
            } else {
                walk(value, path, child, out);
            }
        }
    }

    /**
     * The known name closest to {@code name}: equal ignoring case, or within an edit distance of a third of the
     * known name's length (at least 2), so {@code identity} and {@code identitys} both suggest {@code identities}.
     */
    static Optional<String> suggestion(String name, Set<String> known) {
        if (name.length() > 64) {
            return Optional.empty(); // hostile input: no quadratic work on long keys
        }
        String lower = name.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known.stream().sorted().toList()) {
            int d = distance(lower, candidate.toLowerCase(Locale.ROOT));
            if (d <= Math.max(2, candidate.length() / 3) && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance with adjacent transpositions (optimal string alignment). */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
