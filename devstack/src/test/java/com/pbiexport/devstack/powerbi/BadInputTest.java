package com.pbiexport.devstack.powerbi;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;

import static com.pbiexport.devstack.powerbi.ApiHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets the real service's kind of 4xx with a JSON error body; never a 500. */
class BadInputTest {
    private static final String EXPORT = groupReport(WS_SALES, RPT_SALES) + "/ExportTo";

    // clean profile: these tests assert the exact InvalidRequest/NotFound body of each bad input
    private final ApiHarness api = ApiHarness.withFakeEngine();

    @AfterEach
    void stop() {
        api.close();
    }

    private static void assertInvalidRequest(Reply r, String message) {
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("InvalidRequest");
        assertThat(r.json().path("error").path("message").asText()).isEqualTo(message);
    }

    @Test
    void malformedJsonAnswers400InvalidRequest() {
        assertInvalidRequest(api.post(EXPORT, api.contosoToken(), "{\"format\":"),
                "Parameter requestParameters is missing or invalid");
        assertInvalidRequest(api.post(EXPORT, api.contosoToken(), "[\"PDF\"]"),
                "Parameter requestParameters is missing or invalid");
    }

    @Test
    void emptyBodyAnswers400InvalidRequest() {
        assertInvalidRequest(api.post(EXPORT, api.contosoToken(), ""), "Parameter requestParameters is missing or invalid");
    }

    @Test
    void missingFormatAnswers400InvalidRequest() {
        assertInvalidRequest(api.post(EXPORT, api.contosoToken(), "{\"powerBIReportConfiguration\":{}}"),
                "Parameter format is missing or invalid");
        assertInvalidRequest(api.post(EXPORT, api.contosoToken(), "{\"format\":42}"),
                "Parameter format is missing or invalid");
    }

    @Test
    void pageWithoutNameAnswers400() {
        assertInvalidRequest(api.post(EXPORT, api.contosoToken(),
                "{\"format\":\"PDF\",\"powerBIReportConfiguration\":{\"pages\":[{\"visualName\":\"v\"}]}}"),
                "Parameter pageName is missing or invalid");
    }

    @Test
    void nonGuidIdsAnswer400InvalidRequest() {
        assertInvalidRequest(api.post(groupReport("sales", RPT_SALES) + "/ExportTo", api.contosoToken(), "{\"format\":\"PDF\"}"),
                "Parameter groupId is missing or invalid");
        assertInvalidRequest(api.get("/v1.0/myorg/groups/" + WS_SALES + "/reports/42", api.contosoToken()),
                "Parameter reportId is missing or invalid");
    }

    @Test
    void unknownRouteAnswers404WithAJsonBody() {
        for (String path : List.of("/", "/v1.0/myorg/dashboards", "/v2.0/myorg/groups",
                groupReport(WS_SALES, RPT_SALES) + "/pages", groupReport(WS_SALES, RPT_SALES) + "/exports/x/file/more")) {
            Reply r = api.get(path, api.contosoToken());
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.errorCode()).isEqualTo("NotFound");
        }
    }

    @Test
    void wrongMethodAnswers405WithAJsonBody() {
        Reply getExportTo = api.get(EXPORT, api.contosoToken());
        Reply postGroups = api.post("/v1.0/myorg/groups", api.contosoToken(), "{}");
        Reply deleteReport = api.send(HttpRequest.newBuilder(URI.create(api.baseUrl + groupReport(WS_SALES, RPT_SALES)))
                .DELETE(), api.contosoToken());

        for (Reply r : List.of(getExportTo, postGroups, deleteReport)) {
            assertThat(r.status()).isEqualTo(405);
            assertThat(r.errorCode()).isEqualTo("MethodNotAllowed");
        }
    }

    @Test
    void invalidODataOptionsAnswer400() {
        assertThat(api.get("/v1.0/myorg/groups?$top=-1", api.contosoToken()).status()).isEqualTo(400);
        assertThat(api.get("/v1.0/myorg/groups?$skip=many", api.contosoToken()).status()).isEqualTo(400);
        assertThat(api.get("/v1.0/myorg/groups?$filter=name%20gt%20'a'", api.contosoToken()).status()).isEqualTo(400);
        assertThat(api.get("/v1.0/myorg/groups?$filter=contains(name,'unterminated", api.contosoToken()).status()).isEqualTo(400);
    }

    @Test
    void unparseableUriIsRefusedWith400BeforeTheApi() {
        // the JDK HTTP server itself refuses a URI it cannot parse (400, HTML body, no RequestId): the real
        // service's front door answers such requests before the API too
        assertThat(api.raw("GET", "/v1.0/myorg/groups/%zz/reports", api.contosoToken(), null, null).status()).isEqualTo(400);
        assertThat(api.raw("GET", "/v1.0/myorg/groups?$filter=%zz", api.contosoToken(), null, null).status()).isEqualTo(400);
    }

    @Test
    void neverAnswers500ToBadInput() {
        String t = api.contosoToken();
        List<Reply> replies = List.of(
                api.post(EXPORT, t, "\u0000\u0001garbage"),
                api.post(EXPORT, t, "{\"format\":\"PDF\",\"powerBIReportConfiguration\":[]}"),
                api.post(EXPORT, t, "{\"format\":\"PDF\",\"powerBIReportConfiguration\":{\"pages\":{}}}"),
                api.post(EXPORT, t, "{\"format\":\"PDF\",\"powerBIReportConfiguration\":{\"defaultBookmark\":\"x\"}}"),
                api.post(EXPORT, t, "{\"format\":\"PDF\",\"powerBIReportConfiguration\":{\"reportLevelFilters\":[{},{}]}}"),
                api.post(EXPORT, t, "{\"format\":null}"),
                api.post(EXPORT, t, "\"PDF\""),
                api.post(EXPORT, t, "{\"format\":\"PDF\"}", "X-PowerBI-Profile-Id", " "),
                api.raw("POST", EXPORT, t, null, "{\"format\":\"PDF\",\"powerBIReportConfiguration\":{\"pages\":[1,2]}}"),
                api.get("/v1.0/myorg/groups?$filter=((name%20eq%20'a'", t),
                api.get("/v1.0/myorg/groups?$filter=name%20eq", t),
                api.get("/v1.0/myorg/groups?$top=99999999999", t),
                api.get(groupReport(WS_SALES, RPT_SALES) + "/exports/%20/file", t),
                api.get("/v1.0/myorg/groups", "Bearer"),
                api.get("/v1.0/myorg/groups", "a.b.c"));

        for (Reply r : replies) {
            assertThat(r.status()).as(r.text()).isBetween(200, 499);
            assertThat(r.header("RequestId")).as(r.text()).isNotNull();
            if (r.status() >= 400) {
                assertThat(r.json().isObject()).isTrue();
            }
        }
    }
}
