package com.pbiexport.devstack.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import com.pbiexport.devstack.powerbi.ApiHarness.Reply;
import com.pbiexport.devstack.powerbi.engine.SimExportEngine;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.devstack.sim.FaultSettings;
import com.pbiexport.devstack.sim.Faults;
import com.pbiexport.devstack.sim.Realism;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static com.pbiexport.devstack.powerbi.ApiHarness.CAP_F64;
import static com.pbiexport.devstack.powerbi.ApiHarness.RPT_SALES;
import static com.pbiexport.devstack.powerbi.ApiHarness.WS_SALES;
import static com.pbiexport.devstack.powerbi.ApiHarness.groupReport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Power BI API in the realistic profile, over HTTP: ids in paths, answer shapes, latency, transport faults. */
class RealisticApiTest {
    private final ApiHarness api = ApiHarness.realistic(2026);

    @AfterEach
    void stop() {
        api.close();
    }

    private static String encoded(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    private String startPdf() {
        return api.startExport(WS_SALES, RPT_SALES, api.contosoToken(), "{\"format\":\"PDF\"}").get("id").asText();
    }

    @Test
    void anExportWhoseIdHoldsSlashPlusAndEqualsIsFoundThroughItsPercentEncodedPath() {
        String id = startPdf();
        for (int i = 0; i < 20 && !(id.contains("/") && id.contains("+")); i++) {
            id = startPdf();
        }
        assertThat(id).contains("/", "+", "=");
        String path = groupReport(WS_SALES, RPT_SALES) + "/exports/" + encoded(id);
        assertThat(path).contains("%2F", "%2B", "%3D");

        Reply poll = api.get(path, api.contosoToken());
        assertThat(poll.status()).isIn(200, 202);
        assertThat(poll.json().get("id").asText()).isEqualTo(id);

        api.clock.advanceMillis(10_000);
        JsonNode done = api.get(path, api.contosoToken()).json();
        assertThat(done.get("status").asText()).isEqualTo("Succeeded");
        String location = done.get("resourceLocation").asText();
        assertThat(location).isEqualTo(api.baseUrl + path + "/file");
        Reply file = api.get(location.substring(api.baseUrl.length()), api.contosoToken());
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.header("Content-Type")).startsWith("application/pdf");
    }

