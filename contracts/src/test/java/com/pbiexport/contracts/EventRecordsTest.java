package com.pbiexport.contracts;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The factories echo the request; what they build validates against the schemas. */
class EventRecordsTest {

    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

    private final EventCodec codec = EventCodec.shared();

    private final ExportRequested request = ExportRequested.builder("r1", "contoso",
                    "f089354e-8366-4e18-aea3-4cb4a3a50b48", "cfafbeb1-8037-4d0c-896e-a46fb27ff229", ExportFormat.PDF)
            .powerBIReportConfiguration(pages("ReportSection1"))
            .output(OutputSpec.fileName("invoice.pdf"))
            .notAfter(T.plusSeconds(3600))
            .attributes(Map.of("customerId", "C-1"))
            .build();

    @Test
    void builtRequestValidates() {
        assertThat(ContractFiles.validate("ExportRequested", codec.toTree(request))).isEmpty();
        assertThat(request.knownFormat()).contains(ExportFormat.PDF);
    }

    @Test
    void completedEchoesIdsFormatAndAttributesAndValidates() {
        ExportCompleted completed = ExportCompleted.of(request,
                new StoredFile("file:///data/contoso/r1/invoice.pdf", 10, "a".repeat(64), "application/pdf",
                        "invoice.pdf"),
                "ZXhwb3J0", List.of("rid-1"), new Timings(1, 2, 3, 6), 1, T);

        assertThat(completed.requestId()).isEqualTo("r1");
        assertThat(completed.tenant()).isEqualTo("contoso");
        assertThat(completed.format()).isEqualTo("PDF");
        assertThat(completed.attributes()).containsEntry("customerId", "C-1");
        assertThat(ContractFiles.validate("ExportCompleted", codec.toTree(completed))).isEmpty();
    }

    @Test
    void failedEchoesTheRequestAndValidatesWithAllDetails() {
        ExportError error = ExportError.of("TOKEN_AUDIENCE_GRAPH", ErrorCategory.AUTH, false,
                        "The token's audience is Microsoft Graph.",
                        "Request scope https://analysis.windows.net/powerbi/api/.default")
                .withHttpStatus(403).withPowerBiErrorCode("TokenAudienceInvalid")
                .withPowerBiRequestId("rid-9").withAadsts(null);

        ExportFailed failed = ExportFailed.of(request, error, null, 1, T);

        assertThat(failed.reportId()).isEqualTo(request.reportId());
        assertThat(failed.error().httpStatus()).isEqualTo(403);
        assertThat(failed.error().powerBiRequestId()).isEqualTo("rid-9");
        assertThat(codec.toTree(failed).has("exportId")).isFalse();
        assertThat(ContractFiles.validate("ExportFailed", codec.toTree(failed))).isEmpty();
    }

    @Test
    void failedForARequestKnownOnlyByItsIdValidates() {
        ExportFailed failed = ExportFailed.ofRequestId("r2",
                ExportError.of("REQUEST_INVALID", ErrorCategory.INVALID_REQUEST, false, "format is missing",
                        "Set format to one of PDF, PPTX, PNG."), T);

        assertThat(failed.attempts()).isZero();
        assertThat(failed.attributes()).isEmpty();
        assertThat(ContractFiles.validate("ExportFailed", codec.toTree(failed))).isEmpty();
    }

    @Test
    void recordsCopyTheirCollections() {
        var attributes = new java.util.HashMap<>(Map.of("a", "1"));
        ExportFailed failed = new ExportFailed("r3", null, null, null, null, null, null, 0, T, attributes);
        attributes.put("b", "2");

        assertThat(failed.attributes()).containsOnlyKeys("a");
        assertThatThrownBy(() -> failed.attributes().put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void eventTypeKnowsEachRecordAndItsCloudEventsType() {
        assertThat(EventType.of(request)).isEqualTo(EventType.REQUESTED);
        assertThat(EventType.fromCeType("com.pbiexport.export.failed.v1")).contains(EventType.FAILED);
        assertThat(EventType.fromCeType("com.pbiexport.export.failed.v2")).isEmpty();
        assertThat(EventType.COMPLETED.schemaResource()).isEqualTo("/schemas/ExportCompleted.schema.json");
        assertThat(EventType.class.getResource(EventType.COMPLETED.schemaResource())).isNotNull();
        assertThatThrownBy(() -> EventType.of("x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not an export event: java.lang.String");
    }

    private static ObjectNode pages(String pageName) {
        ObjectNode configuration = JsonNodeFactory.instance.objectNode();
        configuration.putArray("pages").addObject().put("pageName", pageName);
        return configuration;
    }
}
