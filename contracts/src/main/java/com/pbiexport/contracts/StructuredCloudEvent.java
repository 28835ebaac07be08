package com.pbiexport.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;

import java.util.Base64;
import java.util.Optional;

/**
 * A CloudEvent in structured mode: the whole record value is
 * {@code {"specversion":"1.0","type":...,"id":...,"source":...,"data":{...}}} with content type
 * {@code application/cloudevents+json}. Producers that cannot set Kafka headers use it; the worker accepts
 * it for requests.
 *
 * @param attributes the context attributes
 * @param data       the event itself (from {@code data}, or decoded from {@code data_base64})
 */
public record StructuredCloudEvent(CloudEventAttributes attributes, JsonNode data) {

    /**
     * Recognises a structured CloudEvent: an object with a textual {@code specversion}, a textual
     * {@code type} and an object {@code data} (or a {@code data_base64} holding a JSON object). The
     * record's content type is not required: producers often omit it, and a plain {@code ExportRequested}
     * never has {@code specversion}.
     *
     * @param value the record value already read as a tree (see {@link EventCodec#readTree})
     * @param codec used to parse {@code data_base64}
     * @return the event, or empty when {@code value} is not a structured CloudEvent
     */
    public static Optional<StructuredCloudEvent> from(JsonNode value, EventCodec codec) {
        if (value == null || !value.isObject()) {
            return Optional.empty();
        }
        JsonNode specVersion = value.get("specversion");
        JsonNode type = value.get("type");
        if (specVersion == null || !specVersion.isTextual() || type == null || !type.isTextual()) {
            return Optional.empty();
        }
        JsonNode data = value.get("data");
        if (data == null || data.getNodeType() != JsonNodeType.OBJECT) {
            data = decodeBase64(value.get("data_base64"), codec);
        }
        if (data == null) {
            return Optional.empty();
        }
        CloudEventAttributes attributes = new CloudEventAttributes(text(value, "id"), type.asText(),
                text(value, "source"), specVersion.asText(), CloudEventHeaders.instant(text(value, "time")),
                text(value, "subject"), text(value, "datacontenttype"));
        return Optional.of(new StructuredCloudEvent(attributes, data));
    }

    private static JsonNode decodeBase64(JsonNode base64, EventCodec codec) {
        if (base64 == null || !base64.isTextual()) {
            return null;
        }
        try {
            return codec.readTree(Base64.getDecoder().decode(base64.asText()));
        } catch (IllegalArgumentException | EventCodecException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
