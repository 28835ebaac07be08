package com.pbiexport.devstack.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import com.pbiexport.devstack.powerbi.engine.SimExportEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import static com.pbiexport.devstack.powerbi.ApiHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

/** The REST layer over the simulator's real export engine: the whole flow, limits and failures, over HTTP. */
class SimEngineApiTest {
    private static SwaggerSchemas swagger;
    // clean profile: these tests assert the engine's exact 429 Retry-After and 404 body
    private final ApiHarness api = ApiHarness.withEngine(SimExportEngine::new);

    @BeforeAll
    static void loadSwagger() {
        swagger = SwaggerSchemas.load();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private Reply poll(String groupId, String reportId, String id) {
        Reply r = api.get(groupReport(groupId, reportId) + "/exports/" + id, api.contosoToken());
        assertThat(swagger.errors("Export", r.json())).as(r.text()).isEmpty();
        return r;
    }

    /** Fetches the file through the resourceLocation the status answer gave. */
    private Reply fetch(JsonNode succeeded) {
        URI location = URI.create(succeeded.get("resourceLocation").asText());
        assertThat(location.getPort()).isEqualTo(api.port());
        return api.get(location.getRawPath(), api.contosoToken());
    }

    private static String magic(byte[] body, int n) {
        return new String(Arrays.copyOf(body, n), StandardCharsets.ISO_8859_1);
    }

    @Test
    void exportsAPdfFromStartToFile() {
        JsonNode started = api.startExport(WS_SALES, RPT_SALES, api.contosoToken(), "{\"format\":\"PDF\"}");
        assertThat(swagger.errors("Export", started)).isEmpty();
        String id = started.get("id").asText();

        api.clock.advance(Duration.ofMillis(400));
        Reply running = poll(WS_SALES, RPT_SALES, id);
        api.clock.advance(Duration.ofSeconds(10));
        Reply done = poll(WS_SALES, RPT_SALES, id);
        Reply file = fetch(done.json());

        assertThat(running.status()).isEqualTo(202);
        assertThat(running.json().get("status").asText()).isIn("NotStarted", "Running");
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.json().get("status").asText()).isEqualTo("Succeeded");
        assertThat(done.json().get("ResourceFileExtension").asText()).isEqualTo(".pdf");
        assertThat(file.status()).isEqualTo(200);
        assertThat(magic(file.body(), 5)).isEqualTo("%PDF-");
        assertThat(file.header("Content-Type")).isEqualTo("application/pdf");
        assertThat(file.header("Content-Disposition")).contains("Sales Overview.pdf");
        assertThat(api.counters.get("bytesServed")).isEqualTo(file.body().length);
    }

    @Test
    void multiPagePngArrivesAsAZip() {
        String id = api.startExport(WS_SALES, RPT_SALES, api.contosoToken(), "{\"format\":\"PNG\"}").get("id").asText();
        api.clock.advance(Duration.ofSeconds(10));

        Reply done = poll(WS_SALES, RPT_SALES, id);
        Reply file = fetch(done.json());

        assertThat(done.json().get("ResourceFileExtension").asText()).isEqualTo(".zip");
        assertThat(file.header("Content-Type")).isEqualTo("application/zip");
        assertThat(magic(file.body(), 2)).isEqualTo("PK");
    }

    @Test
    void paginatedReportExportsToXlsx() {
        String id = api.startExport(WS_SALES, RPT_PAGINATED, api.contosoToken(),
                "{\"format\":\"XLSX\",\"paginatedReportConfiguration\":{\"parameterValues\":[{\"name\":\"Region\",\"value\":\"West\"}]}}")
                .get("id").asText();
        api.clock.advance(Duration.ofSeconds(10));

        Reply done = poll(WS_SALES, RPT_PAGINATED, id);
        Reply file = fetch(done.json());

        assertThat(done.json().get("ResourceFileExtension").asText()).isEqualTo(".xlsx");
        assertThat(file.status()).isEqualTo(200);
        assertThat(magic(file.body(), 2)).isEqualTo("PK");
    }

    @Test
    void smallCapacityAnswers429WithRetryAfterBeyondItsLimit() {
        String body = "{\"format\":\"PDF\"}";
        api.startExport(WS_OPS, RPT_OPS, api.contosoToken(), body);
        api.startExport(WS_OPS, RPT_OPS, api.contosoToken(), body);

        Reply third = api.post(groupReport(WS_OPS, RPT_OPS) + "/ExportTo", api.contosoToken(), body);

        assertThat(third.status()).isEqualTo(429);
        assertThat(Integer.parseInt(third.header("Retry-After"))).isPositive();
        assertThat(api.counters.get("throttled429")).isEqualTo(1);
        api.clock.advance(Duration.ofSeconds(30));
        assertThat(api.post(groupReport(WS_OPS, RPT_OPS) + "/ExportTo", api.contosoToken(), body).status()).isEqualTo(202);
    }

    @Test
    void busyAndPermanentFailuresDifferByRetryAfter() {
        api.faults.merge("{\"exportBusyFailures\":1}".getBytes(StandardCharsets.UTF_8));
        String busy = api.startExport(WS_SALES, RPT_SALES, api.contosoToken(), "{\"format\":\"PDF\"}").get("id").asText();
        api.faults.merge("{\"exportPermanentFailures\":1}".getBytes(StandardCharsets.UTF_8));
        String permanent = api.startExport(WS_SALES, RPT_SALES, api.contosoToken(), "{\"format\":\"PDF\"}").get("id").asText();
        api.clock.advance(Duration.ofSeconds(10));

        Reply busyReply = poll(WS_SALES, RPT_SALES, busy);
        Reply permanentReply = poll(WS_SALES, RPT_SALES, permanent);

        assertThat(busyReply.json().get("status").asText()).isEqualTo("Failed");
        assertThat(busyReply.header("Retry-After")).isNotNull();
        assertThat(permanentReply.json().get("status").asText()).isEqualTo("Failed");
        assertThat(permanentReply.header("Retry-After")).isNull();
        assertThat(api.get(groupReport(WS_SALES, RPT_SALES) + "/exports/" + busy + "/file", api.contosoToken())
                .status()).isEqualTo(404);
    }

    @Test
    void fileExpiresAfterTheScenariosExpiry() {
        String id = api.startExport(WS_SALES, RPT_SALES, api.contosoToken(), "{\"format\":\"PDF\"}").get("id").asText();
        api.clock.advance(Duration.ofSeconds(10));
        JsonNode done = poll(WS_SALES, RPT_SALES, id).json();
        api.clock.advance(Duration.ofHours(24));

        Reply r = fetch(done);

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("PowerBIEntityNotFound");
    }
}
