package com.pbiexport.worker.it;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.contracts.CloudEventHeaders;
import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.contracts.OutputSpec;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.config.Sinks;
import com.pbiexport.worker.testing.Azurite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static com.pbiexport.worker.it.ScenarioIds.INVOICE_PAGINATED;
import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;

/** Happy paths end to end: real broker, real simulator, real files (filesystem and Azurite). */
class ExportHappyPathIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
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
    void exportsPowerBiReportToPdfWithMatchingSha256() {
        try (Lane lane = harness.lane("pdf")) {
            lane.startWorker();
            ExportRequested r = request(ExportFormat.PDF, SALES_REPORT).output(OutputSpec.fileName("Sales Overview"))
                    .attributes(Map.of("batch", "b-7")).build();
            ExportCompleted c = lane.publishAndAwait(r, TIMEOUT).completed();

            byte[] file = ItFiles.read(c.file().uri());
            assertThat(c.file().contentType()).isEqualTo("application/pdf");
            assertThat(new String(file, 0, 5, StandardCharsets.ISO_8859_1)).isEqualTo("%PDF-");
            assertThat(c.file().sha256()).isEqualTo(ItFiles.sha256(file));
            assertThat(c.file().sizeBytes()).isEqualTo(file.length);
            assertThat(c.file().fileName()).endsWith(".pdf").contains("Sales Overview");
            assertThat(c.attempts()).isEqualTo(1);
            assertThat(c.exportId()).isNotBlank();
            assertThat(c.powerBiRequestIds()).isNotEmpty();
            assertThat(c.attributes()).containsEntry("batch", "b-7");
            assertThat(c.timings().totalMs()).isGreaterThanOrEqualTo(c.timings().renderMs());
        }
    }

    @Test
    void exportsMultiPagePngAsZipWithOnePngPerPage() {
        try (Lane lane = harness.lane("png")) {
            lane.startWorker();
            ObjectNode pages = JsonNodeFactory.instance.objectNode();
            pages.putArray("pages").addObject().put("pageName", "ReportSection1");
            ((com.fasterxml.jackson.databind.node.ArrayNode) pages.get("pages")).addObject().put("pageName", "ReportSection2");
            ExportRequested r = request(ExportFormat.PNG, SALES_REPORT).powerBIReportConfiguration(pages).build();
            ExportCompleted c = lane.publishAndAwait(r, TIMEOUT).completed();

            byte[] zip = ItFiles.read(c.file().uri());
            assertThat(c.file().contentType()).isEqualTo("application/zip");
            assertThat(c.file().fileName()).endsWith(".zip");
            assertThat(c.file().sha256()).isEqualTo(ItFiles.sha256(zip));
            Map<String, byte[]> entries = ItFiles.unzip(zip);
            assertThat(entries).hasSize(2);
            assertThat(entries.keySet()).allSatisfy(name -> assertThat(name).endsWith(".png"));
            byte[] pngSignature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
            assertThat(entries.values()).allSatisfy(png ->
                    assertThat(java.util.Arrays.copyOf(png, 8)).isEqualTo(pngSignature));
        }
    }

    @Test
    void exportsPaginatedReportToXlsxPassingParameterValuesThrough() {
        try (Lane lane = harness.lane("xlsx")) {
            lane.startWorker();
            ObjectNode params = JsonNodeFactory.instance.objectNode();
            var values = params.putArray("parameterValues");
            values.addObject().put("name", "InvoiceNumber").put("value", "INV-1001");
            values.addObject().put("name", "Region").put("value", "EMEA");
            ExportRequested r = request(ExportFormat.XLSX, INVOICE_PAGINATED).paginatedReportConfiguration(params).build();
            ExportCompleted c = lane.publishAndAwait(r, TIMEOUT).completed();

            byte[] xlsx = ItFiles.read(c.file().uri());
            assertThat(c.file().fileName()).endsWith(".xlsx");
            assertThat(c.file().contentType())
                    .isEqualTo("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
            assertThat(c.file().sha256()).isEqualTo(ItFiles.sha256(xlsx));
            String sheet = new String(ItFiles.unzip(xlsx).get("xl/worksheets/sheet1.xml"), StandardCharsets.UTF_8);
            assertThat(sheet).contains("Parameters: InvoiceNumber=INV-1001, Region=EMEA");
        }
    }

    @Test
    void passesRowLevelSecurityIdentitiesThroughToPptxAndPdf() {
        try (Lane lane = harness.lane("rls")) {
            lane.startWorker();
            ObjectNode rls = JsonNodeFactory.instance.objectNode();
            rls.putArray("identities").addObject().put("username", "alice@contoso.com")
                    .set("roles", JsonNodeFactory.instance.arrayNode().add("Sales EMEA"));
            ExportRequested pptx = request(ExportFormat.PPTX, SALES_REPORT).powerBIReportConfiguration(rls).build();
            ExportRequested pdf = request(ExportFormat.PDF, SALES_REPORT).powerBIReportConfiguration(rls).build();
            lane.publish(pptx);
            lane.publish(pdf);
            Map<String, Outcome> out = lane.awaitOutcomes(java.util.List.of(pptx.requestId(), pdf.requestId()), TIMEOUT);

            ExportCompleted p = out.get(pptx.requestId()).completed();
            byte[] pptxBytes = ItFiles.read(p.file().uri());
            assertThat(p.file().fileName()).endsWith(".pptx");
            assertThat(ItFiles.unzip(pptxBytes)).containsKey("ppt/slides/slide1.xml");
            assertThat(ItFiles.zipText(pptxBytes)).contains("Identities: alice@contoso.com");

            ExportCompleted d = out.get(pdf.requestId()).completed();
            assertThat(new String(ItFiles.read(d.file().uri()), StandardCharsets.ISO_8859_1))
                    .contains("Identities: alice@contoso.com");
        }
    }

    @Test
    void outcomesCarryCloudEventsHeadersAndTheRequestsTraceparent() {
        try (Lane lane = harness.lane("headers")) {
            lane.startWorker();
            String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
            ExportRequested ok = request(ExportFormat.PDF, SALES_REPORT).build();
            ExportRequested bad = ExportRequested.builder(id(), "no-such-tenant", SALES_WS, SALES_REPORT,
                    ExportFormat.PDF).build();
            lane.publish(ok, traceparent);
            lane.publish(bad, traceparent);
            Map<String, Outcome> out = lane.awaitOutcomes(java.util.List.of(ok.requestId(), bad.requestId()), TIMEOUT);

            Outcome completed = out.get(ok.requestId());
            assertThat(completed.header(CloudEventHeaders.TYPE)).isEqualTo(CloudEventHeaders.TYPE_COMPLETED);
            Outcome failed = out.get(bad.requestId());
            assertThat(failed.header(CloudEventHeaders.TYPE)).isEqualTo(CloudEventHeaders.TYPE_FAILED);
            for (Outcome o : out.values()) {
                assertThat(o.header(CloudEventHeaders.ID)).isNotBlank();
                assertThat(o.header(CloudEventHeaders.SOURCE)).isNotBlank();
                assertThat(URI.create(o.header(CloudEventHeaders.SOURCE))).isNotNull();
                assertThat(o.header(CloudEventHeaders.SPECVERSION)).isEqualTo("1.0");
                assertThat(OffsetDateTime.parse(o.header(CloudEventHeaders.TIME))).isNotNull();
                assertThat(o.header(CloudEventHeaders.CONTENT_TYPE)).isEqualTo("application/json");
                assertThat(o.header(CloudEventHeaders.SUBJECT)).isEqualTo(o.key());
                assertThat(o.header("traceparent")).isEqualTo(traceparent);
            }
            assertThat(completed.header(CloudEventHeaders.ID)).isNotEqualTo(failed.header(CloudEventHeaders.ID));
        }
    }

    @Test
    void storesTheFileInAzuriteAndTheEventPointsAtTheBlob() {
        try (Azurite azurite = Azurite.start()) {
            String container = "exports-it";
            SinkConfig blob = new SinkConfig.AzureBlob(Optional.of(azurite.connectionString()), Optional.empty(),
                    container, "it/", Optional.of("2025-11-05"));
            try (Lane lane = harness.lane("blob", cfg -> cfg.withSinks(Sinks.single("blob", blob)))) {
                lane.startWorker();
                ExportRequested r = request(ExportFormat.PDF, SALES_REPORT).output(OutputSpec.fileName("Sales in blob"))
                        .build();
                ExportCompleted c = lane.publishAndAwait(r, TIMEOUT).completed();

                String prefix = azurite.blobEndpoint() + "/" + container + "/";
                assertThat(c.file().uri()).startsWith(prefix + "it/");
                String blobName = URI.create(c.file().uri()).getPath()
                        .substring(URI.create(prefix).getPath().length());
                BlobServiceClient service = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                        .serviceVersion(Azurite.SERVICE_VERSION).buildClient();
                byte[] bytes = service.getBlobContainerClient(container).getBlobClient(blobName)
                        .downloadContent().toBytes();
                assertThat(ItFiles.sha256(bytes)).isEqualTo(c.file().sha256());
                assertThat(bytes.length).isEqualTo((int) c.file().sizeBytes());
                assertThat(new String(bytes, 0, 5, StandardCharsets.ISO_8859_1)).isEqualTo("%PDF-");
            }
        }
    }

    private static ExportRequested.Builder request(ExportFormat format, String report) {
        return ExportRequested.builder(id(), DemoStack.CONTOSO, SALES_WS, report, format);
    }

    private static String id() {
        return "it-" + UUID.randomUUID();
    }
}
