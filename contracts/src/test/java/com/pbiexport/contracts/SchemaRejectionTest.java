package com.pbiexport.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The schemas reject what the contract forbids (each case starts from a valid example and breaks one thing). */
class SchemaRejectionTest {

    private static final String PDF = "/examples/ExportRequested.powerbi-pdf.json";
    private static final String XLSX = "/examples/ExportRequested.paginated-xlsx.json";
    private static final String COMPLETED = "/examples/ExportCompleted.pdf.json";
    private static final String FAILED = "/examples/ExportFailed.auth.json";

    @Test
    void rejectsRequestWithoutRequestId() {
        assertThat(errors("ExportRequested", PDF, r -> r.remove("requestId"))).isNotEmpty();
    }

    @Test
    void rejectsEmptyOrOverlongRequestId() {
        assertThat(errors("ExportRequested", PDF, r -> r.put("requestId", ""))).isNotEmpty();
        assertThat(errors("ExportRequested", PDF, r -> r.put("requestId", "x".repeat(201)))).isNotEmpty();
        assertThat(errors("ExportRequested", PDF, r -> r.put("requestId", "x".repeat(200)))).isEmpty();
    }

    @Test
    void rejectsWorkspaceIdThatIsNotAUuid() {
        assertThat(errors("ExportRequested", PDF, r -> r.put("workspaceId", "not-a-uuid"))).isNotEmpty();
    }

    @Test
    void rejectsReportIdThatIsNotAUuid() {
        assertThat(errors("ExportRequested", PDF, r -> r.put("reportId", "cfafbeb1-8037-4d0c-896e"))).isNotEmpty();
    }

    @Test
    void rejectsUnknownOrLowerCaseFormat() {
        assertThat(errors("ExportRequested", PDF, r -> r.put("format", "PDFX"))).isNotEmpty();
        assertThat(errors("ExportRequested", PDF, r -> r.put("format", "pdf"))).isNotEmpty();
    }

    @Test
    void rejectsTenantAliasWithSpacesOrTooLong() {
        assertThat(errors("ExportRequested", PDF, r -> r.put("tenant", "contoso prod"))).isNotEmpty();
        assertThat(errors("ExportRequested", PDF, r -> r.put("tenant", "t".repeat(65)))).isNotEmpty();
    }

    @Test
    void rejectsMoreThanFiftyAttributes() {
        assertThat(errors("ExportRequested", PDF, r -> {
            ObjectNode attributes = r.putObject("attributes");
            for (int i = 0; i < 51; i++) {
                attributes.put("k" + i, "v");
            }
        })).isNotEmpty();
    }

    @Test
    void rejectsAttributeValueLongerThan1024OrNotAString() {
        assertThat(errors("ExportRequested", PDF, r -> r.putObject("attributes").put("k", "v".repeat(1025))))
                .isNotEmpty();
        assertThat(errors("ExportRequested", PDF, r -> r.putObject("attributes").put("k", 42))).isNotEmpty();
    }

    @Test
    void rejectsDeadlineThatIsNotADateTime() {
        assertThat(errors("ExportRequested", PDF, r -> r.put("notAfter", "tomorrow"))).isNotEmpty();
    }

    @Test
    void rejectsBothConfigurationsAtOnce() {
        assertThat(errors("ExportRequested", PDF, r -> r.putObject("paginatedReportConfiguration"))).isNotEmpty();
    }

    @Test
    void rejectsPaginatedOnlyFormatWithPowerBiConfiguration() {
        assertThat(errors("ExportRequested", PDF, r -> r.put("format", "XLSX"))).isNotEmpty();
    }

    @Test
    void rejectsPngWithPaginatedConfiguration() {
        assertThat(errors("ExportRequested", XLSX, r -> r.put("format", "PNG"))).isNotEmpty();
    }

    @Test
    void rejectsBookmarkWithBothNameAndState() {
        assertThat(errors("ExportRequested", PDF, r -> ((ObjectNode) r.get("powerBIReportConfiguration"))
                .putObject("defaultBookmark").put("name", "a").put("state", "b"))).isNotEmpty();
    }

    @Test
    void rejectsPageWithoutPageName() {
        assertThat(errors("ExportRequested", PDF, r -> ((ArrayNode) r.get("powerBIReportConfiguration").get("pages"))
                .addObject().put("visualName", "v"))).isNotEmpty();
    }

    @Test
    void rejectsUnknownFieldsAtTopLevelAndInsideConfigurations() {
        assertThat(errors("ExportRequested", PDF, r -> r.put("priority", "high"))).isNotEmpty();
        assertThat(errors("ExportRequested", PDF, r -> ((ObjectNode) r.get("powerBIReportConfiguration"))
                .put("identity", "x"))).isNotEmpty();
        assertThat(errors("ExportRequested", PDF, r -> ((ObjectNode) r.get("output")).put("retentionDays", 7)))
                .isNotEmpty();
    }

    @Test
    void rejectsCompletedWithShortOrUpperCaseSha256() {
        assertThat(errors("ExportCompleted", COMPLETED, c -> ((ObjectNode) c.get("file")).put("sha256", "abc")))
                .isNotEmpty();
        assertThat(errors("ExportCompleted", COMPLETED, c -> ((ObjectNode) c.get("file"))
                .put("sha256", "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"))).isNotEmpty();
    }

    @Test
    void rejectsCompletedWithZeroAttemptsOrWithoutFile() {
        assertThat(errors("ExportCompleted", COMPLETED, c -> c.put("attempts", 0))).isNotEmpty();
        assertThat(errors("ExportCompleted", COMPLETED, c -> c.remove("file"))).isNotEmpty();
    }

    @Test
    void rejectsFailedWithUnknownCategory() {
        assertThat(errors("ExportFailed", FAILED, f -> ((ObjectNode) f.get("error")).put("category", "unknown")))
                .isNotEmpty();
    }

    @Test
    void rejectsFailedWithLowerCaseCode() {
        assertThat(errors("ExportFailed", FAILED, f -> ((ObjectNode) f.get("error")).put("code", "client_secret")))
                .isNotEmpty();
    }

    @Test
    void rejectsFailedWithMultiLineRemediation() {
        assertThat(errors("ExportFailed", FAILED, f -> ((ObjectNode) f.get("error")).put("remediation", "a\nb")))
                .isNotEmpty();
    }

    @Test
    void rejectsFailedWithoutRequestId() {
        assertThat(errors("ExportFailed", FAILED, f -> f.remove("requestId"))).isNotEmpty();
    }

    @Test
    void acceptsFailedWhoseIdentityFieldsAreNullOrAbsent() {
        assertThat(errors("ExportFailed", FAILED, f -> {
            f.putNull("tenant");
            f.putNull("workspaceId");
            f.remove("reportId");
            f.remove("format");
        })).isEmpty();
    }

    private static Set<ValidationMessage> errors(String event, String example, Consumer<ObjectNode> breakIt) {
        JsonNode tree = ContractFiles.readTree(example);
        ObjectNode copy = tree.deepCopy();
        breakIt.accept(copy);
        return ContractFiles.validate(event, copy);
    }
}
