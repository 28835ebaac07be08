package com.pbiexport.worker.intake;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.contracts.CloudEventHeaders;
import com.pbiexport.contracts.DeadLetterReason;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.contracts.RequestValidator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads an export request from a Kafka record: plain JSON, a CloudEvent in binary mode ({@code ce_*} headers,
 * the value is the data) or in structured mode ({@code application/cloudevents+json}). Strict about fields:
 * one the contract does not name is answered {@code INVALID_REQUEST} (see {@link RequestValidator#unknownFields});
 * Never throws: every input ends in one {@link ParseResult}; what cannot
 * be answered is dead-lettered with a {@link DeadLetterReason} (the contract's stable list).
 */
public final class RequestParser {
    /** Larger values are refused before parsing (Kafka's default max message is 1 MiB). */
    public static final int MAX_VALUE_BYTES = 1024 * 1024;
    /** Far deeper than any real request (about 6 levels); deeper input is refused as malformed. */
    static final int MAX_NESTING_DEPTH = 64;
    static final int MAX_REQUEST_ID_LENGTH = RequestValidator.MAX_REQUEST_ID_LENGTH;
    static final String TRACEPARENT = "traceparent";

    private final EventCodec codec;
    private final ObjectMapper guarded;
    private final Consumer<ParseResult> listener;

    public RequestParser(EventCodec codec) {
        this(codec, result -> { });
    }

    /**
     * The same, telling {@code listener} every result on the calling thread (the dead-letter breaker learns from
     * it which records the router dead-letters: exactly the {@link ParseResult.Unparseable} ones).
     */
    public RequestParser(EventCodec codec, Consumer<ParseResult> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.codec = codec;
        this.guarded = codec.mapper().copy();
        // hostile input: bound nesting (no deep recursion, no stack overflow) and number sizes (no costly
        // BigDecimal/BigInteger work). Strings are bounded by the value's size, refused before parsing: a lower
        // string limit would only turn an answerable request (one long attribute) into a dead letter.
        this.guarded.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH).maxStringLength(MAX_VALUE_BYTES).maxNumberLength(64).build());
        // one record is one request: a second value after it, or a key given twice, means two readers (a schema
        // validator, a log viewer, this worker) could disagree about what was asked (e.g. which requestId)
        this.guarded.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.guarded.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    public ParseResult parse(byte[] value, Map<String, byte[]> headers) {
        ParseResult result;
        try {
            result = read(value, headers == null ? Map.of() : headers);
        } catch (RuntimeException e) {
            // a bug here must not become a poison pill that stalls the partition: the record is dead-lettered
            result = new ParseResult.Unparseable(DeadLetterReason.MALFORMED_JSON, "the value could not be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        listener.accept(result);
        return result;
    }

    private ParseResult read(byte[] value, Map<String, byte[]> headers) {
        Optional<String> traceparent = Optional.ofNullable(CloudEventHeaders.text(headers, TRACEPARENT));
        if (value == null || value.length == 0) {
            return new ParseResult.Unparseable(DeadLetterReason.EMPTY_VALUE, "the record has no value");
        }
        if (value.length > MAX_VALUE_BYTES) {
            return new ParseResult.Unparseable(DeadLetterReason.TOO_LARGE, "the value has " + value.length + " bytes; at most "
                    + MAX_VALUE_BYTES + " are accepted");
        }
        String specVersion = CloudEventHeaders.text(headers, CloudEventHeaders.SPECVERSION);
        String ceType = CloudEventHeaders.text(headers, CloudEventHeaders.TYPE);
        if (specVersion != null && !CloudEventHeaders.SPEC_VERSION.equals(specVersion)) {
            return new ParseResult.Unparseable(DeadLetterReason.UNSUPPORTED_CLOUDEVENTS_VERSION,
                    "ce_specversion is '" + printable(specVersion) + "'; only 1.0 is supported");
        }
        if (ceType != null && !CloudEventHeaders.TYPE_REQUESTED.equals(ceType)) {
            return new ParseResult.Unparseable(DeadLetterReason.UNEXPECTED_EVENT_TYPE,
                    "ce_type is '" + printable(ceType) + "'; expected " + CloudEventHeaders.TYPE_REQUESTED);
        }
        JsonNode tree;
        try {
            tree = guarded.readTree(value);
        } catch (IOException e) {
            return new ParseResult.Unparseable(DeadLetterReason.MALFORMED_JSON, "the value is not valid JSON: " + shortMessage(e));
        }
        if (tree == null || tree.isMissingNode()) {
            return new ParseResult.Unparseable(DeadLetterReason.MALFORMED_JSON, "the value holds no JSON (only white space)");
        }
        if (!tree.isObject()) {
            return new ParseResult.Unparseable(DeadLetterReason.NOT_AN_OBJECT, "the value is JSON but not an object");
        }
        String contentType = CloudEventHeaders.text(headers, CloudEventHeaders.CONTENT_TYPE);
        if (CloudEventHeaders.isStructuredContentType(contentType) || (specVersion == null && tree.has("specversion"))) {
            JsonNode spec = tree.get("specversion");
            if (spec == null || !CloudEventHeaders.SPEC_VERSION.equals(spec.asText())) {
                return new ParseResult.Unparseable(DeadLetterReason.UNSUPPORTED_CLOUDEVENTS_VERSION,
                        "structured CloudEvent without specversion 1.0");
            }
            JsonNode type = tree.get("type");
            if (type != null && !CloudEventHeaders.TYPE_REQUESTED.equals(type.asText())) {
                return new ParseResult.Unparseable(DeadLetterReason.UNEXPECTED_EVENT_TYPE,
                        "structured CloudEvent of type '" + printable(type.asText()) + "'; expected "
                                + CloudEventHeaders.TYPE_REQUESTED);
            }
            JsonNode tp = tree.get(TRACEPARENT); // the tracing extension is an envelope attribute, not data
            tree = tree.get("data");
            if (tree == null || !tree.isObject()) {
                return new ParseResult.Unparseable(DeadLetterReason.NOT_AN_OBJECT, "the CloudEvent's data is not a JSON object");
            }
            traceparent = traceparent.or(() -> Optional.ofNullable(tp).map(JsonNode::asText));
        }
        JsonNode id = tree.get("requestId");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            return new ParseResult.Unparseable(DeadLetterReason.MISSING_REQUEST_ID,
                    "requestId is missing or not a non-empty string; without it no outcome can be keyed");
        }
        if (id.asText().length() > MAX_REQUEST_ID_LENGTH) {
            // an answer keyed by it could not be valid against the published schema either
            return new ParseResult.Unparseable(DeadLetterReason.REQUEST_ID_TOO_LONG, "requestId has " + id.asText().length()
                    + " characters; at most " + MAX_REQUEST_ID_LENGTH + " are allowed");
        }
        Optional<String> wrongType = RequestValidator.wrongType(tree); // binding would coerce 42 to "42"
        if (wrongType.isPresent()) {
            return new ParseResult.Malformed(id.asText(), printable(wrongType.get()), traceparent);
        }
        Optional<String> unknown = RequestValidator.unknownFields(tree); // binding would drop them unnoticed
        if (unknown.isPresent()) {
            return new ParseResult.Malformed(id.asText(), unknown.get(), traceparent);
        }
        try {
            return new ParseResult.Parsed(codec.convert(tree, ExportRequested.class), traceparent);
        } catch (RuntimeException e) {
            return new ParseResult.Malformed(id.asText(), wrongTypeMessage(e), traceparent);
        }
    }

    /** Names the offending field ({@code workspaceId has the wrong type: ...}) from Jackson's path. */
    static String wrongTypeMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonMappingException m && !m.getPath().isEmpty()) {
                String field = m.getPath().stream()
                        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                        .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("a field");
                return printable(field) + " has the wrong type: " + shortMessage(m);
            }
        }
        return "a field has the wrong type: " + shortMessage(e instanceof Exception x ? x : new RuntimeException(e));
    }

    private static String shortMessage(Exception e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        m = printable(m);
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }

    /** Keeps log and header text on one line and short: hostile input may hold control characters. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
        s.codePoints().limit(200).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }

    static String utf8(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
