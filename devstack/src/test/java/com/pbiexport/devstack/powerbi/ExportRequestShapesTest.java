package com.pbiexport.devstack.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static com.pbiexport.devstack.powerbi.ApiHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ExportTo options the worker passes through (Swagger: PowerBIReportExportConfiguration, ExportReportSettings,
 * PageBookmark, EffectiveIdentity, IdentityBlob, PaginatedReportExportConfiguration) reach the simulated export
 * as sent; shapes the Swagger's model cannot bind answer 400 InvalidRequest.
 */
class ExportRequestShapesTest {
    private static final String POWER_BI = """
            {"format":"PDF","powerBIReportConfiguration":{
              "datasetToBind":"b8b7d1c2-0d3a-4b9e-8f7a-3c2d1e0f9a8b",
              "settings":{"locale":"de-DE","includeHiddenPages":true},
              "defaultBookmark":{"state":"H4sIAAAAAAAA"},
              "pages":[{"pageName":"ReportSection1","bookmark":{"name":"Q1"}},
                       {"pageName":"ReportSection2","visualName":"VisualContainer4"}],
              "identities":[{"username":"alice@contoso.com","roles":["Region"],"datasets":["d1"],
                             "identityBlob":{"value":"eyJ0eXAi"}}]}}""";
    private static final String PAGINATED = """
            {"format":"IMAGE","paginatedReportConfiguration":{
              "formatSettings":{"OutputFormat":"PNG","StartPage":"1","EndPage":"2"},
              "parameterValues":[{"name":"City","value":"Seattle"},{"name":"City","value":"Bellevue"}],
              "identities":[{"username":"reader@contoso.com","reports":["r1"]}]}}""";

    private final ApiHarness api = ApiHarness.withFakeEngine();

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void everyPowerBiReportOptionReachesTheExportAsSent() {
        Reply r = api.post(groupReport(WS_SALES, RPT_SALES) + "/ExportTo", api.contosoToken(), POWER_BI);

        assertThat(r.status()).as(r.text()).isEqualTo(202);
        JsonNode config = api.fake().starts().get(0).config().get("powerBIReportConfiguration");
        assertThat(config).isEqualTo(read(POWER_BI).get("powerBIReportConfiguration"));
        assertThat(api.fake().starts().get(0).pages()).as("one page and one single visual").isEqualTo(2);
    }

    @Test
    void everyPaginatedOptionReachesTheExportAsSent() {
        Reply r = api.post(groupReport(WS_SALES, RPT_PAGINATED) + "/ExportTo", api.contosoToken(), PAGINATED);

        assertThat(r.status()).as(r.text()).isEqualTo(202);
        assertThat(api.fake().starts().get(0).config().get("paginatedReportConfiguration"))
                .isEqualTo(read(PAGINATED).get("paginatedReportConfiguration"));
    }

    @Test
    void ignoresFieldsTheSwaggerDoesNotNameAsAModelBinderDoes() {
        String misspelt = "{\"format\":\"PDF\",\"powerBIReportConfiguration\":{\"identity\":[{\"username\":\"a\"}]}}";

        assertThat(api.post(groupReport(WS_SALES, RPT_SALES) + "/ExportTo", api.contosoToken(), misspelt).status())
                .as("why the worker must refuse unknown fields itself").isEqualTo(202);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "settings not an object | {\"settings\":[]} | settings",
            "includeHiddenPages not a boolean | {\"settings\":{\"includeHiddenPages\":\"yes\"}} | includeHiddenPages",
            "identities not an array | {\"identities\":{\"username\":\"a\"}} | identities",
            "identity without username | {\"identities\":[{\"roles\":[\"r\"]}]} | username",
            "identityBlob without value | {\"identities\":[{\"username\":\"a\",\"identityBlob\":{}}]} | identityBlob",
            "identityBlob a string | {\"identities\":[{\"username\":\"a\",\"identityBlob\":\"t\"}]} | identityBlob",
            "bookmark by name and state | {\"defaultBookmark\":{\"name\":\"a\",\"state\":\"b\"}} | defaultBookmark"})
    void refusesAPowerBiShapeItsModelCannotBind(String name, String config, String field) {
        Reply r = api.post(groupReport(WS_SALES, RPT_SALES) + "/ExportTo", api.contosoToken(),
                "{\"format\":\"PDF\",\"powerBIReportConfiguration\":" + config + "}");

        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("InvalidRequest");
        assertThat(r.json().path("error").path("message").asText()).contains(field);
        assertThat(api.fake().starts()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "formatSettings not an object | {\"formatSettings\":[\"PNG\"]} | formatSettings",
            "formatSettings value an object | {\"formatSettings\":{\"OutputFormat\":{}}} | formatSettings",
            "parameterValues not an array | {\"parameterValues\":{\"name\":\"a\"}} | parameterValues"})
    void refusesAPaginatedShapeItsModelCannotBind(String name, String config, String field) {
        Reply r = api.post(groupReport(WS_SALES, RPT_PAGINATED) + "/ExportTo", api.contosoToken(),
                "{\"format\":\"XLSX\",\"paginatedReportConfiguration\":" + config + "}");

        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.json().path("error").path("message").asText()).contains(field);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
