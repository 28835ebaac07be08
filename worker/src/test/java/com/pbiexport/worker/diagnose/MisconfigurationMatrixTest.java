package com.pbiexport.worker.diagnose;

import com.pbiexport.contracts.ErrorCode;

import com.pbiexport.worker.auth.TokenFailure;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static com.pbiexport.worker.diagnose.Failures.GOV_AUD;
import static com.pbiexport.worker.diagnose.Failures.GRAPH_AUD;
import static com.pbiexport.worker.diagnose.Failures.PUBLIC_AUD;
import static com.pbiexport.worker.diagnose.Failures.http;
import static com.pbiexport.worker.diagnose.Failures.kind;
import static com.pbiexport.worker.diagnose.Failures.rejected;
import static com.pbiexport.worker.diagnose.Failures.withAudience;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The misconfiguration matrix of issue 5 as Power BI's answer alone shows it (status, error.code, observed
 * X-PowerBI-Error-Info values, AADSTS) plus what the worker knows. A cause the answer proves has its own code; causes
 * the answer cannot tell apart (every 404 names no entity; a 403 on ExportTo names no prerequisite) share the
 * general code, whatever invented header the simulator adds, until the worker's look-ups decide
 * ({@code EvidenceRulesTest}). No two rows share a code: a cause reported as another sends the person fixing it down
 * the wrong path.
 */
class MisconfigurationMatrixTest {
    private static final Classifier CLASSIFIER = new Classifier();
    private static final ClassificationContext PBI_TOKEN = withAudience(PUBLIC_AUD, PUBLIC_AUD);

    /** Cause -> its variants (one cause may show up in several ways; all must agree). */
    private static Map<String, List<Supplier<Diagnosis>>> matrix() {
        Map<String, List<Supplier<Diagnosis>>> m = new LinkedHashMap<>();
        m.put("Graph-audience token (bare .default or a Graph scope)", List.of(
                () -> CLASSIFIER.classify(http(401, "PowerBINotAuthorizedException", null),
                        withAudience(GRAPH_AUD, PUBLIC_AUD)),
                () -> CLASSIFIER.classify(http(403, null, null), withAudience(GRAPH_AUD + "/", PUBLIC_AUD))));
        m.put("wrong client secret", List.of(() -> CLASSIFIER.classify(rejected(401, "invalid_client", 7000215))));
        m.put("expired client secret", List.of(() -> CLASSIFIER.classify(rejected(401, "invalid_client", 7000222))));
        m.put("application not found in the tenant",
                List.of(() -> CLASSIFIER.classify(rejected(400, "unauthorized_client", 700016))));
        m.put("tenant not found", List.of(() -> CLASSIFIER.classify(rejected(400, "invalid_request", 90002))));
        m.put("tenant setting for service principals off", List.of(
                () -> CLASSIFIER.classify(http(401, "PowerBINotAuthorizedException", null),
                        PBI_TOKEN.withErrorInfo("ServicePrincipalIsNotAllowedByTenantAdminSwitch"))));
        m.put("My-workspace route used by a service principal", List.of(
                () -> CLASSIFIER.classify(http(403, null, null), PBI_TOKEN.withMyWorkspaceRoute(true)),
                () -> CLASSIFIER.classify(http(403, null, "API is not accessible for application"),
                        PBI_TOKEN.withMyWorkspaceRoute(true))));
        m.put("format not supported by the report type (report type known)", List.of(
                () -> CLASSIFIER.classify(http(400, "InvalidRequest", "Format XLSX is only supported for paginated reports"),
                        PBI_TOKEN.withFormat("XLSX").withReportType(ClassificationContext.ReportType.POWER_BI_REPORT)),
                () -> CLASSIFIER.classify(http(400, "InvalidRequest", null), PBI_TOKEN.withFormat("PNG")
                        .withReportType(ClassificationContext.ReportType.PAGINATED_REPORT))));
        m.put("more than 50 pages (page count known)", List.of(
                () -> CLASSIFIER.classify(http(400, "InvalidRequest", null), PBI_TOKEN.withPageCount(51))));
        m.put("token expired mid-job (still expired after a refresh)", List.of(
                () -> CLASSIFIER.classify(http(403, "TokenExpired",
                        "Access token has expired, resubmit with a new access token"), PBI_TOKEN),
                () -> CLASSIFIER.classify(http(403, null, "(empty body)"), PBI_TOKEN.withErrorInfo("TokenExpired"))));
        m.put("token invalid (observed header)", List.of(
                () -> CLASSIFIER.classify(http(403, null, "(empty body)"), PBI_TOKEN.withErrorInfo("InvalidToken"))));
        m.put("token endpoint throttled", List.of(
                () -> CLASSIFIER.classify(rejected(429, "temporarily_unavailable", 90055)),
                () -> CLASSIFIER.classify(kind(TokenFailure.Kind.THROTTLED, 429, 90055))));
        m.put("public-cloud token against a sovereign API root (and the reverse), by the token's claim", List.of(
                () -> CLASSIFIER.classify(http(401, "PowerBINotAuthorizedException", null),
                        withAudience(PUBLIC_AUD, GOV_AUD)),
                () -> CLASSIFIER.classify(http(401, "PowerBINotAuthorizedException", null),
                        withAudience(GOV_AUD, PUBLIC_AUD))));
        m.put("a 404 naming no entity: unknown workspace, non-member, unknown report or profile (look-ups decide)",
                List.of(
                () -> CLASSIFIER.classify(http(404, "PowerBIEntityNotFound", "Workspace w was not found"),
                        PBI_TOKEN.withErrorInfo("WorkspaceNotFound")),
                () -> CLASSIFIER.classify(http(404, "PowerBIEntityNotFound", null),
                        PBI_TOKEN.withErrorInfo("WorkspaceNotFound").withWorkspaceExists(true)),
                () -> CLASSIFIER.classify(http(404, "PowerBIEntityNotFound", "Report r was not found"),
                        PBI_TOKEN.withErrorInfo("ReportNotFound")),
                () -> CLASSIFIER.classify(http(404, "PowerBIEntityNotFound", null),
                        PBI_TOKEN.withErrorInfo("ProfileNotFound").withProfileId("p")),
                () -> CLASSIFIER.classify(http(404, null, "(empty body)"), PBI_TOKEN)));
        m.put("a 403 on ExportTo naming no prerequisite: capacity, PPU, format setting, label (look-ups decide)",
                List.of(
                () -> CLASSIFIER.classify(http(403, "FeatureNotAvailableError", "Export to file requires ..."),
                        PBI_TOKEN.withErrorInfo("WorkspaceNotOnDedicatedCapacity")),
                () -> CLASSIFIER.classify(http(403, "FeatureNotAvailableError",
                        "Export to file of Power BI reports is not supported on Premium Per User"),
                        PBI_TOKEN.withErrorInfo("PowerBIReportExportNotSupportedOnPremiumPerUser")),
                () -> CLASSIFIER.classify(http(403, "ExportFormatDisabledByTenantAdminSwitch", null),
                        PBI_TOKEN.withFormat("PNG").withErrorInfo("ExportFormatDisabledByTenantAdminSwitch")),
                () -> CLASSIFIER.classify(http(403, "ExportSensitivityLabeledReportNotSupportedForServicePrincipal",
                        null), PBI_TOKEN.withFormat("PDF")),
                () -> CLASSIFIER.classify(http(403, null, null), PBI_TOKEN.withWorkspaceExists(true))));
        m.put("a bare 401 with a token of the right audience (cloud probe and doctor decide)", List.of(
                () -> CLASSIFIER.classify(http(401, "PowerBINotAuthorizedException", null), PBI_TOKEN),
                () -> CLASSIFIER.classify(http(401, "PowerBINotAuthorizedException", null),
                        PBI_TOKEN.withErrorInfo("WorkspaceBelongsToAnotherTenant"))));
        return m;
    }

