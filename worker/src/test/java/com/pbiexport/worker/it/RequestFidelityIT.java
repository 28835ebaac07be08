package com.pbiexport.worker.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.contracts.ErrorCategory;
import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.contracts.ExportFailed;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import static com.pbiexport.worker.it.ScenarioIds.INVOICE_PAGINATED;
import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request fidelity end to end (issue 15): every ExportTo option the contract passes through reaches the simulated
 * Power BI and the export succeeds; a misspelt field is answered invalid_request, never exported without it.
 */
class RequestFidelityIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static WorkerHarness harness;

    @BeforeAll
    static void startStack() {
        harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(200));
    }

    @AfterAll
    static void stopStack() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void exportsWithEveryPassThroughOption() {
        try (Lane lane = harness.lane("fidelity-ok")) {
            lane.startWorker();
            ExportRequested powerBi = ExportRequested.builder(id(), DemoStack.CONTOSO, SALES_WS, SALES_REPORT,
                    ExportFormat.PDF).powerBIReportConfiguration((ObjectNode) tree("""
                    {"datasetToBind":"b8b7d1c2-0d3a-4b9e-8f7a-3c2d1e0f9a8b",
                     "settings":{"locale":"de-DE","includeHiddenPages":true},
                     "defaultBookmark":{"state":"H4sIAAAAAAAA"},
                     "pages":[{"pageName":"ReportSection1","bookmark":{"name":"Q1"}},
                              {"pageName":"ReportSection2","visualName":"VisualContainer4"}],
                     "identities":[{"username":"alice@contoso.com","roles":["Region"],
                                    "identityBlob":{"value":"eyJ0eXAiOiJKV1QifQ"}}]}""")).build();
            ExportRequested paginated = ExportRequested.builder(id(), DemoStack.CONTOSO, SALES_WS, INVOICE_PAGINATED,
                    ExportFormat.IMAGE).paginatedReportConfiguration((ObjectNode) tree("""
                    {"formatSettings":{"OutputFormat":"PNG","StartPage":"1","EndPage":"1"},
                     "parameterValues":[{"name":"City","value":"Seattle"},{"name":"City","value":"Bellevue"}],
                     "identities":[{"username":"reader@contoso.com","reports":["%s"]}]}""".formatted(INVOICE_PAGINATED)))
                    .build();
            lane.publish(powerBi);
            lane.publish(paginated);
            var out = lane.awaitOutcomes(java.util.List.of(powerBi.requestId(), paginated.requestId()), TIMEOUT);

            ExportCompleted pdf = out.get(powerBi.requestId()).completed();
            String text = new String(ItFiles.read(pdf.file().uri()), StandardCharsets.ISO_8859_1);
            assertThat(text).contains("ReportSection1").contains("alice@contoso.com"); // the options reached ExportTo
            ExportCompleted image = out.get(paginated.requestId()).completed();
            // formatSettings.OutputFormat PNG applied: several PNG pages come as a zip (the default, TIFF, would not)
            assertThat(image.file().contentType()).isEqualTo("application/zip");
        }
    }

    @Test
    void answersAMisspeltIdentitiesAsInvalidRequestWithADidYouMean() {
        try (Lane lane = harness.lane("fidelity-misspelt")) {
            lane.startWorker();
            long exportsBefore = harness.stack().counters().get("exportToCalls");
            String requestId = id();
            String request = """
                    {"requestId":"%s","tenant":"%s","workspaceId":"%s","reportId":"%s","format":"PDF",
                     "powerBIReportConfiguration":{"identitys":[{"username":"alice@contoso.com","roles":["Region"]}]}}
                    """.formatted(requestId, DemoStack.CONTOSO, SALES_WS, SALES_REPORT);
            lane.publishRaw(DemoStack.CONTOSO, request.getBytes(StandardCharsets.UTF_8));

            ExportFailed failed = lane.awaitOutcome(requestId, TIMEOUT).failed();
            assertThat(failed.error().code()).isEqualTo("INVALID_REQUEST");
            assertThat(failed.error().category()).isEqualTo(ErrorCategory.INVALID_REQUEST);
            assertThat(failed.error().message()).contains(
                    "unknown field 'powerBIReportConfiguration.identitys' (did you mean 'identities'?)");
            assertThat(harness.stack().counters().get("exportToCalls")).as("never exported").isEqualTo(exportsBefore);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String id() {
        return "it-" + UUID.randomUUID();
    }
}
