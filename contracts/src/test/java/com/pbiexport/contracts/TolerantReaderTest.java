package com.pbiexport.contracts;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Readers survive what newer or sloppy producers send; writers omit what is absent. */
class TolerantReaderTest {

    private final EventCodec codec = EventCodec.shared();

    @Test
    void ignoresUnknownFieldsEverywhere() {
        ExportRequested request = codec.read(bytes("""
                {"requestId":"r1","tenant":"contoso","workspaceId":"f089354e-8366-4e18-aea3-4cb4a3a50b48",
                 "reportId":"cfafbeb1-8037-4d0c-896e-a46fb27ff229","format":"PDF",
                 "priority":"high","output":{"fileName":"a.pdf","retentionDays":7},"nested":{"x":[1,2]}}
                """), ExportRequested.class);

        assertThat(request.requestId()).isEqualTo("r1");
        assertThat(request.output()).isEqualTo(new OutputSpec("a.pdf", null));
    }

    @Test
    void keepsUnknownFieldsInsidePowerBiConfigurations() {
        ExportRequested request = codec.read(bytes("""
                {"requestId":"r1","format":"PDF",
                 "powerBIReportConfiguration":{"pages":[{"pageName":"P1","futureOption":{"a":1}}],"newTopLevel":true}}
                """), ExportRequested.class);

        assertThat(request.powerBIReportConfiguration().at("/pages/0/futureOption/a").asInt()).isEqualTo(1);
        assertThat(request.powerBIReportConfiguration().get("newTopLevel").asBoolean()).isTrue();
    }

    @Test
    void mapsARequestWithInvalidIdsAndUnknownFormatSoTheWorkerCanAnswerIt() {
        ExportRequested request = codec.read(bytes("""
                {"requestId":"r2","tenant":"no such tenant","workspaceId":"not-a-uuid","format":"PDFX"}
                """), ExportRequested.class);

        assertThat(request.workspaceId()).isEqualTo("not-a-uuid");
        assertThat(request.reportId()).isNull();
        assertThat(request.format()).isEqualTo("PDFX");
        assertThat(request.knownFormat()).isEmpty();
    }

    @Test
    void attributesAreNeverNullAndEmptyOnesAreNotWritten() {
        ExportRequested request = codec.read(bytes("{\"requestId\":\"r3\",\"attributes\":null}"),
                ExportRequested.class);

        assertThat(request.attributes()).isEmpty();
        assertThat(codec.writeString(request)).isEqualTo("{\"requestId\":\"r3\"}");
    }

    @Test
    void dropsNullAttributeValues() {
        ExportRequested request = codec.read(bytes("{\"requestId\":\"r4\",\"attributes\":{\"a\":\"1\",\"b\":null}}"),
                ExportRequested.class);

        assertThat(request.attributes()).containsExactly(java.util.Map.entry("a", "1"));
    }

    @Test
    void readsAnUnknownErrorCategoryAsUnknown() {
        ExportFailed failed = codec.read(bytes("""
                {"requestId":"r5","error":{"code":"NEW_THING","category":"quantum","retryable":true,
                 "message":"m","remediation":"r","newDetail":1},"attempts":0,"failedAt":"2024-05-01T10:00:00Z"}
                """), ExportFailed.class);

        assertThat(failed.error().category()).isEqualTo(ErrorCategory.UNKNOWN);
        assertThat(failed.error().retryable()).isTrue();
        assertThat(failed.failedAt()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    }

    @Test
    void writesCategoriesAsTheirLowerCaseWireValues() {
        ExportError error = ExportError.of("PBI_REPORT_NOT_FOUND", ErrorCategory.NOT_FOUND, false, "m", "r");

        assertThat(codec.toTree(error).get("category").asText()).isEqualTo("not_found");
        assertThat(ErrorCategory.fromWire("invalid_request")).isEqualTo(ErrorCategory.INVALID_REQUEST);
    }

    @Test
    void writesInstantsAsIsoTextNotNumbers() {
        ExportFailed failed = ExportFailed.ofRequestId("r6",
                ExportError.of("REQUEST_INVALID", ErrorCategory.INVALID_REQUEST, false, "m", "r"),
                Instant.parse("2024-05-01T10:15:30.123Z"));

        assertThat(codec.toTree(failed).get("failedAt").asText()).isEqualTo("2024-05-01T10:15:30.123Z");
    }

    @Test
    void rejectsBytesThatAreNotJsonWithoutEchoingThem() {
        assertThatThrownBy(() -> codec.readTree(bytes("secret-token-value")))
                .isInstanceOf(EventCodecException.class)
                .hasMessageStartingWith("cannot read JSON: ");
        assertThatThrownBy(() -> codec.readTree(bytes("[1,2]")))
                .isInstanceOf(EventCodecException.class)
                .hasMessage("cannot read JSON: expected an object, got array");
        assertThatThrownBy(() -> codec.readTree(null))
                .isInstanceOf(EventCodecException.class)
                .hasMessage("cannot read JSON: no bytes (null value)");
    }

    @Test
    void failsToConvertAMalformedDeadlineButTheTreeStillHasTheRequestId() {
        var tree = codec.readTree(bytes("{\"requestId\":\"r7\",\"notAfter\":\"tomorrow\"}"));

        assertThatThrownBy(() -> codec.convert(tree, ExportRequested.class))
                .isInstanceOf(EventCodecException.class)
                .hasMessageStartingWith("cannot read ExportRequested: ");
        assertThat(tree.path("requestId").asText()).isEqualTo("r7");
    }

    @Test
    void remediationIsKeptOnOneLine() {
        ExportError error = ExportError.of("X", ErrorCategory.AUTH, false, "m", "first line\r\nsecond line\n");

        assertThat(error.remediation()).isEqualTo("first line second line");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