    @Test
    void everyCauseHasItsOwnCodeAndAllItsVariantsAgree() {
        Map<ErrorCode, String> owner = new EnumMap<>(ErrorCode.class);
        matrix().forEach((cause, variants) -> {
            ErrorCode code = variants.get(0).get().code();
            for (Supplier<Diagnosis> v : variants) {
                assertThat(v.get().code()).as("variant of '%s'", cause).isEqualTo(code);
            }
            String previous = owner.put(code, cause);
            assertThat(previous).as("'%s' and '%s' both map to %s", previous, cause, code).isNull();
        });
        assertThat(owner).hasSize(matrix().size());
    }

    @Test
    void namesTheExpectedCodeForEachCause() {
        List<ErrorCode> codes = List.of(ErrorCode.TOKEN_AUDIENCE_GRAPH, ErrorCode.AUTH_INVALID_SECRET,
                ErrorCode.AUTH_SECRET_EXPIRED, ErrorCode.AUTH_APP_NOT_FOUND, ErrorCode.AUTH_TENANT_NOT_FOUND,
                ErrorCode.PBI_SERVICE_PRINCIPALS_DISABLED, ErrorCode.PBI_MY_WORKSPACE_ROUTE,
                ErrorCode.PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE, ErrorCode.PBI_TOO_MANY_PAGES, ErrorCode.TOKEN_EXPIRED,
                ErrorCode.TOKEN_INVALID, ErrorCode.AUTH_THROTTLED, ErrorCode.TOKEN_AUDIENCE_WRONG_CLOUD,
                ErrorCode.PBI_NOT_FOUND, ErrorCode.PBI_FORBIDDEN, ErrorCode.PBI_UNAUTHORIZED);
        List<String> causes = List.copyOf(matrix().keySet());
        assertThat(causes).hasSameSizeAs(codes);
        for (int i = 0; i < causes.size(); i++) {
            assertThat(matrix().get(causes.get(i)).get(0).get().code()).as(causes.get(i)).isEqualTo(codes.get(i));
        }
    }
}
