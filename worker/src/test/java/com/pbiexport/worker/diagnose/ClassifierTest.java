package com.pbiexport.worker.diagnose;

import com.pbiexport.contracts.ErrorCategory;
import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.auth.TokenFailure;
import com.pbiexport.worker.powerbi.PowerBiException;
import com.pbiexport.worker.powerbi.PowerBiFailure;
import com.pbiexport.worker.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.stream.Stream;

import static com.pbiexport.worker.diagnose.Failures.GOV_AUD;
import static com.pbiexport.worker.diagnose.Failures.GRAPH_AUD;
import static com.pbiexport.worker.diagnose.Failures.PUBLIC_AUD;
import static com.pbiexport.worker.diagnose.Failures.http;
import static com.pbiexport.worker.diagnose.Failures.kind;
import static com.pbiexport.worker.diagnose.Failures.rejected;
import static com.pbiexport.worker.diagnose.Failures.withAudience;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ClassifierTest {
    private static final Classifier CLASSIFIER = new Classifier();
    private static final ClassificationContext NONE = ClassificationContext.empty();

    /** One row per mapping: a description, how to classify, the expected code. */
    static Stream<Arguments> mappings() {
        return Stream.of(
                // ---- tokens: AADSTS numbers first ----
                row("AADSTS7000215 invalid secret", t(rejected(401, "invalid_client", 7000215)), ErrorCode.AUTH_INVALID_SECRET),
                row("AADSTS7000222 expired secret", t(rejected(401, "invalid_client", 7000222)), ErrorCode.AUTH_SECRET_EXPIRED),
                row("AADSTS700016 app not in tenant", t(rejected(400, "unauthorized_client", 700016)), ErrorCode.AUTH_APP_NOT_FOUND),
                row("AADSTS90002 tenant not found", t(rejected(400, "invalid_request", 90002)), ErrorCode.AUTH_TENANT_NOT_FOUND),
                row("AADSTS900023 bad tenant identifier", t(rejected(400, "invalid_request", 900023)), ErrorCode.AUTH_TENANT_NOT_FOUND),
                row("AADSTS70011 invalid scope", t(rejected(400, "invalid_scope", 70011)), ErrorCode.AUTH_INVALID_SCOPE),
                row("AADSTS1002012 scope without /.default", t(rejected(400, "invalid_scope", 1002012)), ErrorCode.AUTH_INVALID_SCOPE),
                row("AADSTS700022 several resources", t(rejected(400, "invalid_scope", 700022)), ErrorCode.AUTH_INVALID_SCOPE),
                row("AADSTS500011 resource principal not found", t(rejected(400, "invalid_resource", 500011)), ErrorCode.AUTH_INVALID_SCOPE),
                row("AADSTS7000218 missing credential", t(rejected(401, "invalid_client", 7000218)), ErrorCode.AUTH_MISSING_CREDENTIAL),
                row("AADSTS700027 bad assertion signature", t(rejected(401, "invalid_client", 700027)), ErrorCode.AUTH_BAD_ASSERTION),
                row("AADSTS700024 assertion outside time range", t(rejected(401, "invalid_client", 700024)), ErrorCode.AUTH_BAD_ASSERTION),
                row("AADSTS700213 no federated identity record", t(rejected(401, "invalid_client", 700213)), ErrorCode.AUTH_BAD_ASSERTION),
                row("AADSTS7000112 app disabled", t(rejected(400, "unauthorized_client", 7000112)), ErrorCode.AUTH_APP_DISABLED),
                row("AADSTS90055 throttled", t(rejected(429, "temporarily_unavailable", 90055)), ErrorCode.AUTH_THROTTLED),
                row("unknown AADSTS number", t(rejected(400, "invalid_request", 123456)), ErrorCode.AUTH_REJECTED),
                row("invalid_scope without number", t(rejected(400, "invalid_scope", null)), ErrorCode.AUTH_INVALID_SCOPE),
                row("429 without number", t(rejected(429, null, null)), ErrorCode.AUTH_THROTTLED),
                row("503 from Entra", t(rejected(503, "temporarily_unavailable", 90033)), ErrorCode.AUTH_UNAVAILABLE),
                row("kind THROTTLED", t(kind(TokenFailure.Kind.THROTTLED, 429, null)), ErrorCode.AUTH_THROTTLED),
                row("kind UNAVAILABLE", t(kind(TokenFailure.Kind.UNAVAILABLE, null, null)), ErrorCode.AUTH_UNAVAILABLE),
                row("kind CREDENTIAL_UNREADABLE", t(kind(TokenFailure.Kind.CREDENTIAL_UNREADABLE, null, null)),
                        ErrorCode.AUTH_CREDENTIAL_UNREADABLE),

                // ---- Power BI: audience of the token we sent wins on 401/403 ----
                row("401 with a Graph token", p(http(401, "PowerBINotAuthorizedException", null),
                        withAudience(GRAPH_AUD, PUBLIC_AUD)), ErrorCode.TOKEN_AUDIENCE_GRAPH),
                row("403 with a Graph token (forum reports)", p(http(403, null, null),
                        withAudience("00000003-0000-0000-c000-000000000000", null)), ErrorCode.TOKEN_AUDIENCE_GRAPH),
                row("401 with a public token on a GCC API", p(http(401, "PowerBINotAuthorizedException", null),
                        withAudience(PUBLIC_AUD, GOV_AUD)), ErrorCode.TOKEN_AUDIENCE_WRONG_CLOUD),
                row("401 with some other audience", p(http(401, "PowerBINotAuthorizedException", null),
                        withAudience("https://management.azure.com", PUBLIC_AUD)), ErrorCode.TOKEN_AUDIENCE_UNEXPECTED),
                row("403 TokenExpired after refresh", p(http(403, "TokenExpired",
                        "Access token has expired, resubmit with a new access token"), withAudience(PUBLIC_AUD + "/", PUBLIC_AUD)),
                        ErrorCode.TOKEN_EXPIRED),

                // ---- Power BI: codes and X-PowerBI-Error-Info ----
                row("401 tenant switch off", p(http(401, "PowerBINotAuthorizedException", null),
                        NONE.withErrorInfo("ServicePrincipalIsNotAllowedByTenantAdminSwitch")),
                        ErrorCode.PBI_SERVICE_PRINCIPALS_DISABLED),
                row("401 workspace of another tenant", p(http(401, "PowerBINotAuthorizedException", null),
                        NONE.withErrorInfo("WorkspaceBelongsToAnotherTenant")), ErrorCode.PBI_WORKSPACE_OTHER_TENANT),
                row("401 without detail", p(http(401, "PowerBINotAuthorizedException", null), withAudience(PUBLIC_AUD, PUBLIC_AUD)),
                        ErrorCode.PBI_UNAUTHORIZED),
                row("404 workspace not found", p(http(404, "PowerBIEntityNotFound", "Workspace x was not found"),
                        NONE.withErrorInfo("WorkspaceNotFound")), ErrorCode.PBI_WORKSPACE_NOT_FOUND),
                row("404 workspace that exists: not a member", p(http(404, "PowerBIEntityNotFound", null),
                        NONE.withErrorInfo("WorkspaceNotFound").withWorkspaceExists(true)), ErrorCode.PBI_NOT_WORKSPACE_MEMBER),
                row("403 on a workspace that exists", p(http(403, null, null), NONE.withWorkspaceExists(true)),
                        ErrorCode.PBI_NOT_WORKSPACE_MEMBER),
                row("404 report not found", p(http(404, "PowerBIEntityNotFound", null), NONE.withErrorInfo("ReportNotFound")),
                        ErrorCode.PBI_REPORT_NOT_FOUND),
                row("404 PowerBIEntityNotFound without info", p(http(404, "PowerBIEntityNotFound", null), NONE),
                        ErrorCode.PBI_REPORT_NOT_FOUND),
                row("404 profile not found", p(http(404, "PowerBIEntityNotFound", null), NONE.withErrorInfo("ProfileNotFound")),
                        ErrorCode.PBI_PROFILE_NOT_FOUND),
                row("404 export not found", p(http(404, "PowerBIEntityNotFound", null), NONE.withErrorInfo("ExportNotFound")),
                        ErrorCode.PBI_EXPORT_NOT_FOUND),
                row("404 file expired", p(http(404, "PowerBIEntityNotFound", null), NONE.withErrorInfo("ExportFileExpired")),
                        ErrorCode.FILE_EXPIRED),
                row("404 workspace, header lost: message refines the code", p(http(404, "PowerBIEntityNotFound",
                        "Workspace w was not found"), NONE), ErrorCode.PBI_WORKSPACE_NOT_FOUND),
                row("404 profile, header lost", p(http(404, "PowerBIEntityNotFound",
                        "Service principal profile p was not found"), NONE), ErrorCode.PBI_PROFILE_NOT_FOUND),
                row("404 export, header lost", p(http(404, "PowerBIEntityNotFound", "Export e was not found"), NONE),
                        ErrorCode.PBI_EXPORT_NOT_FOUND),
                row("404 expired file, header lost", p(http(404, "PowerBIEntityNotFound",
                        "The export file expired at 2024-01-01T00:00:00Z"), NONE), ErrorCode.FILE_EXPIRED),
                row("403 paused capacity, header lost", p(http(403, "FeatureNotAvailableError", "Capacity c is Paused"),
                        NONE), ErrorCode.PBI_CAPACITY_NOT_ACTIVE),
                row("403 PPU, header lost", p(http(403, "FeatureNotAvailableError",
                        "Export to file of Power BI reports is not supported on Premium Per User"), NONE),
                        ErrorCode.PBI_PPU_NOT_SUPPORTED),
                row("404 ItemNotFound", p(http(404, "ItemNotFound", null), NONE), ErrorCode.PBI_NOT_FOUND),
                row("404 without code", p(http(404, null, null), NONE), ErrorCode.PBI_NOT_FOUND),
                row("403 shared capacity", p(http(403, "FeatureNotAvailableError", null),
                        NONE.withErrorInfo("WorkspaceNotOnDedicatedCapacity")), ErrorCode.PBI_NO_DEDICATED_CAPACITY),
                row("403 FeatureNotAvailableError without info", p(http(403, "FeatureNotAvailableError", null), NONE),
                        ErrorCode.PBI_NO_DEDICATED_CAPACITY),
                row("403 capacity paused", p(http(403, "FeatureNotAvailableError", null), NONE.withErrorInfo("CapacityNotActive")),
                        ErrorCode.PBI_CAPACITY_NOT_ACTIVE),
                row("403 PPU", p(http(403, "FeatureNotAvailableError", null),
                        NONE.withErrorInfo("PowerBIReportExportNotSupportedOnPremiumPerUser")), ErrorCode.PBI_PPU_NOT_SUPPORTED),
                row("403 format disabled", p(http(403, "ExportFormatDisabledByTenantAdminSwitch", null), NONE),
                        ErrorCode.PBI_FORMAT_DISABLED_BY_TENANT),
                row("403 ExportData_DisabledForTenant", p(http(403, "ExportData_DisabledForTenant", null), NONE),
                        ErrorCode.PBI_FORMAT_DISABLED_BY_TENANT),
                row("403 observed PNG text without code", p(http(403, null,
                        "Export report to image is disabled on tenant level"), NONE), ErrorCode.PBI_FORMAT_DISABLED_BY_TENANT),
                row("403 sensitivity label", p(http(403, "ExportSensitivityLabeledReportNotSupportedForServicePrincipal", null),
                        NONE), ErrorCode.PBI_SENSITIVITY_LABEL),
                row("403 My-workspace body", p(http(403, null, "API is not accessible for application"), NONE),
                        ErrorCode.PBI_MY_WORKSPACE_ROUTE),
                row("403 on a My-workspace route", p(http(403, null, null), NONE.withMyWorkspaceRoute(true)),
                        ErrorCode.PBI_MY_WORKSPACE_ROUTE),
                row("403 without detail", p(http(403, null, null), NONE), ErrorCode.PBI_FORBIDDEN),
                row("400 paginated-only format (text)", p(http(400, "InvalidRequest",
                        "Format XLSX is only supported for paginated reports"), NONE),
                        ErrorCode.PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE),
                row("400 PNG of a paginated report (context)", p(http(400, "InvalidRequest", "Parameter format is missing or invalid"),
                        NONE.withFormat("PNG").withReportType(ClassificationContext.ReportType.PAGINATED_REPORT)),
                        ErrorCode.PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE),
                row("400 too many pages (text)", p(http(400, "InvalidRequest",
                        "The export request includes 60 pages or visuals; at most 50 are allowed"), NONE),
                        ErrorCode.PBI_TOO_MANY_PAGES),
                row("400 too many pages (context)", p(http(400, null, null), NONE.withPageCount(51)), ErrorCode.PBI_TOO_MANY_PAGES),
                row("400 other bad parameter", p(http(400, "InvalidRequest", "Parameter pageName is missing or invalid"), NONE),
                        ErrorCode.PBI_BAD_REQUEST),
                row("405", p(http(405, "MethodNotAllowed", null), NONE), ErrorCode.PBI_BAD_REQUEST),
                row("429", p(http(429, "TooManyRequests", null), NONE), ErrorCode.PBI_THROTTLED),
                row("500", p(http(500, "InternalServerError", null), NONE), ErrorCode.PBI_SERVER_ERROR),
                row("503 without body", p(http(503, null, null), NONE), ErrorCode.PBI_SERVER_ERROR),
                row("transport", p(new PowerBiFailure.Transport("poll", "Read timed out"), NONE), ErrorCode.PBI_TRANSPORT),
                row("decoding", p(new PowerBiFailure.Decoding("start", 202, "no export id", Optional.of("r")), NONE),
                        ErrorCode.PBI_DECODING),
                row("refused foreign host", p(new PowerBiFailure.Refused("download", "resourceLocation host evil.example"), NONE),
                        ErrorCode.PBI_REFUSED_FOREIGN_HOST),

                // ---- anything ----
                row("TokenAcquisitionException", x(new TokenAcquisitionException(rejected(401, "invalid_client", 7000215))),
                        ErrorCode.AUTH_INVALID_SECRET),
                row("PowerBiException in a CompletionException", x(new CompletionException(
                        new PowerBiException(http(429, "TooManyRequests", null)))), ErrorCode.PBI_THROTTLED),
                row("storage too large", x(new StorageException(StorageException.Kind.TOO_LARGE, "over 10 bytes")),
                        ErrorCode.STORAGE_TOO_LARGE),
                row("storage unavailable", x(new StorageException(StorageException.Kind.UNAVAILABLE, "disk full")),
                        ErrorCode.STORAGE_UNAVAILABLE),
                row("storage rejected", x(new StorageException(StorageException.Kind.REJECTED, "403 AuthorizationFailure")),
                        ErrorCode.STORAGE_REJECTED),
                row("storage invalid name", x(new StorageException(StorageException.Kind.INVALID_NAME, "../x")),
                        ErrorCode.INVALID_FILE_NAME),
                row("download broke while storing", x(new StorageException(StorageException.Kind.SOURCE_FAILED, "EOF")),
                        ErrorCode.PBI_TRANSPORT),
                row("a bug", x(new IllegalStateException("boom")), ErrorCode.INTERNAL_ERROR));
    }

    /** Codes other components create directly with {@link Diagnosis#of}: the classifier never needs to. */
    private static final Set<ErrorCode> RAISED_DIRECTLY = EnumSet.of(
            ErrorCode.EXPORT_FAILED, ErrorCode.EXPORT_BUSY_RETRIES_EXHAUSTED, ErrorCode.EXPORT_TIMEOUT,
            ErrorCode.REQUEST_EXPIRED, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_UNKNOWN_TENANT,
            ErrorCode.INVALID_GUID, ErrorCode.INVALID_FORMAT, ErrorCode.INVALID_FORMAT_FOR_REPORT_TYPE,
            ErrorCode.INVALID_CONFIGURATION, ErrorCode.INVALID_ATTRIBUTES);

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("mappings")
    void classifiesEachFailureToItsCode(String description, Function<Classifier, Diagnosis> input, ErrorCode expected) {
        Diagnosis d = input.apply(CLASSIFIER);

        assertThat(d.code()).isEqualTo(expected);
        assertThat(d.category()).isEqualTo(expected.category());
        assertThat(d.remediation()).isEqualTo(expected.remediation());
        assertThat(d.message()).isNotBlank();
    }

    @Test
    void everyCodeIsEitherClassifiedOrRaisedDirectly() {
        Set<ErrorCode> covered = EnumSet.copyOf(RAISED_DIRECTLY);
        mappings().forEach(a -> covered.add((ErrorCode) a.get()[2]));

        assertThat(EnumSet.complementOf(EnumSet.copyOf(covered))).isEmpty();
    }

    @Test
    void everyCodeHasACategoryAndAOneLineRemediation() {
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(c.category()).as(c.name()).isNotNull().isNotEqualTo(ErrorCategory.UNKNOWN);
            assertThat(c.remediation()).as(c.name()).isNotBlank().doesNotContain("\n");
        }
    }

    @Test
    void graphAudienceRemediationNamesThePowerBiScope() {
        assertThat(ErrorCode.TOKEN_AUDIENCE_GRAPH.remediation()).startsWith("The token's audience is Microsoft Graph;"
                + " request scope https://analysis.windows.net/powerbi/api/.default (not a bare .default)");
    }

    @Test
    void keepsStatusPowerBiCodeAndRequestIdOfAnHttpFailure() {
        Diagnosis d = CLASSIFIER.classify(http(404, "PowerBIEntityNotFound", "Report r was not found"),
                NONE.withErrorInfo("ReportNotFound"));

        assertThat(d.httpStatus()).contains(404);
        assertThat(d.powerBiErrorCode()).contains("PowerBIEntityNotFound");
        assertThat(d.powerBiRequestId()).contains("req-1");
        assertThat(d.aadsts()).isEmpty();
        assertThat(d.retryable()).isFalse();
        assertThat(d.message()).isEqualTo("Power BI start answered HTTP 404 PowerBIEntityNotFound (ReportNotFound):"
                + " Report r was not found");
    }

    @Test
    void namesBothAudiencesWhenTheTokenIsForAnotherCloud() {
        Diagnosis d = CLASSIFIER.classify(http(401, "PowerBINotAuthorizedException", null),
                withAudience(PUBLIC_AUD, GOV_AUD));

        assertThat(d.message()).isEqualTo("Power BI start answered HTTP 401 PowerBINotAuthorizedException; the token's"
                + " audience is https://analysis.windows.net/powerbi/api, expected"
                + " https://analysis.usgovcloudapi.net/powerbi/api");
    }

    @Test
    void keepsAadstsAndStatusOfATokenFailure() {
        Diagnosis d = CLASSIFIER.classify(rejected(401, "invalid_client", 7000222));

        assertThat(d.aadsts()).contains(7000222);
        assertThat(d.httpStatus()).contains(401);
        assertThat(d.message()).isEqualTo("Entra ID rejected the token request for tenant 'contoso' (HTTP 401):"
                + " AADSTS7000222: Entra said no.");
    }

    @Test
    void throttlingIsRetryable() {
        assertThat(CLASSIFIER.classify(http(429, "TooManyRequests", null), NONE).retryable()).isTrue();
        assertThat(CLASSIFIER.classify(kind(TokenFailure.Kind.THROTTLED, 429, 90055)).retryable()).isTrue();
        assertThat(CLASSIFIER.classify(http(500, null, null), NONE).retryable()).isTrue();
    }

    @Test
    void aTokenFailureIsNotBlamedOnTheAudienceOfASuccessfulCall() {
        // 404 with a Graph token: the audience check applies only to 401/403.
        Diagnosis d = CLASSIFIER.classify(http(404, "PowerBIEntityNotFound", null),
                withAudience(GRAPH_AUD, PUBLIC_AUD).withErrorInfo("ReportNotFound"));

        assertThat(d.code()).isEqualTo(ErrorCode.PBI_REPORT_NOT_FOUND);
    }

    @Test
    void internalErrorNeverLeaksTheExceptionMessage() {
        Diagnosis d = CLASSIFIER.classify(new IllegalArgumentException("client_secret=hunter2"));

        assertThat(d.message()).doesNotContain("hunter2").startsWith("Unexpected java.lang.IllegalArgumentException at"
                + " com.pbiexport.worker.diagnose.ClassifierTest.internalErrorNeverLeaksTheExceptionMessage:");
        assertThat(d.category()).isEqualTo(ErrorCategory.INTERNAL);
    }

    @Test
    void unwrapsACauseChain() {
        RuntimeException wrapped = new RuntimeException("outer",
                new TokenAcquisitionException(kind(TokenFailure.Kind.UNAVAILABLE, null, null)));

        assertThat(CLASSIFIER.classify(wrapped).code()).isEqualTo(ErrorCode.AUTH_UNAVAILABLE);
    }

    @Test
    void quotesLongServiceMessagesOnOneShortLine() {
        String longText = "line one\nline two " + "x".repeat(500);
        Diagnosis d = CLASSIFIER.classify(http(400, "InvalidRequest", longText), NONE);

        assertThat(d.message()).doesNotContain("\n").endsWith("...");
        assertThat(d.message().length()).isLessThan(400);
    }

    @Test
    void aWorkspaceTheAdminApiListsIsReReadAsNotAMemberKeepingPowerBisAnswer() {
        Diagnosis notFound = CLASSIFIER.classify(http(404, "PowerBIEntityNotFound", "Workspace w was not found"), NONE);
        assertThat(notFound.code()).isEqualTo(ErrorCode.PBI_WORKSPACE_NOT_FOUND);

        Diagnosis d = CLASSIFIER.withWorkspaceEvidence(notFound, new WorkspaceEvidence.Exists("w", "Finance"));

        assertThat(d.code()).isEqualTo(ErrorCode.PBI_NOT_WORKSPACE_MEMBER)
                .as("the same code the classifier gives when told the workspace exists")
                .isEqualTo(CLASSIFIER.classify(http(404, "PowerBIEntityNotFound", "Workspace w was not found"),
                        NONE.withWorkspaceExists(true)).code());
        assertThat(d.category()).isEqualTo(ErrorCategory.PERMISSION);
        assertThat(d.remediation()).isEqualTo(ErrorCode.PBI_NOT_WORKSPACE_MEMBER.remediation());
        assertThat(d.message()).startsWith(notFound.message()).endsWith("workspace 'Finance' (w) exists but the "
                + "service principal is not a member (read-only admin API)");
        assertThat(d.httpStatus()).contains(404);
        assertThat(d.powerBiErrorCode()).contains("PowerBIEntityNotFound");
        assertThat(d.powerBiRequestId()).contains("req-1");
    }

    @Test
    void aWorkspaceTheAdminApiDoesNotListIsProvenUnknownAndAnUnansweredLookUpSaysWhy() {
        Diagnosis notFound = CLASSIFIER.classify(http(404, "PowerBIEntityNotFound", "Workspace w was not found"), NONE);

        Diagnosis absent = CLASSIFIER.withWorkspaceEvidence(notFound, new WorkspaceEvidence.Absent("w",
                Optional.empty()));
        Diagnosis refused = CLASSIFIER.withWorkspaceEvidence(notFound, new WorkspaceEvidence.Unknown(
                WorkspaceEvidence.Reason.REFUSED, "app-2", "HTTP 401 PowerBINotAuthorizedException", Optional.empty()));
        Diagnosis notAsked = CLASSIFIER.withWorkspaceEvidence(notFound, WorkspaceEvidence.notAsked("app-2", ""));

        assertThat(absent.code()).isEqualTo(ErrorCode.PBI_WORKSPACE_NOT_FOUND);
        assertThat(absent.message()).endsWith("no workspace with id w exists in the tenant (read-only admin API)");
        assertThat(refused.code()).isEqualTo(ErrorCode.PBI_WORKSPACE_NOT_FOUND);
        assertThat(refused.message()).contains("could not be told apart", "refused this app (HTTP 401",
                "enable the tenant setting 'Service principals can access read-only admin APIs' for a security group "
                        + "containing app app-2");
        assertThat(notAsked).as("nothing to add").isEqualTo(notFound);
    }

    @Test
    void workspaceEvidenceNeverChangesAnotherCode() {
        Diagnosis report = CLASSIFIER.classify(http(404, "PowerBIEntityNotFound", "Report r was not found"), NONE);

        assertThat(CLASSIFIER.withWorkspaceEvidence(report, new WorkspaceEvidence.Exists("w", "Finance")))
                .isEqualTo(report);
    }

    // ---- row helpers ----

    private static Arguments row(String description, Function<Classifier, Diagnosis> input, ErrorCode expected) {
        return arguments(description, input, expected);
    }

    private static Function<Classifier, Diagnosis> t(TokenFailure f) {
        return c -> c.classify(f);
    }

    private static Function<Classifier, Diagnosis> p(PowerBiFailure f, ClassificationContext ctx) {
        return c -> c.classify(f, ctx);
    }

    private static Function<Classifier, Diagnosis> x(Throwable t) {
        return c -> c.classify(t);
    }
}
