package com.pbiexport.worker.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * A tolerant reader of Power BI JSON: property names match case-insensitively ({@code ResourceFileExtension} and
 * {@code resourceFileExtension}), missing or null fields are empty, numbers may arrive as strings, extra fields are
 * ignored.
 */
final class TolerantJson {
    private TolerantJson() {
    }

    static Optional<JsonNode> field(JsonNode object, String name) {
        if (object == null || !object.isObject()) {
            return Optional.empty();
        }
        JsonNode exact = object.get(name);
        if (exact != null && !exact.isNull()) {
            return Optional.of(exact);
        }
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isNull()) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    static Optional<String> text(JsonNode object, String name) {
        return field(object, name).filter(JsonNode::isValueNode).map(JsonNode::asText).filter(s -> !s.isBlank());
    }

    static Optional<Integer> integer(JsonNode object, String name) {
        return field(object, name).flatMap(n -> {
            if (n.isNumber()) {
                return Optional.of(n.asInt());
            }
            try {
                return Optional.of((int) Double.parseDouble(n.asText().trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    static Optional<Boolean> bool(JsonNode object, String name) {
        return field(object, name).flatMap(n -> {
            if (n.isBoolean()) {
                return Optional.of(n.asBoolean());
            }
            String t = n.asText().trim();
            return t.equalsIgnoreCase("true") ? Optional.of(true)
                    : t.equalsIgnoreCase("false") ? Optional.of(false) : Optional.empty();
        });
    }

    /** ISO-8601 with or without offset (none means UTC, as Power BI's timestamps are); unparsable is empty. */
    static Optional<Instant> instant(JsonNode object, String name) {
        return text(object, name).flatMap(t -> {
            try {
                return Optional.of(OffsetDateTime.parse(t).toInstant());
            } catch (DateTimeParseException withoutOffset) {
                try {
                    return Optional.of(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC));
                } catch (DateTimeParseException garbage) {
                    return Optional.empty();
                }
            }
        });
    }
}
