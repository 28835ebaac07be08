package com.pbiexport.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;

/**
 * Reads and writes the events as UTF-8 JSON: ISO-8601 instants ({@code 2024-05-01T10:15:30.123Z}), nulls
 * omitted, unknown properties ignored. Thread-safe; share one instance.
 *
 * <p>Suggested intake: {@link #readTree(byte[])} (failure: not JSON, dead-letter it), then
 * {@link #convert(JsonNode, Class)} (failure: JSON of the wrong shape, e.g. a malformed {@code notAfter};
 * answer with {@link ExportFailed#ofRequestId} when the tree has a {@code requestId}).
 */
public final class EventCodec {

    private static final EventCodec SHARED = new EventCodec();

    private final ObjectMapper mapper;

    public EventCodec() {
        this.mapper = newObjectMapper();
    }

    /** A shared instance. */
    public static EventCodec shared() {
        return SHARED;
    }

    /** A new mapper configured like the codec's, for callers that need their own (it is theirs to change). */
    public static ObjectMapper newObjectMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
    }

    /** The codec's mapper. Do not reconfigure it: it is shared. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** The event (or any Jackson-writable object) as UTF-8 JSON. */
    public byte[] write(Object event) {
        try {
            return mapper.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new EventCodecException("cannot write " + (event == null ? "null" : event.getClass().getSimpleName())
                    + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The event as a JSON string (for logs of outcome events, CLIs and tests). */
    public String writeString(Object event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new EventCodecException("cannot write " + (event == null ? "null" : event.getClass().getSimpleName())
                    + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** UTF-8 JSON bytes as {@code type}. */
    public <T> T read(byte[] json, Class<T> type) {
        if (json == null) {
            throw new EventCodecException("cannot read " + type.getSimpleName() + ": no bytes (null value)", null);
        }
        try {
            T value = mapper.readValue(json, type);
            if (value == null) {
                throw new EventCodecException("cannot read " + type.getSimpleName() + ": the JSON is null", null);
            }
            return value;
        } catch (IOException e) {
            throw new EventCodecException("cannot read " + type.getSimpleName() + ": " + describe(e), e);
        }
    }

    /** UTF-8 JSON bytes as a tree; fails on anything that is not a JSON object. */
    public JsonNode readTree(byte[] json) {
        if (json == null) {
            throw new EventCodecException("cannot read JSON: no bytes (null value)", null);
        }
        try {
            JsonNode tree = mapper.readTree(json);
            if (tree == null || !tree.isObject()) {
                throw new EventCodecException("cannot read JSON: expected an object, got "
                        + (tree == null || tree.isMissingNode() ? "nothing" : tree.getNodeType().name().toLowerCase()), null);
            }
            return tree;
        } catch (IOException e) {
            throw new EventCodecException("cannot read JSON: " + describe(e), e);
        }
    }

    /** A tree (from {@link #readTree}) as {@code type}. */
    public <T> T convert(JsonNode tree, Class<T> type) {
        try {
            return mapper.treeToValue(tree, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new EventCodecException("cannot read " + type.getSimpleName() + ": " + describe(e), e);
        }
    }

    /** An event as a tree, e.g. to embed as {@code data} of a structured CloudEvent. */
    public JsonNode toTree(Object event) {
        return mapper.valueToTree(event);
    }

    // Jackson's original message without the source excerpt: the payload may hold secrets (identityBlob).
    private static String describe(Exception e) {
        if (e instanceof JsonProcessingException jpe) {
            String location = jpe.getLocation() == null ? ""
                    : " (line " + jpe.getLocation().getLineNr() + ", column " + jpe.getLocation().getColumnNr() + ")";
            return jpe.getOriginalMessage() + location;
        }
        return e.getMessage();
    }
}
