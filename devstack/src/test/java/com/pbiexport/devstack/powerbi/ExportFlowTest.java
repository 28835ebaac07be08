package com.pbiexport.devstack.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import static com.pbiexport.devstack.powerbi.ApiHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

/** The export flow over real HTTP: start, poll, download, with the engine driven by hand. */
class ExportFlowTest {
    private static final String PDF = "{\"format\":\"PDF\"}";
    private static final String GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    // clean profile: these tests assert one exact answer (status, body code, exact Retry-After)
    private final ApiHarness api = ApiHarness.withFakeEngine();

    @AfterEach
    void stop() {
        api.close();
    }

    private String start() {
        return api.startExport(WS_SALES, RPT_SALES, api.contosoToken(), PDF).get("id").asText();
    }

    private String status(String exportId) {
        return groupReport(WS_SALES, RPT_SALES) + "/exports/" + exportId;
    }

    @Test
    void startsAnExportWith202AndTheExportJson() {
        Reply r = api.post(groupReport(WS_SALES, RPT_SALES) + "/ExportTo", api.contosoToken(), PDF);

        assertThat(r.status()).isEqualTo(202);
        JsonNode e = r.json();
        assertThat(e.get("id").asText()).isNotBlank();
        assertThat(e.get("reportId").asText()).isEqualTo(RPT_SALES);
        assertThat(e.get("reportName").asText()).isEqualTo("Sales Overview");
        assertThat(e.get("status").asText()).isEqualTo("NotStarted");
        assertThat(e.get("percentComplete").asInt()).isZero();
        assertThat(e.get("createdDateTime").asText()).isEqualTo("2025-03-01T10:00:00Z");
        assertThat(e.get("lastActionDateTime").asText()).endsWith("Z");
        assertThat(e.get("expirationTime").asText()).isEqualTo(JsonViews.NO_TIME);
        assertThat(e.has("resourceLocation")).isFalse();
        assertThat(r.header("Content-Type")).startsWith("application/json");

        FakeExportEngine.StartCall call = api.fake().starts().get(0);
        assertThat(call.tenantId()).isEqualTo(CONTOSO);
        assertThat(call.capacityId()).isEqualTo(CAP_F64);
        assertThat(call.workspaceId()).isEqualTo(WS_SALES);
        assertThat(call.format()).isEqualTo("PDF");
        assertThat(call.pages()).isEqualTo(3);
        assertThat(call.principal()).isEqualTo(APP);
        assertThat(call.config().get("format").asText()).isEqualTo("PDF");
    }

    @Test
    void passesRequestedPageCountAndLowerCaseFormatToTheEngine() {
        api.startExport(WS_SALES, RPT_SALES, api.contosoToken(),
                "{\"format\":\"pptx\",\"powerBIReportConfiguration\":{\"pages\":[{\"pageName\":\"p1\"},{\"pageName\":\"p2\"}]}}");

        FakeExportEngine.StartCall call = api.fake().starts().get(0);
        assertThat(call.format()).isEqualTo("PPTX");
        assertThat(call.pages()).isEqualTo(2);
    }

    @Test
    void pollAnswers202WithRetryAfterWhileRunning() {
        String id = start();
        api.fake().running(id, 40);

        Reply r = api.get(status(id), api.contosoToken());

        assertThat(r.status()).isEqualTo(202);
        assertThat(r.header("Retry-After")).isEqualTo("3");
        assertThat(r.json().get("status").asText()).isEqualTo("Running");
        assertThat(r.json().get("percentComplete").asInt()).isEqualTo(40);
    }

    @Test
    void pollAnswers200WithResourceLocationOnThisServerWhenSucceeded() {
        String id = start();
        api.fake().succeed(id, "%PDF-1.4 test".getBytes(StandardCharsets.US_ASCII));

        Reply r = api.get(status(id), api.contosoToken());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Retry-After")).isNull();
        JsonNode e = r.json();
        assertThat(e.get("status").asText()).isEqualTo("Succeeded");
        assertThat(e.get("percentComplete").asInt()).isEqualTo(100);
        assertThat(e.get("resourceLocation").asText())
                .isEqualTo(api.baseUrl + groupReport(WS_SALES, RPT_SALES) + "/exports/" + id + "/file");
        assertThat(e.get("ResourceFileExtension").asText()).isEqualTo(".pdf");
        assertThat(Instant.parse(e.get("expirationTime").asText())).isEqualTo(api.clock.instant().plus(Duration.ofHours(24)));
    }

    @Test
    void failedPollCarriesRetryAfterOnlyWhenTheEngineGivesOne() {
        String busy = start();
        String permanent = start();
        api.fake().fail(busy, Optional.of(30));
        api.fake().fail(permanent, Optional.empty());

        Reply busyReply = api.get(status(busy), api.contosoToken());
        Reply permanentReply = api.get(status(permanent), api.contosoToken());

        assertThat(busyReply.status()).isEqualTo(200);
        assertThat(busyReply.json().get("status").asText()).isEqualTo("Failed");
        assertThat(busyReply.header("Retry-After")).isEqualTo("30");
        assertThat(permanentReply.json().get("status").asText()).isEqualTo("Failed");
        assertThat(permanentReply.header("Retry-After")).isNull();
    }

