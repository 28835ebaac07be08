package com.pbiexport.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The Java validator says exactly what it finds, and agrees with the schema on every case. */
class RequestValidatorTest {

    private static final EventCodec CODEC = EventCodec.shared();

    static Stream<Arguments> invalidRequests() {
        return Stream.of(
                arguments("requestId is missing: set a unique id (it is the idempotency key)",
                        (Consumer<ObjectNode>) r -> r.remove("requestId")),
                arguments("requestId must be at most 200 characters, was 201",
                        (Consumer<ObjectNode>) r -> r.put("requestId", "x".repeat(201))),
                arguments("tenant is missing: set the alias of a tenant configured in the worker",
                        (Consumer<ObjectNode>) r -> r.remove("tenant")),
                arguments("tenant must be 1 to 64 letters, digits, '.', '_' or '-', was 'contoso prod'",
                        (Consumer<ObjectNode>) r -> r.put("tenant", "contoso prod")),
                arguments("workspaceId must be a UUID such as f089354e-8366-4e18-aea3-4cb4a3a50b48, was 'not-a-uuid'",
                        (Consumer<ObjectNode>) r -> r.put("workspaceId", "not-a-uuid")),
                arguments("reportId is missing: set the UUID from the Power BI URL",
                        (Consumer<ObjectNode>) r -> r.remove("reportId")),
                arguments("profileId must be a UUID such as f089354e-8366-4e18-aea3-4cb4a3a50b48, was 'p1'",
                        (Consumer<ObjectNode>) r -> r.put("profileId", "p1")),
                arguments("format must be one of PDF, PPTX, PNG, ACCESSIBLEPDF, XLSX, DOCX, CSV, XML, MHTML, IMAGE, was 'pdf'",
                        (Consumer<ObjectNode>) r -> r.put("format", "pdf")),
                arguments("format is missing: set one of PDF, PPTX, PNG, ACCESSIBLEPDF, XLSX, DOCX, CSV, XML, MHTML, IMAGE",
                        (Consumer<ObjectNode>) r -> r.remove("format")),
                arguments("set either powerBIReportConfiguration or paginatedReportConfiguration, not both",
                        (Consumer<ObjectNode>) r -> r.putObject("paginatedReportConfiguration")),
                arguments("format XLSX exists only for paginated reports: remove powerBIReportConfiguration or choose PDF, PPTX or PNG",
                        (Consumer<ObjectNode>) r -> r.put("format", "XLSX")),
                arguments("output.fileName must be 1 to 200 characters, was 201",
                        (Consumer<ObjectNode>) r -> r.putObject("output").put("fileName", "f".repeat(201))),
                arguments("output.sink must be 1 to 64 letters, digits, '.', '_' or '-', was 'blob/reports'",
                        (Consumer<ObjectNode>) r -> r.putObject("output").put("sink", "blob/reports")),
                arguments("attributes may hold at most 50 entries, had 51",
                        (Consumer<ObjectNode>) r -> {
                            ObjectNode a = r.putObject("attributes");
                            for (int i = 0; i < 51; i++) {
                                a.put("k" + i, "v");
                            }
                        }),
                arguments("attribute 'k' must be at most 1024 characters, was 1025",
                        (Consumer<ObjectNode>) r -> r.putObject("attributes").put("k", "v".repeat(1025))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRequests")
    void namesTheProblemAndAgreesWithTheSchema(String expected, Consumer<ObjectNode> breakIt) {
        ObjectNode tree = ContractFiles.readTree("/examples/ExportRequested.powerbi-pdf.json").deepCopy();
        breakIt.accept(tree);

        assertThat(RequestValidator.problems(CODEC.convert(tree, ExportRequested.class))).containsExactly(expected);
        assertThat(ContractFiles.validate("ExportRequested", tree)).isNotEmpty();
    }

    @Test
    void pngWithPaginatedConfigurationIsRefusedLikeTheSchemaDoes() {
        ObjectNode tree = ContractFiles.readTree("/examples/ExportRequested.paginated-xlsx.json").deepCopy();
        tree.put("format", "PNG");

        assertThat(RequestValidator.problems(CODEC.convert(tree, ExportRequested.class))).containsExactly(
                "format PNG exists only for Power BI reports: remove paginatedReportConfiguration or choose a paginated format");
        assertThat(ContractFiles.validate("ExportRequested", tree)).isNotEmpty();
    }

    @Test
    void reportsEveryProblemAtOnceAndBoundsEchoedValues() {
        ExportRequested request = CODEC.convert(ContractFiles.JSON.createObjectNode()
                .put("requestId", "r").put("tenant", "t".repeat(300)), ExportRequested.class);

        assertThat(RequestValidator.problems(request)).hasSize(4)
                .anyMatch(p -> p.startsWith("tenant must be") && p.endsWith("t".repeat(80) + "...'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requestExamples")
    void acceptsEveryRequestExample(String resource) {
        JsonNode tree = ContractFiles.readTree(resource);

        assertThat(RequestValidator.problems(CODEC.convert(tree, ExportRequested.class))).isEmpty();
    }

    static Stream<String> requestExamples() {
        return ContractFiles.examples().stream()
                .filter(p -> ContractFiles.eventNameOf(p).equals("ExportRequested"))
                .map(p -> "/examples/" + p.getFileName());
    }
}
