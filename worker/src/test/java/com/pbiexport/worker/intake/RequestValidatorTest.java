package com.pbiexport.worker.intake;

import com.pbiexport.contracts.RequestValidator;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.contracts.OutputSpec;
import com.pbiexport.contracts.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RequestValidatorTest {
    private static final String WORKSPACE = "3d5e0000-0000-4000-a000-000000000001";
    private static final String REPORT = "7e000000-0000-4000-a000-000000000001";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final RequestValidator validator = RequestValidator.forWorker(Set.of("fabrikam", "contoso"), Set.of("files", "blob"));

    private static ExportRequested.Builder valid(ExportFormat format) {
        return ExportRequested.builder("r-1", "contoso", WORKSPACE, REPORT, format);
    }

    /** The same request with one field replaced (the builder takes only known formats). */
    private static ExportRequested withFormat(String format) {
        ExportRequested r = valid(ExportFormat.PDF).build();
        return new ExportRequested(r.requestId(), r.tenant(), r.workspaceId(), r.reportId(), format, null, null,
                null, null, null, Map.of());
    }

    private List<ErrorCode> codes(ExportRequested r) {
        return validator.validate(r).stream().map(RequestValidator.Violation::code).toList();
    }

    private static ObjectNode pages(int n) {
        ObjectNode cfg = JSON.objectNode();
        for (int i = 0; i < n; i++) {
            cfg.withArray("pages").addObject().put("pageName", "ReportSection" + i);
        }
        return cfg;
    }

    @Test
    void acceptsAValidRequest() {
        ExportRequested r = valid(ExportFormat.PDF).powerBIReportConfiguration(pages(2))
                .output(new OutputSpec("sales.pdf", "blob")).profileId("9f0f11e0-0000-4000-a000-000000000001")
                .attributes(Map.of("batch", "nightly")).build();

        assertThat(validator.validate(r)).isEmpty();
    }

    @Test
    void namesAnUnknownTenantAndTheConfiguredOnes() {
        ExportRequested r = ExportRequested.builder("r-1", "wingtip", WORKSPACE, REPORT, ExportFormat.PDF).build();

        assertThat(validator.validate(r)).containsExactly(new RequestValidator.Violation(ErrorCode.INVALID_UNKNOWN_TENANT,
                "tenant 'wingtip' is not a configured tenant alias (configured: contoso, fabrikam)"));
    }

    @Test
    void rejectsAMissingTenant() {
        ExportRequested r = ExportRequested.builder("r-1", null, WORKSPACE, REPORT, ExportFormat.PDF).build();

        assertThat(validator.validate(r).get(0).message()).startsWith("tenant 'null' is not a configured tenant alias");
    }

    @Test
    void rejectsIdsThatAreNotGuids() {
        ExportRequested r = ExportRequested.builder("r-1", "contoso", "sales", null, ExportFormat.PDF)
                .profileId("not-a-guid").build();

        assertThat(validator.validate(r)).containsExactly(
                new RequestValidator.Violation(ErrorCode.INVALID_GUID, "workspaceId 'sales' is not a GUID"),
                new RequestValidator.Violation(ErrorCode.INVALID_GUID, "reportId is required (a GUID)"),
                new RequestValidator.Violation(ErrorCode.INVALID_GUID, "profileId 'not-a-guid' is not a GUID"));
    }

    @Test
    void rejectsAnUnknownOrLowerCaseFormat() {
        assertThat(codes(withFormat("pdf"))).containsExactly(ErrorCode.INVALID_FORMAT);
        assertThat(codes(withFormat("GIF"))).containsExactly(ErrorCode.INVALID_FORMAT);
        assertThat(validator.validate(withFormat(null)).get(0).message()).startsWith("format 'null' is not one of PDF");
    }

    @Test
    void rejectsAPaginatedFormatForAPowerBiReportConfiguration() {
        ExportRequested r = valid(ExportFormat.XLSX).powerBIReportConfiguration(pages(1)).build();

        assertThat(validator.validate(r)).containsExactly(new RequestValidator.Violation(
                ErrorCode.INVALID_FORMAT_FOR_REPORT_TYPE,
                "format XLSX is for paginated reports only, but powerBIReportConfiguration was given"));
    }

    @Test
    void rejectsPngForAPaginatedReportConfiguration() {
        ObjectNode params = JSON.objectNode();
        params.withArray("parameterValues").addObject().put("name", "State").put("value", "WA");
        ExportRequested r = valid(ExportFormat.PNG).paginatedReportConfiguration(params).build();

        assertThat(validator.validate(r)).containsExactly(new RequestValidator.Violation(
                ErrorCode.INVALID_FORMAT_FOR_REPORT_TYPE,
                "format PNG is for Power BI reports only, but paginatedReportConfiguration was given"));
    }

    @Test
    void rejectsBothConfigurationsAtOnce() {
        ExportRequested r = valid(ExportFormat.PDF).powerBIReportConfiguration(pages(1))
                .paginatedReportConfiguration(JSON.objectNode()).build();

        assertThat(codes(r)).containsExactly(ErrorCode.INVALID_CONFIGURATION);
    }

    @Test
    void rejectsABookmarkWithBothNameAndState() {
        ObjectNode cfg = pages(1);
        cfg.putObject("defaultBookmark").put("name", "b").put("state", "s");

        assertThat(validator.validate(valid(ExportFormat.PDF).powerBIReportConfiguration(cfg).build()))
                .containsExactly(new RequestValidator.Violation(ErrorCode.INVALID_CONFIGURATION,
                        "powerBIReportConfiguration.defaultBookmark takes name or state, not both"));
    }

    @Test
    void rejectsMoreThanFiftyPagesBeforeAskingPowerBi() {
        assertThat(codes(valid(ExportFormat.PDF).powerBIReportConfiguration(pages(50)).build())).isEmpty();
        assertThat(validator.validate(valid(ExportFormat.PDF).powerBIReportConfiguration(pages(51)).build()))
                .containsExactly(new RequestValidator.Violation(ErrorCode.PBI_TOO_MANY_PAGES,
                        "powerBIReportConfiguration.pages has 51 entries; Power BI exports at most 50 per request"));
    }

    @Test
    void rejectsALongFileNameOrOneWithControlCharacters() {
        assertThat(codes(valid(ExportFormat.PDF).output(OutputSpec.fileName("a".repeat(200))).build())).isEmpty();
        assertThat(codes(valid(ExportFormat.PDF).output(OutputSpec.fileName("a".repeat(201))).build()))
                .containsExactly(ErrorCode.INVALID_FILE_NAME);
        assertThat(codes(valid(ExportFormat.PDF).output(OutputSpec.fileName("sales\r\n.pdf")).build()))
                .containsExactly(ErrorCode.INVALID_FILE_NAME);
        assertThat(codes(valid(ExportFormat.PDF).output(OutputSpec.fileName("")).build()))
                .as("the schema asks for at least one character").containsExactly(ErrorCode.INVALID_FILE_NAME);
    }

    @Test
    void namesAnUnknownSinkAndTheConfiguredOnes() {
        ExportRequested r = valid(ExportFormat.PDF).output(new OutputSpec(null, "s3")).build();

        assertThat(validator.validate(r)).containsExactly(new RequestValidator.Violation(ErrorCode.INVALID_REQUEST,
                "output.sink 's3' is not a configured sink (configured: blob, files)"));
    }

    @Test
    void rejectsTooManyOrTooLongAttributes() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 51; i++) {
            many.put("k" + i, "v");
        }
        assertThat(validator.validate(valid(ExportFormat.PDF).attributes(many).build())).containsExactly(
                new RequestValidator.Violation(ErrorCode.INVALID_ATTRIBUTES,
                        "attributes has 51 entries; at most 50 are allowed"));
        assertThat(codes(valid(ExportFormat.PDF).attributes(Map.of("k", "v".repeat(1025))).build()))
                .containsExactly(ErrorCode.INVALID_ATTRIBUTES);
        assertThat(codes(valid(ExportFormat.PDF).attributes(Map.of("k".repeat(257), "v")).build()))
                .containsExactly(ErrorCode.INVALID_ATTRIBUTES);
    }

    @Test
    void rejectsALongRequestIdOrOneWithControlCharacters() {
        assertThat(codes(ExportRequested.builder("r".repeat(201), "contoso", WORKSPACE, REPORT, ExportFormat.PDF).build()))
                .containsExactly(ErrorCode.INVALID_REQUEST);
        assertThat(validator.validate(ExportRequested.builder("r\u0007", "contoso", WORKSPACE, REPORT, ExportFormat.PDF)
                .build())).containsExactly(new RequestValidator.Violation(ErrorCode.INVALID_REQUEST,
                "requestId must be 1-200 printable characters"));
    }

    @Test
    void listsEveryProblemInOrderSoTheFirstDecidesTheCode() {
        ExportRequested r = new ExportRequested("r-1", "wingtip", "x", REPORT, "pdf", null, null, null,
                new OutputSpec(null, "s3"), null, Map.of());

        assertThat(codes(r)).containsExactly(ErrorCode.INVALID_UNKNOWN_TENANT, ErrorCode.INVALID_GUID,
                ErrorCode.INVALID_FORMAT, ErrorCode.INVALID_REQUEST);
    }

    @Test
    void buildsThePowerBiBodyFromFormatAndConfiguration() {
        ObjectNode cfg = pages(2);
        ExportRequested r = valid(ExportFormat.PNG).powerBIReportConfiguration(cfg).build();

        ObjectNode body = r.exportToBody();

        assertThat(body.get("format").asText()).isEqualTo("PNG");
        assertThat(body.get("powerBIReportConfiguration")).isEqualTo(cfg);
        assertThat(body.has("paginatedReportConfiguration")).isFalse();
        ((ObjectNode) body.get("powerBIReportConfiguration")).put("changed", true);
        assertThat(cfg.has("changed")).as("the body is a copy: the request stays as received").isFalse();
    }

    @Test
    void buildsAPaginatedBodyWithoutAPowerBiConfiguration() {
        ObjectNode params = JSON.objectNode();
        params.withArray("parameterValues").addObject().put("name", "City").put("value", "Seattle");

        ObjectNode body = valid(ExportFormat.XLSX).paginatedReportConfiguration(params).build().exportToBody();

        assertThat(body.toString()).isEqualTo(
                "{\"format\":\"XLSX\",\"paginatedReportConfiguration\":{\"parameterValues\":[{\"name\":\"City\",\"value\":\"Seattle\"}]}}");
    }
}
