package com.pbiexport.contracts;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * CloudEvents 1.0 Kafka protocol binding, binary mode: the event's JSON is the record value and its context
 * attributes travel as {@code ce_*} headers (UTF-8). Plain {@code Map<String, byte[]>} so that this artifact
 * does not depend on kafka-clients: copy the map into {@code ProducerRecord.headers()} and back.
 */
public final class CloudEventHeaders {

    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String SPECVERSION = "ce_specversion";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    /** Binary mode: the data's media type. Structured mode: {@link #STRUCTURED_CONTENT_TYPE}. */
    public static final String CONTENT_TYPE = "content-type";

    public static final String SPEC_VERSION = "1.0";
    public static final String JSON_CONTENT_TYPE = "application/json";
    public static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json";

    public static final String TYPE_REQUESTED = "com.pbiexport.export.requested.v1";
    public static final String TYPE_COMPLETED = "com.pbiexport.export.completed.v1";
    public static final String TYPE_FAILED = "com.pbiexport.export.failed.v1";

    private CloudEventHeaders() {
    }

    /**
     * Headers for an event record ({@link ExportRequested}, {@link ExportCompleted} or {@link ExportFailed}):
     * its {@code ce_type}, the given id/source/time, {@code ce_subject} = the requestId when there is one,
     * spec version 1.0 and {@code content-type: application/json}.
     *
     * @param id     unique per event within {@code source} (a random UUID is fine)
     * @param source URI-reference naming the producer, e.g. {@code /pbi-export-worker/worker-0}
     * @param time   when the event happened
     * @param event  the event record
     */
    public static Map<String, byte[]> forEvent(String id, String source, Instant time, Object event) {
        EventType type = EventType.of(event);
        return build(id, type.ceType(), source, time, requestIdOf(event));
    }

    /**
     * Headers with explicit attributes. {@code time} and {@code subject} are optional (null: no header).
     */
    public static Map<String, byte[]> build(String id, String type, String source, Instant time, String subject) {
        requireText(id, "id");
        requireText(type, "type");
        requireText(source, "source");
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put(ID, utf8(id));
        headers.put(TYPE, utf8(type));
        headers.put(SOURCE, utf8(source));
        headers.put(SPECVERSION, utf8(SPEC_VERSION));
        if (time != null) {
            headers.put(TIME, utf8(time.toString()));
        }
        if (subject != null && !subject.isEmpty()) {
            headers.put(SUBJECT, utf8(subject));
        }
        headers.put(CONTENT_TYPE, utf8(JSON_CONTENT_TYPE));
        return headers;
    }

    /**
     * Reads binary-mode attributes back. Empty when the record is not a binary-mode CloudEvent (no
     * {@code ce_specversion} or no {@code ce_type}): then it is plain JSON or structured mode
     * (see {@link StructuredCloudEvent}). An unparsable {@code ce_time} reads as null: time is informative only.
     */
    public static Optional<CloudEventAttributes> read(Map<String, byte[]> headers) {
        if (headers == null) {
            return Optional.empty();
        }
        String specVersion = text(headers, SPECVERSION);
        String type = text(headers, TYPE);
        if (specVersion == null || type == null) {
            return Optional.empty();
        }
        return Optional.of(new CloudEventAttributes(text(headers, ID), type, text(headers, SOURCE), specVersion,
                instant(text(headers, TIME)), text(headers, SUBJECT), text(headers, CONTENT_TYPE)));
    }

    /** A header's value as UTF-8 text, or null when absent. */
    public static String text(Map<String, byte[]> headers, String name) {
        byte[] value = headers.get(name);
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** True when {@code contentType} names structured mode ({@code application/cloudevents+json}, parameters ignored). */
    public static boolean isStructuredContentType(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return mediaType.equalsIgnoreCase(STRUCTURED_CONTENT_TYPE);
    }

    static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String requestIdOf(Object event) {
        if (event instanceof ExportRequested r) {
            return r.requestId();
        }
        if (event instanceof ExportCompleted c) {
            return c.requestId();
        }
        if (event instanceof ExportFailed f) {
            return f.requestId();
        }
        return null;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isEmpty()) {
            throw new IllegalArgumentException("CloudEvents attribute " + name + " must not be empty");
        }
    }
}
