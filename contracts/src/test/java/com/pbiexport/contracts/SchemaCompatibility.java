package com.pbiexport.contracts;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares a schema with its committed baseline and lists every change that could break a producer or a
 * consumer written against the baseline. Structural: it walks both documents by JSON pointer, so moving a
 * definition counts as removing it (deliberately: such a move deserves a human look and a baseline update).
 *
 * <p>Breaking: a property, enum value or type that disappears; a property that becomes required; additional
 * properties that become forbidden; a limit that tightens (maxLength, maxItems, maxProperties and maximum
 * shrink; minLength, minItems and minimum grow); a pattern, const or format that changes.
 */
final class SchemaCompatibility {

    private static final List<String> UPPER_BOUNDS = List.of("maxLength", "maxItems", "maxProperties", "maximum");
    private static final List<String> LOWER_BOUNDS = List.of("minLength", "minItems", "minProperties", "minimum");
    private static final List<String> FIXED = List.of("pattern", "const", "format");

    private SchemaCompatibility() {
    }

    static List<String> breakingChanges(JsonNode baseline, JsonNode current) {
        List<String> problems = new ArrayList<>();
        walk("", baseline, current, problems);
        return problems;
    }

    private static void walk(String pointer, JsonNode base, JsonNode now, List<String> problems) {
        if (base.isObject()) {
            if (now == null || !now.isObject()) {
                problems.add(at(pointer) + " was removed");
                return;
            }
            compareKeywords(pointer, base, now, problems);
            Iterator<Map.Entry<String, JsonNode>> fields = base.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String child = pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
                if (field.getValue().isContainerNode()) {
                    walk(child, field.getValue(), now.get(field.getKey()), problems);
                }
            }
        } else if (base.isArray()) {
            // Arrays of schemas (allOf, oneOf, prefixItems...) are compared element by element;
            // enum/required/type arrays are handled as keywords by the parent.
            String keyword = pointer.substring(pointer.lastIndexOf('/') + 1);
            if (Set.of("enum", "required", "type").contains(keyword)) {
                return;
            }
            if (now == null || !now.isArray()) {
                problems.add(at(pointer) + " was removed");
                return;
            }
            for (int i = 0; i < base.size(); i++) {
                if (base.get(i).isContainerNode()) {
                    walk(pointer + "/" + i, base.get(i), now.get(i), problems);
                }
            }
        }
    }

    private static void compareKeywords(String pointer, JsonNode base, JsonNode now, List<String> problems) {
        if (base.has("properties") && base.get("properties").isObject()) {
            base.get("properties").fieldNames().forEachRemaining(name -> {
                if (!now.path("properties").has(name)) {
                    problems.add("property '" + name + "' " + at(pointer) + " was removed");
                }
            });
        }
        if (base.has("enum") && now.has("enum")) {
            Set<JsonNode> allowed = new HashSet<>();
            now.get("enum").forEach(allowed::add);
            base.get("enum").forEach(v -> {
                if (!allowed.contains(v)) {
                    problems.add("enum value " + v + " " + at(pointer) + " was removed");
                }
            });
        }
        if (base.has("type") && now.has("type")) {
            Set<String> types = strings(now.get("type"));
            strings(base.get("type")).forEach(t -> {
                if (!types.contains(t)) {
                    problems.add("type '" + t + "' " + at(pointer) + " is no longer allowed");
                }
            });
        }
        Set<String> wasRequired = strings(base.path("required"));
        strings(now.path("required")).forEach(name -> {
            if (!wasRequired.contains(name)) {
                problems.add("property '" + name + "' " + at(pointer) + " became required");
            }
        });
        JsonNode additional = now.get("additionalProperties");
        JsonNode baseAdditional = base.get("additionalProperties");
        if (additional != null && additional.isBoolean() && !additional.asBoolean()
                && (baseAdditional == null || !baseAdditional.isBoolean() || baseAdditional.asBoolean())) {
            problems.add("additionalProperties " + at(pointer) + " became false");
        }
        for (String bound : UPPER_BOUNDS) {
            if (now.has(bound) && (!base.has(bound) || now.get(bound).asDouble() < base.get(bound).asDouble())) {
                problems.add(bound + " " + at(pointer) + " tightened to " + now.get(bound));
            }
        }
        for (String bound : LOWER_BOUNDS) {
            if (now.has(bound) && (!base.has(bound) || now.get(bound).asDouble() > base.get(bound).asDouble())) {
                problems.add(bound + " " + at(pointer) + " tightened to " + now.get(bound));
            }
        }
        for (String keyword : FIXED) {
            if (now.has(keyword) && !now.get(keyword).equals(base.get(keyword))) {
                problems.add(keyword + " " + at(pointer) + " changed to " + now.get(keyword));
            }
        }
    }

    private static Set<String> strings(JsonNode node) {
        Set<String> values = new HashSet<>();
        if (node.isTextual()) {
            values.add(node.asText());
        } else if (node.isArray()) {
            node.forEach(v -> values.add(v.asText()));
        }
        return values;
    }

    private static String at(String pointer) {
        return "at '" + (pointer.isEmpty() ? "/" : pointer) + "'";
    }
}
