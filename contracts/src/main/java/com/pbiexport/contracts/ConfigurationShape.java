package com.pbiexport.contracts;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The shapes {@code ExportRequested.schema.json} gives Power BI's two export configurations ({@code $defs}
 * PowerBIReportExportConfiguration, PaginatedReportExportConfiguration, PageBookmark, EffectiveIdentity), checked
 * in plain Java for {@link RequestValidator}. Unknown fields are {@link KnownFields}' to find; Power BI checks the rest.
 */
final class ConfigurationShape {
    private final List<String> problems = new ArrayList<>();

    private ConfigurationShape() {
    }

    static List<String> powerBi(JsonNode c) {
        ConfigurationShape s = new ConfigurationShape();
        String at = "powerBIReportConfiguration";
        s.array(c, at, "pages", (page, p) -> {
            if (s.object(page, p)) {
                JsonNode name = page.get("pageName");
                if (name == null || !name.isTextual() || name.asText().isEmpty()) {
                    s.problems.add(p + ".pageName is required (a non-empty string)");
                }
                s.string(page, p, "visualName");
                s.bookmark(page, p, "bookmark");
            }
        });
        s.bookmark(c, at, "defaultBookmark");
        s.array(c, at, "reportLevelFilters", (filter, p) -> {
            if (s.object(filter, p)) {
                s.string(filter, p, "filter");
            }
        });
        JsonNode settings = c.get("settings");
        if (settings != null && s.object(settings, at + ".settings")) {
            s.string(settings, at + ".settings", "locale");
            JsonNode hidden = settings.get("includeHiddenPages");
            if (hidden != null && !hidden.isBoolean()) {
                s.problems.add(at + ".settings.includeHiddenPages must be true or false");
            }
        }
        s.identities(c, at);
        s.string(c, at, "datasetToBind");
        return s.problems;
    }

    static List<String> paginated(JsonNode c) {
        ConfigurationShape s = new ConfigurationShape();
        String at = "paginatedReportConfiguration";
        s.array(c, at, "parameterValues", (parameter, p) -> {
            if (s.object(parameter, p)) {
                s.string(parameter, p, "name");
                s.string(parameter, p, "value");
            }
        });
        JsonNode formatSettings = c.get("formatSettings");
        if (formatSettings != null && s.object(formatSettings, at + ".formatSettings")) {
            for (Map.Entry<String, JsonNode> e : formatSettings.properties()) {
                s.string(formatSettings, at + ".formatSettings", e.getKey());
            }
        }
        s.identities(c, at);
        return s.problems;
    }

    private void identities(JsonNode c, String at) {
        array(c, at, "identities", (identity, p) -> {
            if (object(identity, p)) {
                JsonNode username = identity.get("username");
                if (username == null || !username.isTextual()) {
                    problems.add(p + ".username is required (a string)");
                }
                strings(identity, p, "roles");
                strings(identity, p, "datasets");
                strings(identity, p, "reports");
                string(identity, p, "customData");
                string(identity, p, "auditableContext");
                JsonNode blob = identity.get("identityBlob");
                if (blob != null && object(blob, p + ".identityBlob")) {
                    JsonNode value = blob.get("value"); // never echoed: an Azure SQL access token
                    if (value == null || !value.isTextual()) {
                        problems.add(p + ".identityBlob.value is required (a string: an Azure SQL access token)");
                    }
                }
            }
        });
    }

    private void bookmark(JsonNode parent, String at, String field) {
        JsonNode b = parent.get(field);
        String p = at + "." + field;
        if (b != null && object(b, p)) {
            string(b, p, "name");
            string(b, p, "state");
            if (b.has("name") && b.has("state")) {
                problems.add(p + " takes name or state, not both");
            }
        }
    }

    private interface Item {
        void check(JsonNode item, String at);
    }

    private void array(JsonNode parent, String at, String field, Item item) {
        JsonNode a = parent.get(field);
        if (a == null) {
            return;
        }
        if (!a.isArray()) {
            problems.add(at + "." + field + " must be an array");
            return;
        }
        for (int i = 0; i < a.size(); i++) {
            item.check(a.get(i), at + "." + field + "[" + i + "]");
        }
    }

    private void strings(JsonNode parent, String at, String field) {
        array(parent, at, field, (item, p) -> {
            if (!item.isTextual()) {
                problems.add(p + " must be a string");
            }
        });
    }

    private boolean object(JsonNode node, String at) {
        if (!node.isObject()) {
            problems.add(at + " must be an object");
            return false;
        }
        return true;
    }

    private void string(JsonNode parent, String at, String field) {
        JsonNode v = parent.get(field);
        if (v != null && !v.isTextual()) {
            problems.add(at + "." + field + " must be a string");
        }
    }
}
