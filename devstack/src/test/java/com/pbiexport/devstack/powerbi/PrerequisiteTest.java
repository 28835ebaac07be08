package com.pbiexport.devstack.powerbi;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static com.pbiexport.devstack.powerbi.ApiHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Each broken export prerequisite, with its documented status and body, and the order they are checked in. */
class PrerequisiteTest {
    private static final String PDF = "{\"format\":\"PDF\"}";

    // clean profile: each prerequisite is asserted with its one deterministic answer
    private final ApiHarness api = ApiHarness.withFakeEngine();

    @AfterEach
    void stop() {
        api.close();
    }

    private Reply export(String groupId, String reportId, String token, String body, String... headers) {
        return api.post(groupReport(groupId, reportId) + "/ExportTo", token, body, headers);
    }

    private Reply contoso(String groupId, String reportId, String body) {
        return export(groupId, reportId, api.contosoToken(), body);
    }

    private static void assertError(Reply r, int status, String code, String errorInfo) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.errorCode()).as(r.text()).isEqualTo(code);
        assertThat(r.header("X-PowerBI-Error-Info")).isEqualTo(errorInfo);
    }

    @Test
    void tenantSettingForServicePrincipalsOffAnswers401WithTheSwitchInErrorInfo() {
        Reply r = export(WS_NORTHWIND, RPT_NORTHWIND, api.token(NORTHWIND, NORTHWIND_APP), PDF);

        assertError(r, 401, "PowerBINotAuthorizedException", "ServicePrincipalIsNotAllowedByTenantAdminSwitch");
    }

    @Test
    void appOutsideTheAllowedSecurityGroupAnswers401() {
        Reply outside = export(WS_TAILSPIN, RPT_TAILSPIN, api.token(TAILSPIN, TS_APP_NOT_IN_GROUP), "{\"format\":\"PNG\"}");
        Reply inside = export(WS_TAILSPIN, RPT_TAILSPIN, api.token(TAILSPIN, TS_APP_IN_GROUP), "{\"format\":\"PNG\"}");

        assertError(outside, 401, "PowerBINotAuthorizedException", "ServicePrincipalIsNotAllowedByTenantAdminSwitch");
        assertThat(inside.status()).isEqualTo(202);
    }

    @Test
    void myWorkspaceRoutesUsedByAServicePrincipalAnswer403ApiNotAccessible() {
        Reply start = api.post("/v1.0/myorg/reports/" + RPT_SALES + "/ExportTo", api.contosoToken(), PDF);
        Reply poll = api.get("/v1.0/myorg/reports/" + RPT_SALES + "/exports/abc", api.contosoToken());
        Reply file = api.get("/v1.0/myorg/reports/" + RPT_SALES + "/exports/abc/file", api.contosoToken());
        Reply report = api.get("/v1.0/myorg/reports/" + RPT_SALES, api.contosoToken());

        for (Reply r : new Reply[] {start, poll, file, report}) {
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.json().path("Message").asText()).isEqualTo("API is not accessible for application");
        }
    }

    @Test
    void userTokenMayUseMyWorkspaceRoutesWhichHoldNoSimulatedContent() {
        String user = api.token(CONTOSO, APP, c -> {
            c.put("scp", "Report.Read.All");
            c.put("idtyp", "user");
        });

        Reply r = api.post("/v1.0/myorg/reports/" + RPT_SALES + "/ExportTo", user, PDF);

        assertError(r, 404, "PowerBIEntityNotFound", null);
    }

    @Test
    void tenantSwitchForServicePrincipalsDoesNotApplyToUsers() {
        String user = api.token(NORTHWIND, NORTHWIND_APP, c -> c.put("scp", "Workspace.Read.All"));

        assertThat(api.get("/v1.0/myorg/groups", user).status()).isEqualTo(200);
    }

    @Test
    void unknownWorkspaceAnswers404EntityNotFound() {
        assertError(contoso("3d5e0000-0000-4000-a000-0000000000ff", RPT_SALES, PDF), 404, "PowerBIEntityNotFound", null);
    }

    @Test
    void workspaceTheCallerIsNotAMemberOfAnswers404LikeAnUnknownOne() {
        Reply r = contoso(WS_FINANCE_NO_ACCESS, RPT_FINANCE, PDF);

        assertError(r, 404, "PowerBIEntityNotFound", null);
        assertThat(r.text()).doesNotContain("member");
    }

    @Test
    void workspaceOnSharedCapacityAnswersTheGeneric403() {
        // no code is observed for this: the generic 403 (reference section 3), no invented code or header
        assertError(contoso(WS_SHARED, RPT_SHARED, PDF), 403, "PowerBINotAuthorizedException", null);
    }

    @Test
    void premiumPerUserRefusesPowerBiReportExport() {
        assertError(contoso(WS_PPU, RPT_PPU_PBI, PDF), 403, "PowerBINotAuthorizedException", null);
    }

    @Test
    void premiumPerUserAllowsOnePaginatedExportPerFiveMinutes() {
        String xlsx = "{\"format\":\"XLSX\"}";
        Reply first = contoso(WS_PPU, RPT_PPU_PAGINATED, xlsx);
        api.clock.advance(Duration.ofMinutes(2));
        Reply second = contoso(WS_PPU, RPT_PPU_PAGINATED, xlsx);
        api.clock.advance(Duration.ofMinutes(3));
        Reply third = contoso(WS_PPU, RPT_PPU_PAGINATED, xlsx);

        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(429);
        assertThat(second.header("Retry-After")).isEqualTo("180");
        assertThat(second.text()).contains(ApiError.TOO_MANY_REQUESTS_TEXT);
        assertThat(third.status()).isEqualTo(202);
        assertThat(api.fake().starts()).hasSize(2);
    }

    @Test
    void unknownReportAnswers404EntityNotFound() {
        assertError(contoso(WS_SALES, "7e000000-0000-4000-a000-0000000000ff", PDF), 404, "PowerBIEntityNotFound", null);
    }

    @Test
    void reportOfAnotherWorkspaceAnswers404() {
        assertError(contoso(WS_SALES, RPT_OPS, PDF), 404, "PowerBIEntityNotFound", null);
    }

    @Test
    void pngWhenImageExportIsOffAnswers403() {
        Reply r = export(WS_FABRIKAM, RPT_FABRIKAM, api.token(FABRIKAM, FABRIKAM_APP), "{\"format\":\"PNG\"}");

        assertError(r, 403, "PowerBINotAuthorizedException", null);
        assertThat(export(WS_FABRIKAM, RPT_FABRIKAM, api.token(FABRIKAM, FABRIKAM_APP), PDF).status()).isEqualTo(202);
    }

    @Test
    void pdfAndPptxWhenPdfExportIsOffAnswer403() {
        String token = api.token(TAILSPIN, TS_APP_IN_GROUP);

        assertError(export(WS_TAILSPIN, RPT_TAILSPIN, token, PDF), 403, "PowerBINotAuthorizedException", null);
        assertError(export(WS_TAILSPIN, RPT_TAILSPIN, token, "{\"format\":\"PPTX\"}"), 403,
                "PowerBINotAuthorizedException", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"IMAGE", "XLSX", "DOCX", "CSV", "XML", "MHTML", "ACCESSIBLEPDF"})
    void paginatedOnlyFormatOnAPowerBiReportAnswers400(String format) {
        assertError(contoso(WS_SALES, RPT_SALES, "{\"format\":\"" + format + "\"}"), 400, "InvalidRequest", null);
    }

    @Test
    void pngOnAPaginatedReportAnswers400() {
        assertError(contoso(WS_SALES, RPT_PAGINATED, "{\"format\":\"PNG\"}"), 400, "InvalidRequest", null);
    }

    @Test
    void unknownFormatAnswers400() {
        assertError(contoso(WS_SALES, RPT_SALES, "{\"format\":\"GIF\"}"), 400, "InvalidRequest", null);
    }

    @Test
    void sensitivityLabelledReportToPdfOrPptxByAServicePrincipalAnswers403() {
        assertError(contoso(WS_SALES, RPT_LABELLED, PDF), 403, "PowerBINotAuthorizedException", null);
        assertThat(contoso(WS_SALES, RPT_LABELLED, "{\"format\":\"PPTX\"}").status()).isEqualTo(403);
        assertThat(contoso(WS_SALES, RPT_LABELLED, "{\"format\":\"PNG\"}").status()).isEqualTo(202);
    }

    private static String pages(int n) {
        return "{\"format\":\"PDF\",\"powerBIReportConfiguration\":{\"pages\":["
                + IntStream.range(0, n).mapToObj(i -> "{\"pageName\":\"Page" + i + "\"}").collect(Collectors.joining(","))
                + "]}}";
    }

    @Test
    void moreThan50RequestedPagesAnswers400() {
        assertError(contoso(WS_SALES, RPT_SALES, pages(51)), 400, "InvalidRequest", null);
        assertThat(contoso(WS_SALES, RPT_SALES, pages(50)).status()).isEqualTo(202);
    }

    @Test
    void reportWithMoreThan50PagesAnswers400WhenNoPagesAreGiven() {
        assertError(contoso(WS_SALES, RPT_60_PAGES, PDF), 400, "InvalidRequest", null);
        assertThat(contoso(WS_SALES, RPT_60_PAGES, pages(10)).status()).isEqualTo(202);
    }

    @Test
    void bothConfigurationsAnswer400() {
        assertError(contoso(WS_SALES, RPT_SALES,
                "{\"format\":\"PDF\",\"powerBIReportConfiguration\":{},\"paginatedReportConfiguration\":{}}"),
                400, "InvalidRequest", null);
    }

    @Test
    void bookmarkWithBothNameAndStateAnswers400() {
        assertError(contoso(WS_SALES, RPT_SALES,
                "{\"format\":\"PDF\",\"powerBIReportConfiguration\":{\"defaultBookmark\":{\"name\":\"b\",\"state\":\"s\"}}}"),
                400, "InvalidRequest", null);
        assertError(contoso(WS_SALES, RPT_SALES,
                "{\"format\":\"PDF\",\"powerBIReportConfiguration\":{\"pages\":[{\"pageName\":\"p\",\"bookmark\":{\"name\":\"b\",\"state\":\"s\"}}]}}"),
                400, "InvalidRequest", null);
    }

    @Test
    void configurationOfTheOtherReportTypeAnswers400() {
        assertError(contoso(WS_SALES, RPT_PAGINATED, "{\"format\":\"PDF\",\"powerBIReportConfiguration\":{}}"),
                400, "InvalidRequest", null);
        assertError(contoso(WS_SALES, RPT_SALES, "{\"format\":\"PDF\",\"paginatedReportConfiguration\":{}}"),
                400, "InvalidRequest", null);
    }

    @Test
    void profileOwnedByTheAppActsAsTheProfile() {
        Reply r = export(WS_SALES, RPT_SALES, api.contosoToken(), PDF, "X-PowerBI-Profile-Id", PROFILE);

        assertThat(r.status()).isEqualTo(202);
        assertThat(api.fake().starts().get(0).principal()).isEqualTo(PROFILE);
    }

    @Test
    void profileNotOwnedByTheCallingAppAnswers404() {
        Reply otherApp = export(WS_FABRIKAM, RPT_FABRIKAM, api.token(FABRIKAM, FABRIKAM_APP), PDF,
                "X-PowerBI-Profile-Id", PROFILE);
        Reply unknown = export(WS_SALES, RPT_SALES, api.contosoToken(), PDF,
                "X-PowerBI-Profile-Id", "9f0f11e0-0000-4000-a000-0000000000ff");

        assertError(otherApp, 404, "PowerBIEntityNotFound", null);
        assertError(unknown, 404, "PowerBIEntityNotFound", null);
    }

    @Test
    void profileMembershipCountsInsteadOfTheApps() {
        // the app is a member of Ops, its profile is not
        Reply r = export(WS_OPS, RPT_OPS, api.contosoToken(), PDF, "X-PowerBI-Profile-Id", PROFILE);

        assertError(r, 404, "PowerBIEntityNotFound", null);
        assertThat(contoso(WS_OPS, RPT_OPS, PDF).status()).isEqualTo(202);
    }

    @Test
    void malformedProfileIdAnswers400() {
        assertError(export(WS_SALES, RPT_SALES, api.contosoToken(), PDF, "X-PowerBI-Profile-Id", "not-a-guid"),
                400, "InvalidRequest", null);
    }

    @Test
    void checksRunInTheServicesOrder() {
        String expired = api.token(NORTHWIND, NORTHWIND_APP, c -> c.put("exp", api.clock.instant().getEpochSecond() - 1));
        // token before tenant setting
        assertThat(export(WS_NORTHWIND, RPT_NORTHWIND, expired, PDF).errorCode()).isEqualTo("TokenExpired");
        // tenant setting before workspace
        assertThat(export("3d5e0000-0000-4000-a000-0000000000ff", RPT_NORTHWIND, api.token(NORTHWIND, NORTHWIND_APP), PDF)
                .status()).isEqualTo(401);
        // workspace before body validation of the report's format
        assertThat(contoso(WS_FINANCE_NO_ACCESS, RPT_FINANCE, "{\"format\":\"XLSX\"}").status()).isEqualTo(404);
        // capacity before report
        assertThat(contoso(WS_SHARED, "7e000000-0000-4000-a000-0000000000ff", PDF).status()).isEqualTo(403);
        // report before format
        assertThat(contoso(WS_SALES, "7e000000-0000-4000-a000-0000000000ff", "{\"format\":\"XLSX\"}").status()).isEqualTo(404);
        // format before page count
        assertThat(contoso(WS_SALES, RPT_60_PAGES, "{\"format\":\"CSV\"}").json().path("error").path("message").asText())
                .contains("only supported for paginated reports");
        assertThat(api.fake().starts()).isEmpty();
    }
}