    @Test
    void downloadsTheFileWithContentTypeAndFileName() {
        String id = start();
        byte[] pdf = "%PDF-1.4 simulated".getBytes(StandardCharsets.US_ASCII);
        api.fake().succeed(id, pdf);

        Reply r = api.get(status(id) + "/file", api.contosoToken());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(pdf);
        assertThat(r.header("Content-Type")).isEqualTo("application/pdf");
        assertThat(r.header("Content-Disposition")).contains("attachment").contains("filename=\"Sales Overview.pdf\"");
        assertThat(api.counters.get("bytesServed")).isEqualTo(pdf.length);
        assertThat(api.counters.get("fileDownloads")).isEqualTo(1);
    }

    @Test
    void fileBeforeSuccessAnswers404NotReady() {
        String id = start();
        api.fake().running(id, 10);

        Reply r = api.get(status(id) + "/file", api.contosoToken());

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("PowerBIEntityNotFound");
        assertThat(r.header("X-PowerBI-Error-Info")).isNull();  // no header names the missing entity
    }

    @Test
    void fileAfterExpiryAnswers404Expired() {
        String id = start();
        api.fake().succeed(id, new byte[] {1, 2, 3});
        api.clock.advance(Duration.ofHours(25));
        String freshToken = api.contosoToken();

        Reply r = api.get(status(id) + "/file", freshToken);

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("PowerBIEntityNotFound");
        assertThat(r.header("X-PowerBI-Error-Info")).isNull();
    }

    @Test
    void resourceLocationFollowsTheRequestsHostHeader() {
        String id = start();
        api.fake().succeed(id, new byte[] {1});

        Reply r = api.raw("GET", status(id), api.contosoToken(), "pbi.example.test:8443", null);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("resourceLocation").asText())
                .isEqualTo("http://pbi.example.test:8443" + groupReport(WS_SALES, RPT_SALES) + "/exports/" + id + "/file");
    }

    @Test
    void acceptsPathSegmentsInAnyCase() {
        Reply r = api.post("/V1.0/MYORG/Groups/" + WS_SALES.toUpperCase() + "/Reports/" + RPT_SALES + "/exportTo",
                api.contosoToken(), PDF);

        assertThat(r.status()).isEqualTo(202);
        String id = r.json().get("id").asText();
        assertThat(api.get("/v1.0/myorg/GROUPS/" + WS_SALES + "/REPORTS/" + RPT_SALES + "/Exports/" + id, api.contosoToken())
                .status()).isEqualTo(202);
    }

    @Test
    void fullCapacityAnswers429WithRetryAfter() {
        api.fake().throttleNext(1, 7);

        Reply r = api.post(groupReport(WS_SALES, RPT_SALES) + "/ExportTo", api.contosoToken(), PDF);

        assertThat(r.status()).isEqualTo(429);
        assertThat(r.header("Retry-After")).isEqualTo("7");
        assertThat(r.text()).contains(ApiError.TOO_MANY_REQUESTS_TEXT);
        assertThat(api.counters.get("throttled429")).isEqualTo(1);
    }

    @Test
    void exportOfAnotherPrincipalIsNotFound() {
        String id = api.startExport(WS_SALES, RPT_SALES, api.contosoToken(), PDF, "X-PowerBI-Profile-Id", PROFILE)
                .get("id").asText();

        Reply asApp = api.get(status(id), api.contosoToken());
        Reply asProfile = api.get(status(id), api.contosoToken(), "X-PowerBI-Profile-Id", PROFILE);

        assertThat(asApp.status()).isEqualTo(404);
        assertThat(asApp.errorCode()).isEqualTo("PowerBIEntityNotFound");
        assertThat(asProfile.status()).isEqualTo(202);
    }

    @Test
    void exportOnAnotherReportRouteIsNotFound() {
        String id = start();

        Reply r = api.get(groupReport(WS_SALES, RPT_PAGINATED) + "/exports/" + id, api.contosoToken());

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("PowerBIEntityNotFound");
        assertThat(r.header("X-PowerBI-Error-Info")).isNull();
    }

    @Test
    void unknownExportIdAnswers404() {
        Reply r = api.get(status("bm90LWEtam9i"), api.contosoToken());

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("PowerBIEntityNotFound");
    }

    @Test
    void everyResponseCarriesAFreshRequestId() {
        Set<String> ids = new HashSet<>();
        Reply ok = api.post(groupReport(WS_SALES, RPT_SALES) + "/ExportTo", api.contosoToken(), PDF);
        Reply err = api.post(groupReport(WS_SALES, RPT_SALES) + "/ExportTo", null, PDF);
        Reply notFound = api.get("/nothing/here", null);
        Reply poll = api.get(status(ok.json().get("id").asText()), api.contosoToken());
        for (Reply r : new Reply[] {ok, err, notFound, poll}) {
            assertThat(r.header("RequestId")).matches(GUID);
            ids.add(r.header("RequestId"));
        }
        assertThat(ids).hasSize(4);
    }

    @Test
    void countsExportToCallsPollsAndDownloads() {
        String id = start();
        api.post(groupReport(WS_SALES, RPT_SALES) + "/ExportTo", null, PDF);   // rejected calls count too
        api.get(status(id), api.contosoToken());
        api.get(status(id), api.contosoToken());
        api.get(status(id) + "/file", api.contosoToken());

        assertThat(api.counters.get("exportToCalls")).isEqualTo(2);
        assertThat(api.counters.get("polls")).isEqualTo(2);
        assertThat(api.counters.get("fileDownloads")).isEqualTo(1);
    }
}
