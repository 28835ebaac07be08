package com.pbiexport.worker.diagnose;

import com.pbiexport.contracts.ErrorCode;

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

import com.pbiexport.worker.powerbi.ErrorSignals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
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
    private static final Classifier CLASSIFIER = new Classifier(Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"),
            ZoneOffset.UTC));
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

                // ---- Power BI: the token's decoded audience is evidence on 401/403 ----
                row("401 with a Graph token", p(http(401, "PowerBINotAuthorizedException", null),
                        withAudience(GRAPH_AUD, PUBLIC_AUD)), ErrorCode.TOKEN_AUDIENCE_GRAPH),
                row("403 with a Graph token (forum reports)", p(http(403, null, null),
                        withAudience("00000003-0000-0000-c000-000000000000", null)), ErrorCode.TOKEN_AUDIENCE_GRAPH),
                row("401 with a public token on a GCC API", p(http(401, "PowerBINotAuthorizedException", null),
                        withAudience(PUBLIC_AUD, GOV_AUD)), ErrorCode.TOKEN_AUDIENCE_WRONG_CLOUD),
                row("401 with some other audience", p(http(401, "PowerBINotAuthorizedException", null),
                        withAudience("https://management.azure.com", PUBLIC_AUD)), ErrorCode.TOKEN_AUDIENCE_UNEXPECTED),
                row("403 TokenExpired body after refresh", p(http(403, "TokenExpired",
                        "Access token has expired, resubmit with a new access token"), withAudience(PUBLIC_AUD + "/", PUBLIC_AUD)),
                        ErrorCode.TOKEN_EXPIRED),

                // ---- Power BI: observed X-PowerBI-Error-Info values only ----
                row("401 tenant switch off (observed header)", p(http(401, "PowerBINotAuthorizedException", null),
                        NONE.withErrorInfo("ServicePrincipalIsNotAllowedByTenantAdminSwitch")),
                        ErrorCode.PBI_SERVICE_PRINCIPALS_DISABLED),
                row("403 empty body, TokenExpired header (measured)", p(http(403, null, "(empty body)"),
                        NONE.withErrorInfo("TokenExpired")), ErrorCode.TOKEN_EXPIRED),
                row("403 empty body, InvalidToken header (measured)", p(http(403, null, "(empty body)"),
                        NONE.withErrorInfo("InvalidToken")), ErrorCode.TOKEN_INVALID),
                row("401 GroupNotAccessible (measured): not a member or no such workspace", p(http(401,
                        "PowerBINotAuthorizedException", null), NONE.withErrorInfo("GroupNotAccessible")),
                        ErrorCode.PBI_WORKSPACE_AMBIGUOUS),
                row("401 without detail", p(http(401, "PowerBINotAuthorizedException", null), withAudience(PUBLIC_AUD, PUBLIC_AUD)),
                        ErrorCode.PBI_UNAUTHORIZED),

                // ---- invented header values and body codes are never evidence ----
                row("401 invented WorkspaceBelongsToAnotherTenant", p(http(401, "PowerBINotAuthorizedException", null),
                        NONE.withErrorInfo("WorkspaceBelongsToAnotherTenant")), ErrorCode.PBI_UNAUTHORIZED),
                row("404 invented WorkspaceNotFound", p(http(404, "PowerBIEntityNotFound", "Workspace x was not found"),
                        NONE.withErrorInfo("WorkspaceNotFound")), ErrorCode.PBI_NOT_FOUND),
                row("404 invented ReportNotFound", p(http(404, "PowerBIEntityNotFound", null),
                        NONE.withErrorInfo("ReportNotFound")), ErrorCode.PBI_NOT_FOUND),
                row("404 invented ProfileNotFound", p(http(404, "PowerBIEntityNotFound", null),
                        NONE.withErrorInfo("ProfileNotFound")), ErrorCode.PBI_NOT_FOUND),
                row("404 invented ExportNotFound", p(http(404, "PowerBIEntityNotFound", null),
                        NONE.withErrorInfo("ExportNotFound")), ErrorCode.PBI_NOT_FOUND),
                row("404 invented ExportFileExpired", p(http(404, "PowerBIEntityNotFound", null),
                        NONE.withOperation(PowerBiCall.DOWNLOAD).withErrorInfo("ExportFileExpired")), ErrorCode.PBI_NOT_FOUND),
                row("404 wording names the workspace: not proof", p(http(404, "PowerBIEntityNotFound",
                        "Workspace w was not found"), NONE), ErrorCode.PBI_NOT_FOUND),
                row("404 wording names the profile: not proof", p(http(404, "PowerBIEntityNotFound",
                        "Service principal profile p was not found"), NONE), ErrorCode.PBI_NOT_FOUND),
                row("403 invented FeatureNotAvailableError + CapacityNotActive", p(http(403, "FeatureNotAvailableError",
                        "Capacity c is Paused"), NONE.withErrorInfo("CapacityNotActive")), ErrorCode.PBI_FORBIDDEN),
                row("403 invented WorkspaceNotOnDedicatedCapacity", p(http(403, "FeatureNotAvailableError", null),
                        NONE.withErrorInfo("WorkspaceNotOnDedicatedCapacity")), ErrorCode.PBI_FORBIDDEN),
                row("403 invented PPU header", p(http(403, "FeatureNotAvailableError",
                        "Export to file of Power BI reports is not supported on Premium Per User"),
                        NONE.withErrorInfo("PowerBIReportExportNotSupportedOnPremiumPerUser")), ErrorCode.PBI_FORBIDDEN),
                row("403 invented format-disabled code", p(http(403, "ExportFormatDisabledByTenantAdminSwitch", null),
                        NONE.withErrorInfo("ExportFormatDisabledByTenantAdminSwitch")), ErrorCode.PBI_FORBIDDEN),
                row("403 invented sensitivity-label code", p(http(403,
                        "ExportSensitivityLabeledReportNotSupportedForServicePrincipal", null), NONE), ErrorCode.PBI_FORBIDDEN),
                row("403 PNG wording without code: not proof", p(http(403, null,
                        "Export report to image is disabled on tenant level"), NONE), ErrorCode.PBI_FORBIDDEN),
                row("403 My-workspace wording alone: not proof", p(http(403, null, "API is not accessible for application"),
                        NONE), ErrorCode.PBI_FORBIDDEN),
                row("403 on a workspace known to exist: still general", p(http(403, null, null),
                        NONE.withWorkspaceExists(true)), ErrorCode.PBI_FORBIDDEN),

                // ---- what the caller knows ----
                row("403 on a My-workspace route", p(http(403, null, null), NONE.withMyWorkspaceRoute(true)),
                        ErrorCode.PBI_MY_WORKSPACE_ROUTE),
                row("404 on the file after the expirationTime the worker saw", p(http(404, "PowerBIEntityNotFound", null),
                        NONE.withOperation(PowerBiCall.DOWNLOAD).withExportExpiresAt(Instant.parse("2026-01-01T00:00:00Z"))),
                        ErrorCode.FILE_EXPIRED),
                row("404 on the file before its expirationTime", p(http(404, "PowerBIEntityNotFound", null),
                        NONE.withOperation(PowerBiCall.DOWNLOAD).withExportExpiresAt(Instant.parse("2027-01-01T00:00:00Z"))),
                        ErrorCode.PBI_NOT_FOUND),
                row("404 ItemNotFound", p(http(404, "ItemNotFound", null), NONE), ErrorCode.PBI_NOT_FOUND),
                row("404 without code", p(http(404, null, null), NONE), ErrorCode.PBI_NOT_FOUND),
                row("403 without detail", p(http(403, null, null), NONE), ErrorCode.PBI_FORBIDDEN),
                row("400 paginated-only format (wording only: not proof)", p(http(400, "InvalidRequest",
                        "Format XLSX is only supported for paginated reports"), NONE), ErrorCode.PBI_BAD_REQUEST),
                row("400 PNG of a paginated report (context)", p(http(400, "InvalidRequest", "Parameter format is missing or invalid"),
                        NONE.withFormat("PNG").withReportType(ClassificationContext.ReportType.PAGINATED_REPORT)),
                        ErrorCode.PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE),
                row("400 too many pages (wording only: not proof)", p(http(400, "InvalidRequest",
                        "The export request includes 60 pages or visuals; at most 50 are allowed"), NONE),
                        ErrorCode.PBI_BAD_REQUEST),
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
            ErrorCode.INVALID_CONFIGURATION, ErrorCode.INVALID_ATTRIBUTES, ErrorCode.EXPORT_PAGINATED_TIME_LIMIT,
            ErrorCode.POISON_REQUEST);

    /** Codes only the worker's look-up evidence proves ({@link EvidenceRules}, tested in EvidenceRulesTest). */
    private static final Set<ErrorCode> PROVEN_BY_LOOK_UPS = EnumSet.of(
            ErrorCode.PBI_NOT_WORKSPACE_MEMBER, ErrorCode.PBI_WORKSPACE_NOT_FOUND, ErrorCode.PBI_REPORT_NOT_FOUND,
            ErrorCode.PBI_PROFILE_NOT_FOUND, ErrorCode.PBI_NO_DEDICATED_CAPACITY, ErrorCode.PBI_CAPACITY_NOT_ACTIVE,
            ErrorCode.PBI_PPU_NOT_SUPPORTED, ErrorCode.PBI_EXPORT_FORBIDDEN_AMBIGUOUS);

    /**
     * Stable codes no observed signal proves today: kept (consumers switch on them, they are never removed) and
     * named as candidates in the messages of the general and ambiguous codes.
     */
    private static final Set<ErrorCode> CANDIDATES_ONLY = EnumSet.of(
            ErrorCode.PBI_WORKSPACE_OTHER_TENANT, ErrorCode.PBI_FORMAT_DISABLED_BY_TENANT,
            ErrorCode.PBI_SENSITIVITY_LABEL, ErrorCode.PBI_EXPORT_NOT_FOUND);

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
        covered.addAll(PROVEN_BY_LOOK_UPS);
        covered.addAll(CANDIDATES_ONLY);
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

        assertThat(d.code()).isEqualTo(ErrorCode.PBI_NOT_FOUND);
        assertThat(d.httpStatus()).contains(404);
        assertThat(d.powerBiErrorCode()).contains("PowerBIEntityNotFound");
        assertThat(d.powerBiRequestId()).contains("req-1");
        assertThat(d.aadsts()).isEmpty();
        assertThat(d.retryable()).isFalse();
        assertThat(d.message()).startsWith("Power BI start answered HTTP 404 PowerBIEntityNotFound: \"Report r was not"
                + " found\"; signals: X-PowerBI-Error-Info=ReportNotFound (not a value Power BI is known to send: not "
                + "read as evidence). Candidates, most likely first: (1) wrong reportId, or a report the app cannot see;"
                + " (2) the workspace is invisible to the app (not a member, or no such workspace). Tell apart: "
                + "`doctor --workspace W --report R`.");
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

        assertThat(d.code()).isEqualTo(ErrorCode.PBI_NOT_FOUND);
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

        assertThat(d.message()).doesNotContain("\n").endsWith("...\"");
        assertThat(d.message().length()).isLessThan(400);
    }

    @Test
    void quotesEverySignalOfTheAnswerBoundedAndNamesTheGeneralCodesCandidates() {
        PowerBiFailure.Http h = new PowerBiFailure.Http("start", 401, "PowerBINotAuthorizedException", null,
                Optional.of("rid-9"), Optional.of(java.time.Duration.ofSeconds(30)), Optional.empty(),
                new ErrorSignals(Optional.of("x".repeat(500)), Optional.of("invalid_token"),
                        Optional.of("The access token is invalid"), Optional.of("PowerBINotAuthorizedException"),
                        Optional.of("[]"), Optional.of("application/json")));

        Diagnosis d = CLASSIFIER.classify(h, NONE);

        assertThat(d.code()).isEqualTo(ErrorCode.PBI_UNAUTHORIZED);
        assertThat(d.message()).contains("pbi.error.code=PowerBINotAuthorizedException",
                "WWW-Authenticate error=invalid_token", "WWW-Authenticate error_description=The access token is invalid",
                "Content-Type=application/json", "Retry-After=30s", "X-PowerBI-Error-Details=" + "x".repeat(200) + "...",
                "Candidates, most likely first: (1) the token's audience", "'Service principals can call Fabric "
                        + "public APIs' (replacing 'Service principals can use Fabric APIs', formerly 'Allow service "
                        + "principals to use Power BI APIs')")
                .doesNotContain("x".repeat(201));
        assertThat(d.powerBiRequestId()).contains("rid-9");
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
