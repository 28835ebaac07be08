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
                invalid("notAfter not a date-time", PDF, null, r -> r.put("notAfter", "tomorrow")),
                invalid("identityBlob without value", PDF, ErrorCode.INVALID_CONFIGURATION, r -> ((ObjectNode) r.at(
                        "/powerBIReportConfiguration/identities/0")).putObject("identityBlob")),
                invalid("datasetToBind a number", PDF, ErrorCode.INVALID_CONFIGURATION,
                        r -> ((ObjectNode) r.get("powerBIReportConfiguration")).put("datasetToBind", 7)),
                invalid("locale a number", PDF, ErrorCode.INVALID_CONFIGURATION,
                        r -> ((ObjectNode) r.at("/powerBIReportConfiguration/settings")).put("locale", 1031)),
                invalid("visualName a number", PDF, ErrorCode.INVALID_CONFIGURATION,
                        r -> ((ObjectNode) r.at("/powerBIReportConfiguration/pages/1")).put("visualName", 4)),
                invalid("bookmark state not a string", PDF, ErrorCode.INVALID_CONFIGURATION, r -> {
                    ObjectNode bookmark = (ObjectNode) r.at("/powerBIReportConfiguration/defaultBookmark");
                    bookmark.remove("name");
                    bookmark.putObject("state");
                }),
                invalid("identityBlob a string", PDF, ErrorCode.INVALID_CONFIGURATION, r -> ((ObjectNode) r.at(
                        "/powerBIReportConfiguration/identities/0")).put("identityBlob", "eyJ0eXAi")),
                invalid("identity reports not strings", XLSX, ErrorCode.INVALID_CONFIGURATION, r -> ((ObjectNode) r.at(
                        "/paginatedReportConfiguration/identities/0")).putArray("reports").add(1)),
                invalid("unknown top-level field", PDF, null, r -> r.put("priority", "high")),
                invalid("misspelt identities", PDF, null, r -> ((ObjectNode) r.get("powerBIReportConfiguration"))
                        .set("identity", r.at("/powerBIReportConfiguration/identities"))),
                invalid("unknown field in a page", PDF, null,
                        r -> ((ObjectNode) r.at("/powerBIReportConfiguration/pages/0")).put("visual", "v")),
                invalid("unknown field in a bookmark", PDF, null,
                        r -> ((ObjectNode) r.at("/powerBIReportConfiguration/defaultBookmark")).put("Name", "v")),
                invalid("unknown field in settings", PDF, null,
                        r -> ((ObjectNode) r.at("/powerBIReportConfiguration/settings")).put("includeHidden", true)),
                invalid("unknown field in an identity", XLSX, null, r -> ((ObjectNode) r.at(
                        "/paginatedReportConfiguration/identities/0")).put("role", "x")),
                invalid("unknown field in a parameter", XLSX, null, r -> ((ObjectNode) r.at(
                        "/paginatedReportConfiguration/parameterValues/0")).put("values", "x")),
                invalid("unknown field in output", PDF, null, r -> ((ObjectNode) r.get("output")).put("path", "x")));
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
        if (code != null) { // null: refused before binding (wrong JSON type, unknown field): INVALID_REQUEST
            assertThat(RequestValidator.wrongType(tree)).isEmpty();
            assertThat(RequestValidator.unknownFields(tree)).isEmpty();
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
                edge("every pass-through option", PDF, r -> {
                    ObjectNode c = (ObjectNode) r.get("powerBIReportConfiguration");
                    c.put("datasetToBind", "b8b7d1c2-0d3a-4b9e-8f7a-3c2d1e0f9a8b");
                    c.putObject("defaultBookmark").put("state", "H4sIAAAAAAAA");
                    ((ObjectNode) c.at("/identities/0")).putObject("identityBlob").put("value", "eyJ0eXAi");
                }),
                edge("identity with reports (paginated)", XLSX, r -> ((ObjectNode) r.at(
                        "/paginatedReportConfiguration/identities/0")).putArray("reports").add("r1")),
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
    void theWorkersRulesAllowOneReportLevelFilterAsPowerBiDoes() {
        ObjectNode tree = ContractFiles.readTree(PDF).deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) tree.at("/powerBIReportConfiguration/reportLevelFilters"))
                .addObject().put("filter", "Store/Chain eq 'Fashions Direct'");
        ExportRequested request = CODEC.convert(tree, ExportRequested.class);

        assertThat(RequestValidator.schemaRules().validate(request)).isEmpty();
        assertThat(RequestValidator.forWorker(Set.of("contoso"), Set.of("blob-reports")).validate(request))
                .containsExactly(new RequestValidator.Violation(ErrorCode.INVALID_CONFIGURATION,
                        "powerBIReportConfiguration.reportLevelFilters has 2 entries; Power BI supports one: join the "
                                + "conditions with 'and' in one filter"));
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

    @ParameterizedTest(name = "{1}")
    @org.junit.jupiter.params.provider.CsvSource({
            "'', /properties",
            "output, /properties/output/properties",
            "powerBIReportConfiguration, /$defs/PowerBIReportExportConfiguration/properties",
            "powerBIReportConfiguration.pages, /$defs/PowerBIReportExportConfiguration/properties/pages/items/properties",
            "powerBIReportConfiguration.pages.bookmark, /$defs/PageBookmark/properties",
            "powerBIReportConfiguration.defaultBookmark, /$defs/PageBookmark/properties",
            "powerBIReportConfiguration.reportLevelFilters, "
                    + "/$defs/PowerBIReportExportConfiguration/properties/reportLevelFilters/items/properties",
            "powerBIReportConfiguration.settings, /$defs/PowerBIReportExportConfiguration/properties/settings/properties",
            "powerBIReportConfiguration.identities, /$defs/EffectiveIdentity/properties",
            "powerBIReportConfiguration.identities.identityBlob, /$defs/EffectiveIdentity/properties/identityBlob/properties",
            "paginatedReportConfiguration, /$defs/PaginatedReportExportConfiguration/properties",
            "paginatedReportConfiguration.parameterValues, "
                    + "/$defs/PaginatedReportExportConfiguration/properties/parameterValues/items/properties",
            "paginatedReportConfiguration.identities, /$defs/EffectiveIdentity/properties"})
    void knowsExactlyTheFieldsTheSchemaNames(String path, String pointer) {
        JsonNode properties = ContractFiles.schemaTree("ExportRequested").at(pointer);
        Set<String> schemaNames = new java.util.TreeSet<>();
        properties.fieldNames().forEachRemaining(schemaNames::add);

        assertThat(schemaNames).as("schema properties at %s", pointer).isNotEmpty();
        assertThat(KnownFields.namesAt(path)).as("known fields of %s", path).hasValue(Set.copyOf(schemaNames));
    }

    @Test
    void aMisspeltIdentitiesIsRefusedWithADidYouMean() {
        ObjectNode tree = ContractFiles.readTree(PDF).deepCopy();
        ObjectNode config = (ObjectNode) tree.get("powerBIReportConfiguration");
        config.set("identity", config.remove("identities"));
        ((ObjectNode) config.at("/pages/1/bookmark")).set("Name", ((ObjectNode) config.at("/pages/1/bookmark")).remove("name"));

        assertThat(RequestValidator.unknownFields(tree)).contains("unknown field 'powerBIReportConfiguration.pages[1]"
                + ".bookmark.Name' (did you mean 'name'?); unknown field 'powerBIReportConfiguration.identity' (did you "
                + "mean 'identities'?); unknown fields are refused so that a misspelt option never changes what is "
                + "exported");
    }

    @Test
    void suggestsTheClosestKnownNameOrNone() {
        assertThat(KnownFields.suggestion("identitys", Set.of("identities", "pages"))).contains("identities");
        assertThat(KnownFields.suggestion("datasetToBnid", Set.of("datasetToBind", "datasets"))).contains("datasetToBind");
        assertThat(KnownFields.suggestion("includeHidenPages", Set.of("locale", "includeHiddenPages")))
                .contains("includeHiddenPages");
        assertThat(KnownFields.suggestion("priority", Set.of("requestId", "tenant", "reportId"))).isEmpty();
    }

    @Test
    void namesAtMostFiveUnknownFieldsAndCountsTheRest() {
        ObjectNode tree = ContractFiles.readTree(PDF).deepCopy();
        for (int i = 0; i < 8; i++) {
            tree.put("extra" + i, i);
        }

        assertThat(RequestValidator.unknownFields(tree)).hasValueSatisfying(m -> assertThat(m)
                .contains("'extra4'").doesNotContain("'extra5'").contains(" and 3 more unknown fields"));
    }

    @Test
    void neverEchoesTheKeysOfAnIdentityBlob() {
        ObjectNode tree = ContractFiles.readTree(PDF).deepCopy();
        ((ObjectNode) tree.at("/powerBIReportConfiguration/identities/0")).putObject("identityBlob")
                .put("value", "t").put("eyJsecret", "x");

        assertThat(RequestValidator.unknownFields(tree)).hasValueSatisfying(m -> assertThat(m)
                .startsWith("'powerBIReportConfiguration.identities[0].identityBlob' has a field other than 'value'")
                .doesNotContain("eyJsecret"));
    }

    @Test
    void leavesAttributesAndFormatSettingsOpen() {
        ObjectNode tree = ContractFiles.readTree(XLSX).deepCopy();
        ((ObjectNode) tree.at("/paginatedReportConfiguration/formatSettings")).put("AnyDeviceInfo", "x");
        tree.putObject("attributes").put("anything", "x");

        assertThat(RequestValidator.unknownFields(tree)).isEmpty();
    }

    /** Everything the validator finds in a JSON request: a wrong JSON type, a value that cannot bind, a rule. */
    private static List<String> verdict(JsonNode tree) {
        var wrongType = RequestValidator.wrongType(tree);
        if (wrongType.isPresent()) {
            return List.of(wrongType.get());
        }
        var unknown = RequestValidator.unknownFields(tree);
        if (unknown.isPresent()) {
            return List.of(unknown.get());
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