    @Test
    void theFileExtensionIsSpelledWithEitherCaseDependingOnTheExport() {
        Set<String> spellings = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 16; i++) {
            ids.add(startPdf());
        }
        api.clock.advanceMillis(10_000);
        for (String id : ids) {
            JsonNode export = api.get(groupReport(WS_SALES, RPT_SALES) + "/exports/" + encoded(id), api.contosoToken()).json();
            boolean capital = export.has("ResourceFileExtension");
            boolean lower = export.has("resourceFileExtension");
            assertThat(capital ^ lower).as("exactly one spelling per answer").isTrue();
            spellings.add(capital ? "ResourceFileExtension" : "resourceFileExtension");
            assertThat(export.get(capital ? "ResourceFileExtension" : "resourceFileExtension").asText()).isEqualTo(".pdf");
        }
        // reference section 1: capital R in the Swagger and .NET SDK, lower-case in documentation examples
        assertThat(spellings).containsExactlyInAnyOrder("ResourceFileExtension", "resourceFileExtension");
    }

    @Test
    void everyCallWaitsALongTailedLatencyBetween20And400Milliseconds() {
        startPdf();
        api.get("/v1.0/myorg/groups", api.contosoToken());

        assertThat(api.sleeper.waits).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(d -> assertThat(d).isBetween(Duration.ofMillis(20), Duration.ofMillis(400)));
    }

    @Test
    void aLostExportToAnswerStartsTheExportButCutsTheConnection() {
        api.faults.merge("{\"lostExportToAnswerCount\":1}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> api.post(groupReport(WS_SALES, RPT_SALES) + "/ExportTo", api.contosoToken(),
                "{\"format\":\"PDF\"}")).isInstanceOf(UncheckedIOException.class);

        assertThat(api.counters.get("exportToAnswersLost")).isEqualTo(1);
        assertThat(((SimExportEngine) api.engine).activeExports(CAP_F64)).as("the export runs anyway").isEqualTo(1);
        assertThat(api.faults.current().lostExportToAnswerCount()).isZero();
        assertThat(api.post(groupReport(WS_SALES, RPT_SALES) + "/ExportTo", api.contosoToken(), "{\"format\":\"PDF\"}")
                .status()).isEqualTo(202);
    }

    @Test
    void aDroppedConnectionIsCountedAndForcedByItsCountKnob() {
        api.faults.merge("{\"dropConnectionCount\":1}".getBytes(StandardCharsets.UTF_8));

        // a POST, which HttpClient does not retry by itself (it silently retries a GET once)
        assertThatThrownBy(() -> api.post(groupReport(WS_SALES, RPT_SALES) + "/ExportTo", api.contosoToken(),
                "{\"format\":\"PDF\"}")).isInstanceOf(UncheckedIOException.class);

        assertThat(api.counters.get("connectionsDropped")).isEqualTo(1);
        assertThat(((SimExportEngine) api.engine).activeExports(CAP_F64)).as("dropped before any work").isZero();
        assertThat(api.get("/v1.0/myorg/groups", api.contosoToken()).status()).isEqualTo(200);
    }

    @Test
    void aStalledConnectionSendsNoByteUntilTheClientTimesOut() throws Exception {
        api.faults.merge("{\"stalledConnectionCount\":1,\"stalledConnectionMillis\":3000}".getBytes(StandardCharsets.UTF_8));
        HttpRequest req = HttpRequest.newBuilder(URI.create(api.baseUrl + "/v1.0/myorg/groups"))
                .header("Authorization", "Bearer " + api.contosoToken()).timeout(Duration.ofMillis(500)).GET().build();

        assertThatThrownBy(() -> api.http.send(req, HttpResponse.BodyHandlers.ofByteArray()))
                .isInstanceOf(HttpTimeoutException.class);

        assertThat(api.counters.get("connectionsStalled")).isEqualTo(1);
        assertThat(api.get("/v1.0/myorg/groups", api.contosoToken()).status()).isEqualTo(200);
    }

    @Test
    void downloadsRunAtABoundedRateDrawnPerExportUnlessTheKnobSetsOne() {
        Faults faults = new Faults(api.clock);
        FileSender realistic = new FileSender(faults, new Counters(), d -> { }, Realism.realistic(1), ex -> { });
        FileSender clean = new FileSender(faults, new Counters(), d -> { }, Realism.clean(), ex -> { });

        for (String id : new String[] {"a", "b", "c", "d"}) {
            assertThat(realistic.rate(id)).isBetween(20L * 1024 * 1024, 100L * 1024 * 1024);
        }
        assertThat(realistic.rate("a")).as("same export, same rate").isEqualTo(realistic.rate("a"));
        assertThat(clean.rate("a")).as("clean: unlimited").isZero();
        faults.merge("{\"downloadBytesPerSecond\":1000}".getBytes(StandardCharsets.UTF_8));
        assertThat(realistic.rate("a")).isEqualTo(1000);
    }

    @Test
    void theRouteDecodesPercentEncodedExportIdsInEveryProfile() {
        ApiRoute route = ApiRoute.parse("GET", groupReport(WS_SALES, RPT_SALES) + "/exports/Mi9C%2F5419i%2Bx%3D%3D/file");

        assertThat(route).isEqualTo(new ApiRoute.ExportFileRoute(WS_SALES, RPT_SALES, "Mi9C/5419i+x==",
                groupReport(WS_SALES, RPT_SALES)));
    }

    @Test
    void theRealisticProfileStartsWithSmallTransportFaultRatesAndTheCleanOneWithNone() {
        FaultSettings realistic = com.pbiexport.devstack.sim.RealisticDefaults.faults(
                com.pbiexport.devstack.sim.SimProfile.REALISTIC);
        assertThat(java.util.List.of(realistic.dropConnectionRate(), realistic.truncatedDownloadRate(),
                realistic.lostExportToAnswerRate(), realistic.stalledConnectionRate()))
                .allSatisfy(rate -> assertThat(rate).isGreaterThan(0).isLessThanOrEqualTo(0.01));
        assertThat(com.pbiexport.devstack.sim.RealisticDefaults.faults(com.pbiexport.devstack.sim.SimProfile.CLEAN))
                .isEqualTo(FaultSettings.none());
    }
}
