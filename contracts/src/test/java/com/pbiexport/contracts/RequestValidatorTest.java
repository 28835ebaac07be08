package com.pbiexport.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The schema is the source of truth: {@link RequestValidator#schemaRules()} gives the same verdict as
 * {@code ExportRequested.schema.json} on every example and on every invalid request below, and names the problem
 * with the worker's error code.
 */
class RequestValidatorTest {

    private static final EventCodec CODEC = EventCodec.shared();
    private static final String PDF = "/examples/ExportRequested.powerbi-pdf.json";
    private static final String XLSX = "/examples/ExportRequested.paginated-xlsx.json";

    static Stream<Arguments> invalidRequests() {
        return Stream.of(
                invalid("requestId missing", PDF, ErrorCode.INVALID_REQUEST, r -> r.remove("requestId")),
                invalid("requestId empty", PDF, ErrorCode.INVALID_REQUEST, r -> r.put("requestId", "")),
                invalid("requestId 201 characters", PDF, ErrorCode.INVALID_REQUEST,
                        r -> r.put("requestId", "x".repeat(201))),
                invalid("tenant missing", PDF, ErrorCode.INVALID_UNKNOWN_TENANT, r -> r.remove("tenant")),
                invalid("tenant not an alias", PDF, ErrorCode.INVALID_UNKNOWN_TENANT, r -> r.put("tenant", "contoso prod")),
                invalid("tenant a number", PDF, null, r -> r.put("tenant", 42)),
                invalid("workspaceId not a UUID", PDF, ErrorCode.INVALID_GUID, r -> r.put("workspaceId", "not-a-uuid")),
                invalid("reportId missing", PDF, ErrorCode.INVALID_GUID, r -> r.remove("reportId")),
                invalid("profileId not a UUID", PDF, ErrorCode.INVALID_GUID, r -> r.put("profileId", "p1")),
                invalid("profileId null", PDF, null, r -> r.putNull("profileId")),
                invalid("workspaceId a number", PDF, ErrorCode.INVALID_GUID, r -> r.put("workspaceId", 42)),
                invalid("format a number", PDF, ErrorCode.INVALID_FORMAT, r -> r.put("format", 1)),
                invalid("format lower case", PDF, ErrorCode.INVALID_FORMAT, r -> r.put("format", "pdf")),
                invalid("format missing", PDF, ErrorCode.INVALID_FORMAT, r -> r.remove("format")),
                invalid("both configurations", PDF, ErrorCode.INVALID_CONFIGURATION,
                        r -> r.putObject("paginatedReportConfiguration")),
                invalid("XLSX of a Power BI report", PDF, ErrorCode.INVALID_FORMAT_FOR_REPORT_TYPE,
                        r -> r.put("format", "XLSX")),
                invalid("PNG of a paginated report", XLSX, ErrorCode.INVALID_FORMAT_FOR_REPORT_TYPE,
                        r -> r.put("format", "PNG")),
                invalid("default bookmark by name and state", PDF, ErrorCode.INVALID_CONFIGURATION,
                        r -> ((ObjectNode) r.at("/powerBIReportConfiguration/defaultBookmark")).put("state", "H4sI")),
                invalid("page bookmark by name and state", PDF, ErrorCode.INVALID_CONFIGURATION,
                        r -> ((ObjectNode) r.at("/powerBIReportConfiguration/pages/1/bookmark")).put("state", "H4sI")),
                invalid("page without pageName", PDF, ErrorCode.INVALID_CONFIGURATION,
                        r -> ((ObjectNode) r.at("/powerBIReportConfiguration/pages/0")).remove("pageName")),
                invalid("identity without username", PDF, ErrorCode.INVALID_CONFIGURATION,
                        r -> ((ObjectNode) r.at("/powerBIReportConfiguration/identities/0")).remove("username")),
                invalid("includeHiddenPages not a boolean", PDF, ErrorCode.INVALID_CONFIGURATION,
                        r -> ((ObjectNode) r.at("/powerBIReportConfiguration/settings")).put("includeHiddenPages", "yes")),
                invalid("filter not an object", PDF, ErrorCode.INVALID_CONFIGURATION,
                        r -> ((ObjectNode) r.get("powerBIReportConfiguration")).putArray("reportLevelFilters").add("x")),
                invalid("format setting a number", XLSX, ErrorCode.INVALID_CONFIGURATION,
                        r -> ((ObjectNode) r.at("/paginatedReportConfiguration/formatSettings")).put("StartPage", 1)),
                invalid("parameter not an object", XLSX, ErrorCode.INVALID_CONFIGURATION,
                        r -> ((ObjectNode) r.get("paginatedReportConfiguration")).putArray("parameterValues").add("x")),
                invalid("fileName empty", PDF, ErrorCode.INVALID_FILE_NAME, r -> r.putObject("output").put("fileName", "")),
                invalid("fileName 201 characters", PDF, ErrorCode.INVALID_FILE_NAME,
                        r -> r.putObject("output").put("fileName", "f".repeat(201))),
                invalid("sink not an alias", PDF, ErrorCode.INVALID_REQUEST,
                        r -> r.putObject("output").put("sink", "blob/reports")),
                invalid("51 attributes", PDF, ErrorCode.INVALID_ATTRIBUTES, r -> {
                    ObjectNode a = r.putObject("attributes");
                    for (int i = 0; i < 51; i++) {
                        a.put("k" + i, "v");
                    }
                }),
                invalid("attribute value 1025 characters", PDF, ErrorCode.INVALID_ATTRIBUTES,
                        r -> r.putObject("attributes").put("k", "v".repeat(1025))),
                invalid("attribute key empty", PDF, ErrorCode.INVALID_ATTRIBUTES, r -> r.putObject("attributes").put("", "v")),
                invalid("attribute value null", PDF, null, r -> r.putObject("attributes").putNull("k")),
                invalid("attribute value a number", PDF, null, r -> r.putObject("attributes").put("k", 5)),
                invalid("notAfter not a date-time", PDF, null, r -> r.put("notAfter", "tomorrow")));
    }

    private static Arguments invalid(String name, String example, ErrorCode code, Consumer<ObjectNode> breakIt) {
        ObjectNode tree = ContractFiles.readTree(example).deepCopy();
        breakIt.accept(tree);
        return arguments(name, tree, code);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRequests")
    void schemaAndValidatorBothRefuseWithTheWorkersCode(String name, ObjectNode tree, ErrorCode code) {
        assertThat(ContractFiles.validate("ExportRequested", tree)).as("schema verdict").isNotEmpty();
        assertThat(verdict(tree)).as("validator verdict").isNotEmpty();
        if (code != null) { // null: refused before binding (wrong JSON type), answered INVALID_REQUEST by the worker
            assertThat(RequestValidator.wrongType(tree)).isEmpty();
            assertThat(RequestValidator.schemaRules().validate(CODEC.convert(tree, ExportRequested.class)))
                    .extracting(RequestValidator.Violation::code).containsExactly(code);
        }
    }

    static Stream<Arguments> validRequests() {
        Stream<Arguments> examples = ContractFiles.examples().stream()
                .filter(p -> ContractFiles.eventNameOf(p).equals("ExportRequested"))
                .map(p -> arguments(p.getFileName().toString(), ContractFiles.readTree("/examples/" + p.getFileName())));
        return Stream.concat(examples, Stream.of(
                edge("requestId of 200 characters", PDF, r -> r.put("requestId", "x".repeat(200))),
                edge("50 attributes", PDF, r -> {
                    ObjectNode a = r.putObject("attributes");
                    for (int i = 0; i < 50; i++) {
                        a.put("k" + i, "v");
                    }
                }),
                edge("PDF of a paginated report", XLSX, r -> r.put("format", "PDF")),
                edge("unknown fields everywhere", PDF, r -> {
                    r.put("priority", "high");
                    ((ObjectNode) r.get("powerBIReportConfiguration")).put("futureSetting", 3);
                }),
                edge("60 pages (Power BI's limit is not the schema's)", PDF, r -> {
                    var pages = ((ObjectNode) r.get("powerBIReportConfiguration")).putArray("pages");
                    for (int i = 0; i < 60; i++) {
                        pages.addObject().put("pageName", "ReportSection" + i);
                    }
                })));
    }

    private static Arguments edge(String name, String example, Consumer<ObjectNode> change) {
        ObjectNode tree = ContractFiles.readTree(example).deepCopy();
        change.accept(tree);
        return arguments(name, tree);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validRequests")
    void schemaAndValidatorBothAccept(String name, JsonNode tree) {
        assertThat(ContractFiles.validate("ExportRequested", tree)).as("schema verdict").isEmpty();
        assertThat(verdict(tree)).as("validator verdict").isEmpty();
    }

    @Test
    void theWorkersRulesAddConfiguredAliasesPowerBisPageLimitAndPrintableText() {
        ObjectNode tree = ContractFiles.readTree(PDF).deepCopy();
        tree.put("requestId", "line\nbreak");
        var pages = ((ObjectNode) tree.get("powerBIReportConfiguration")).putArray("pages");
        for (int i = 0; i < 51; i++) {
            pages.addObject().put("pageName", "ReportSection" + i);
        }
        ExportRequested request = CODEC.convert(tree, ExportRequested.class);

        assertThat(RequestValidator.schemaRules().validate(request)).isEmpty();
        assertThat(RequestValidator.forWorker(Set.of("fabrikam"), Set.of("files")).validate(request))
                .extracting(RequestValidator.Violation::code).containsExactly(ErrorCode.INVALID_REQUEST,
                        ErrorCode.INVALID_UNKNOWN_TENANT, ErrorCode.PBI_TOO_MANY_PAGES, ErrorCode.INVALID_REQUEST);
    }

    @Test
    void namesTheFieldAndBoundsWhatItEchoes() {
        ExportRequested request = CODEC.convert(ContractFiles.JSON.createObjectNode()
                .put("requestId", "r").put("tenant", "t".repeat(300)), ExportRequested.class);

        assertThat(RequestValidator.schemaRules().validate(request)).extracting(RequestValidator.Violation::message)
                .containsExactly("tenant '" + "t".repeat(80) + "...' is not a tenant alias (1 to 64 letters, digits, "
                                + "'.', '_' or '-')", "workspaceId is required (a GUID)", "reportId is required (a GUID)",
                        "format 'null' is not one of PDF, PPTX, PNG, ACCESSIBLEPDF, XLSX, DOCX, CSV, XML, MHTML, IMAGE");
    }

    @Test
    void wrongTypeNamesTheField() {
        ObjectNode tree = ContractFiles.readTree(PDF).deepCopy();
        ((ObjectNode) tree.get("output")).put("sink", true);

        assertThat(RequestValidator.wrongType(tree)).contains("output.sink must be a string, was boolean");
    }

    /** Everything the validator finds in a JSON request: a wrong JSON type, a value that cannot bind, a rule. */
    private static List<String> verdict(JsonNode tree) {
        var wrongType = RequestValidator.wrongType(tree);
        if (wrongType.isPresent()) {
            return List.of(wrongType.get());
        }
        ExportRequested request;
        try {
            request = CODEC.convert(tree, ExportRequested.class);
        } catch (RuntimeException e) {
            return List.of("cannot bind: " + e.getMessage());
        }
        return RequestValidator.schemaRules().validate(request).stream().map(RequestValidator.Violation::message).toList();
    }
}
