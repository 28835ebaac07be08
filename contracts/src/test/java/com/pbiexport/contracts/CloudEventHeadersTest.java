package com.pbiexport.contracts;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CloudEventHeadersTest {

    private static final Instant T = Instant.parse("2024-05-01T10:15:30.123Z");

    private final ExportFailed failed = ExportFailed.ofRequestId("r-42",
            ExportError.of("REQUEST_INVALID", ErrorCategory.INVALID_REQUEST, false, "m", "r"), T);

    @Test
    void buildsBinaryModeHeadersForAnOutcome() {
        Map<String, byte[]> headers = CloudEventHeaders.forEvent("id-1", "/pbi-export-worker/w0", T, failed);

        assertThat(text(headers)).containsExactly(
                Map.entry("ce_id", "id-1"),
                Map.entry("ce_type", "com.pbiexport.export.failed.v1"),
                Map.entry("ce_source", "/pbi-export-worker/w0"),
                Map.entry("ce_specversion", "1.0"),
                Map.entry("ce_time", "2024-05-01T10:15:30.123Z"),
                Map.entry("ce_subject", "r-42"),
                Map.entry("content-type", "application/json"));
    }

    @Test
    void readsBackWhatItWrote() {
        Map<String, byte[]> headers = CloudEventHeaders.forEvent("id-2", "/w", T, failed);

        CloudEventAttributes attributes = CloudEventHeaders.read(headers).orElseThrow();

        assertThat(attributes).isEqualTo(new CloudEventAttributes("id-2", CloudEventHeaders.TYPE_FAILED, "/w", "1.0",
                T, "r-42", "application/json"));
        assertThat(attributes.eventType()).contains(EventType.FAILED);
    }

    @Test
    void completedAndRequestedGetTheirOwnTypes() {
        ExportRequested request = new EventCodec().read(
                "{\"requestId\":\"r\"}".getBytes(StandardCharsets.UTF_8), ExportRequested.class);

        assertThat(CloudEventHeaders.text(CloudEventHeaders.forEvent("i", "/s", T, request), "ce_type"))
                .isEqualTo("com.pbiexport.export.requested.v1");
        assertThat(EventType.COMPLETED.ceType()).isEqualTo(CloudEventHeaders.TYPE_COMPLETED);
    }

    @Test
    void plainJsonRecordsAreNotBinaryCloudEvents() {
        Map<String, byte[]> headers = new HashMap<>();
        headers.put("content-type", "application/json".getBytes(StandardCharsets.UTF_8));

        assertThat(CloudEventHeaders.read(headers)).isEmpty();
        assertThat(CloudEventHeaders.read(Map.of())).isEmpty();
        assertThat(CloudEventHeaders.read(null)).isEmpty();
    }

    @Test
    void anUnparsableTimeReadsAsNull() {
        Map<String, byte[]> headers = new HashMap<>(CloudEventHeaders.build("i", "t", "/s", null, null));
        headers.put("ce_time", "yesterday".getBytes(StandardCharsets.UTF_8));

        assertThat(CloudEventHeaders.read(headers).orElseThrow().time()).isNull();
    }

    @Test
    void optionalAttributesAreLeftOut() {
        assertThat(CloudEventHeaders.build("i", "t", "/s", null, null))
                .containsOnlyKeys("ce_id", "ce_type", "ce_source", "ce_specversion", "content-type");
    }

    @Test
    void refusesEmptyRequiredAttributes() {
        assertThatThrownBy(() -> CloudEventHeaders.build("", "t", "/s", T, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CloudEvents attribute id must not be empty");
        assertThatThrownBy(() -> CloudEventHeaders.build("i", "t", null, T, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("source");
    }

    @Test
    void recognisesStructuredContentTypeWithParameters() {
        assertThat(CloudEventHeaders.isStructuredContentType("application/cloudevents+json; charset=UTF-8")).isTrue();
        assertThat(CloudEventHeaders.isStructuredContentType("Application/CloudEvents+JSON")).isTrue();
        assertThat(CloudEventHeaders.isStructuredContentType("application/json")).isFalse();
        assertThat(CloudEventHeaders.isStructuredContentType(null)).isFalse();
    }

    private static Map<String, String> text(Map<String, byte[]> headers) {
        Map<String, String> text = new java.util.LinkedHashMap<>();
        headers.forEach((k, v) -> text.put(k, new String(v, StandardCharsets.UTF_8)));
        return text;
    }
}
