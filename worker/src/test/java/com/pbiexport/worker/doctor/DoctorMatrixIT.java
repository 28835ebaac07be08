package com.pbiexport.worker.doctor;

import com.pbiexport.contracts.ExportFailed;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.app.DoctorCommand;
import com.pbiexport.worker.config.CloudName;
import com.pbiexport.worker.config.CredentialConfig;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.diagnose.doctor.CheckResult;
import com.pbiexport.worker.diagnose.doctor.CheckStatus;
import com.pbiexport.worker.diagnose.doctor.DoctorCheck;
import com.pbiexport.worker.diagnose.doctor.DoctorReport;
import com.pbiexport.worker.diagnose.doctor.DoctorRequest;
import com.pbiexport.worker.it.Lane;
import com.pbiexport.worker.it.Outcome;
import com.pbiexport.worker.it.WorkerHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.pbiexport.worker.doctor.DoctorStacks.BOARD_PACK_LABELLED;
import static com.pbiexport.worker.doctor.DoctorStacks.FABRIKAM_REPORT;
import static com.pbiexport.worker.doctor.DoctorStacks.FABRIKAM_WS;
import static com.pbiexport.worker.doctor.DoctorStacks.FINANCE_REPORT;
import static com.pbiexport.worker.doctor.DoctorStacks.FINANCE_WS;
import static com.pbiexport.worker.doctor.DoctorStacks.INVOICE_PAGINATED;
import static com.pbiexport.worker.doctor.DoctorStacks.NORTHWIND_REPORT;
import static com.pbiexport.worker.doctor.DoctorStacks.NORTHWIND_WS;
import static com.pbiexport.worker.doctor.DoctorStacks.PPU_REPORT;
import static com.pbiexport.worker.doctor.DoctorStacks.PPU_WS;
import static com.pbiexport.worker.doctor.DoctorStacks.SALES_REPORT;
import static com.pbiexport.worker.doctor.DoctorStacks.SALES_WS;
import static com.pbiexport.worker.doctor.DoctorStacks.SIXTY_PAGES;
import static com.pbiexport.worker.doctor.DoctorStacks.TEAM_REPORT;
import static com.pbiexport.worker.doctor.DoctorStacks.TEAM_WS;
import static com.pbiexport.worker.doctor.DoctorStacks.UNKNOWN_PROFILE;
import static com.pbiexport.worker.doctor.DoctorStacks.UNKNOWN_REPORT;
import static com.pbiexport.worker.doctor.DoctorStacks.UNKNOWN_WS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The misconfiguration matrix of issue 5, one row per cause, against the devstack: the doctor's verdict (which
 * check fails first, with which {@link ErrorCode}, and the code's remediation as the fix) AND, where the worker can
 * meet the same cause, the worker's {@code ExportFailed} code for the same tenant entry and request. Every row of
 * docs/TROUBLESHOOTING.md names its row here.
 *
 * <p>One Kafka broker (the worker-it harness's default-scenario stack) plus a Kafka-less devstack whose Power BI is
 * the USGov (GCC) cloud's, for the cloud-mismatch rows; the worker reaches both through tenant entries.
 */
class DoctorMatrixIT {
    private static final Logger log = LoggerFactory.getLogger(DoctorMatrixIT.class);
    private static final Duration WORKER_TIMEOUT = Duration.ofSeconds(90);

    static final String GRAPH_SCOPE = "contoso-graph-scope-url";
    static final String WRONG_SECRET = "contoso-wrong-secret";
    static final String UNKNOWN_APP = "contoso-unknown-app";
    static final String UNKNOWN_TENANT = "unknown-tenant";
    static final String SECRET_ENV_MISSING = "contoso-secret-env-missing";
    /** Contoso's second app, which the tenant setting for the read-only admin APIs does not cover. */
    static final String NO_ADMIN_API = "contoso-no-admin-api";
    /** tenants.x.cloud says Public, but the API root is a USGov Power BI. */
    static final String PUBLIC_CLOUD_ON_USGOV_API = "public-cloud-on-usgov-api";
    /** tenants.x.cloud says USGov (API root the USGov Power BI) but the scope override asks for a public token. */
    static final String PUBLIC_SCOPE_ON_USGOV_API = "public-scope-on-usgov-api";
    /** tenants.x.cloud says USGov, but the API root is a public-cloud Power BI. */
    static final String USGOV_CLOUD_ON_PUBLIC_API = "usgov-cloud-on-public-api";
    /** tenants.x.cloud says Public but the scope override asks for a USGov token. */
    static final String USGOV_SCOPE_ON_PUBLIC_API = "usgov-scope-on-public-api";

    /**
     * What the read-only admin API established, by row: the doctor's detail and the worker's message both say it
     * (one classifier method reads the same evidence).
     */
    private static final Map<String, String> ADMIN_API_EVIDENCE = Map.of(
            "not-a-workspace-member", "(" + FINANCE_WS + ") exists but the service principal is not a member "
                    + "(read-only admin API)",
            "unknown-workspace", "no workspace with id " + UNKNOWN_WS + " exists in the tenant (read-only admin API)",
            "not-a-member-admin-api-refused", "could not be told apart: the read-only admin API refused this app "
                    + "(HTTP 401",
            "png-disabled-by-tenant", "(1) the tenant setting 'Export reports as image files' is off",
            "sensitivity-label-to-pdf", "(1) the report has a sensitivity label");

    private static WorkerHarness harness;
    private static DevStack usGov;
    private static Lane lane;

    /**
     * One cause: the tenant entry and request (the same for the doctor and the worker), the check that must fail
     * first and its code, and the worker's code ({@code null} where the worker cannot meet the cause).
     */
    record Row(String name, String tenant, String workspaceId, String reportId, ExportFormat format, String profileId,
               boolean trial, DoctorCheck failingCheck, ErrorCode doctorCode, String workerCode) {
        @Override
        public String toString() {
            return name + " -> doctor " + failingCheck.wireName() + " " + doctorCode
                    + (workerCode == null ? "" : ", worker " + workerCode);
        }

        DoctorRequest doctorRequest() {
            return new DoctorRequest(Optional.ofNullable(workspaceId), Optional.ofNullable(reportId),
                    Optional.of(format.name()), Optional.ofNullable(profileId), trial, Duration.ofSeconds(60));
        }

        String requestId() {
            return "doctor-matrix-" + name;
        }

        ExportRequested workerRequest() {
            ExportRequested.Builder b = ExportRequested.builder(requestId(), tenant, workspaceId, reportId, format);
            if (profileId != null) {
                b.profileId(profileId);
            }
            return b.build();
        }
    }

    private static Row row(String name, String tenant, String ws, String report, ExportFormat format, DoctorCheck check,
                           ErrorCode doctorCode, String workerCode) {
        return new Row(name, tenant, ws, report, format, null, false, check, doctorCode, workerCode);
    }

    private static Row trial(String name, String tenant, String ws, String report, ExportFormat format,
                             ErrorCode code) {
        return new Row(name, tenant, ws, report, format, null, true, DoctorCheck.TRIAL, code, code.name());
    }

    static List<Row> rows() {
        ExportFormat pdf = ExportFormat.PDF;
        return List.of(
                row("graph-token-from-bare-default", DemoStack.CONTOSO_GRAPH_SCOPE, SALES_WS, SALES_REPORT, pdf,
                        DoctorCheck.TOKEN_CLAIMS, ErrorCode.TOKEN_AUDIENCE_GRAPH, "TOKEN_AUDIENCE_GRAPH"),
                row("graph-token-from-graph-scope", GRAPH_SCOPE, SALES_WS, SALES_REPORT, pdf,
                        DoctorCheck.TOKEN_CLAIMS, ErrorCode.TOKEN_AUDIENCE_GRAPH, "TOKEN_AUDIENCE_GRAPH"),
                row("wrong-client-secret", WRONG_SECRET, SALES_WS, SALES_REPORT, pdf,
                        DoctorCheck.TOKEN, ErrorCode.AUTH_INVALID_SECRET, "AUTH_INVALID_SECRET"),
                row("expired-client-secret", DemoStack.CONTOSO_EXPIRED_SECRET, SALES_WS, SALES_REPORT, pdf,
                        DoctorCheck.TOKEN, ErrorCode.AUTH_SECRET_EXPIRED, "AUTH_SECRET_EXPIRED"),
                row("app-not-found-in-tenant", UNKNOWN_APP, SALES_WS, SALES_REPORT, pdf,
                        DoctorCheck.TOKEN, ErrorCode.AUTH_APP_NOT_FOUND, "AUTH_APP_NOT_FOUND"),
                row("tenant-not-found", UNKNOWN_TENANT, SALES_WS, SALES_REPORT, pdf,
                        DoctorCheck.TOKEN, ErrorCode.AUTH_TENANT_NOT_FOUND, "AUTH_TENANT_NOT_FOUND"),
                row("secret-env-var-not-set", SECRET_ENV_MISSING, SALES_WS, SALES_REPORT, pdf,
                        DoctorCheck.CREDENTIALS, ErrorCode.AUTH_CREDENTIAL_UNREADABLE, "AUTH_CREDENTIAL_UNREADABLE"),
                row("service-principals-tenant-setting-off", DemoStack.NORTHWIND, NORTHWIND_WS, NORTHWIND_REPORT, pdf,
                        DoctorCheck.POWER_BI, ErrorCode.PBI_SERVICE_PRINCIPALS_DISABLED,
                        "PBI_SERVICE_PRINCIPALS_DISABLED"),
                // Power BI answers both alike; the read-only admin API (allowed for contoso's main app) tells them
                // apart for the doctor and the worker (WorkspaceEvidence, WorkspaceProbe)
                row("not-a-workspace-member", DemoStack.CONTOSO, FINANCE_WS, FINANCE_REPORT, pdf,
                        DoctorCheck.WORKSPACE, ErrorCode.PBI_NOT_WORKSPACE_MEMBER, "PBI_NOT_WORKSPACE_MEMBER"),
                row("unknown-workspace", DemoStack.CONTOSO, UNKNOWN_WS, SALES_REPORT, pdf,
                        DoctorCheck.WORKSPACE, ErrorCode.PBI_WORKSPACE_NOT_FOUND, "PBI_WORKSPACE_NOT_FOUND"),
                // an app the admin API refuses: the ambiguous code, whose detail says why and how to enable it
                row("not-a-member-admin-api-refused", NO_ADMIN_API, FINANCE_WS, FINANCE_REPORT, pdf,
                        DoctorCheck.WORKSPACE, ErrorCode.PBI_WORKSPACE_AMBIGUOUS, "PBI_WORKSPACE_AMBIGUOUS"),
                // the worker always calls groups/{workspaceId}/...: it cannot take the My-workspace route
                row("my-workspace-route", DemoStack.CONTOSO, null, SALES_REPORT, pdf,
                        DoctorCheck.WORKSPACE, ErrorCode.PBI_MY_WORKSPACE_ROUTE, null),
                row("shared-capacity", DemoStack.CONTOSO, TEAM_WS, TEAM_REPORT, pdf,
                        DoctorCheck.CAPACITY, ErrorCode.PBI_NO_DEDICATED_CAPACITY, "PBI_NO_DEDICATED_CAPACITY"),
                row("premium-per-user", DemoStack.CONTOSO, PPU_WS, PPU_REPORT, pdf,
                        DoctorCheck.CAPACITY, ErrorCode.PBI_PPU_NOT_SUPPORTED, "PBI_PPU_NOT_SUPPORTED"),
                row("unknown-report", DemoStack.CONTOSO, SALES_WS, UNKNOWN_REPORT, pdf,
                        DoctorCheck.REPORT, ErrorCode.PBI_REPORT_NOT_FOUND, "PBI_REPORT_NOT_FOUND"),
                new Row("unknown-profile", DemoStack.CONTOSO, SALES_WS, SALES_REPORT, pdf, UNKNOWN_PROFILE, false,
                        DoctorCheck.POWER_BI, ErrorCode.PBI_PROFILE_NOT_FOUND, "PBI_PROFILE_NOT_FOUND"),
                row("paginated-only-format-on-power-bi-report", DemoStack.CONTOSO, SALES_WS, SALES_REPORT,
                        ExportFormat.XLSX, DoctorCheck.FORMAT, ErrorCode.PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE,
                        "PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE"),
                row("png-of-paginated-report", DemoStack.CONTOSO, SALES_WS, INVOICE_PAGINATED, ExportFormat.PNG,
                        DoctorCheck.FORMAT, ErrorCode.PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE,
                        "PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE"),
                // a 403 on ExportTo with capacity, PPU and membership ruled out by look-ups: no observed signal
                // tells a format setting from a sensitivity label, so the ambiguous code ranks them by format
                trial("png-disabled-by-tenant", DemoStack.FABRIKAM, FABRIKAM_WS, FABRIKAM_REPORT, ExportFormat.PNG,
                        ErrorCode.PBI_EXPORT_FORBIDDEN_AMBIGUOUS),
                trial("sensitivity-label-to-pdf", DemoStack.CONTOSO, SALES_WS, BOARD_PACK_LABELLED, pdf,
                        ErrorCode.PBI_EXPORT_FORBIDDEN_AMBIGUOUS),
                trial("sensitivity-label-to-pptx", DemoStack.CONTOSO, SALES_WS, BOARD_PACK_LABELLED,
                        ExportFormat.PPTX, ErrorCode.PBI_EXPORT_FORBIDDEN_AMBIGUOUS),
                // the page count is not known before the export (the request names no pages): Power BI's 400 is
                // quoted, its wording is not proof
                trial("more-than-50-pages", DemoStack.CONTOSO, SALES_WS, SIXTY_PAGES, pdf,
                        ErrorCode.PBI_BAD_REQUEST),
                // a 401 to a token of the configured cloud's audience says nothing of "other cloud" on the wire:
                // the worker, like the doctor, proves it by a sibling cloud's token being accepted (CloudProbe)
                row("public-cloud-setting-against-usgov-api", PUBLIC_CLOUD_ON_USGOV_API, SALES_WS, SALES_REPORT, pdf,
                        DoctorCheck.POWER_BI, ErrorCode.TOKEN_AUDIENCE_WRONG_CLOUD, "TOKEN_AUDIENCE_WRONG_CLOUD"),
                row("usgov-cloud-setting-against-public-api", USGOV_CLOUD_ON_PUBLIC_API, SALES_WS, SALES_REPORT, pdf,
                        DoctorCheck.POWER_BI, ErrorCode.TOKEN_AUDIENCE_WRONG_CLOUD, "TOKEN_AUDIENCE_WRONG_CLOUD"),
                row("public-scope-against-usgov-api", PUBLIC_SCOPE_ON_USGOV_API, SALES_WS, SALES_REPORT, pdf,
                        DoctorCheck.TOKEN_CLAIMS, ErrorCode.TOKEN_AUDIENCE_WRONG_CLOUD, "TOKEN_AUDIENCE_WRONG_CLOUD"),
                row("usgov-scope-against-public-api", USGOV_SCOPE_ON_PUBLIC_API, SALES_WS, SALES_REPORT, pdf,
                        DoctorCheck.TOKEN_CLAIMS, ErrorCode.TOKEN_AUDIENCE_WRONG_CLOUD, "TOKEN_AUDIENCE_WRONG_CLOUD"));
    }

    @BeforeAll
    static void startStacksAndPublishEveryWorkerCase() {
        harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(200));
        usGov = DevStack.builder().scenario(DoctorStacks.usGovScenario(200)).kafka(false).start();
        lane = harness.lane("doctor-matrix", cfg -> withMisconfiguredTenants(cfg, harness.stack(), usGov));
        lane.startWorker();
        rows().stream().filter(r -> r.workerCode() != null).forEach(r -> lane.publish(r.workerRequest()));
    }

    @AfterAll
    static void stop() {
        if (lane != null) {
            lane.close();
        }
        if (usGov != null) {
            usGov.close();
        }
        if (harness != null) {
            harness.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void doctorNamesTheFirstBrokenLinkAndTheWorkerFailsWithTheSameCause(Row row) {
        DoctorReport report = DoctorCommand.diagnose(lane.config(), row.tenant(), row.doctorRequest(), Map.of(),
                Clock.systemUTC());
        log.info("doctor verdict for {}:\n{}", row.name(), report.toText());

        CheckResult failed = report.firstFailure().orElseThrow(() -> new AssertionError(
                "no check failed for " + row.name() + ":\n" + report.toText()));
        assertThat(failed.check()).as("first failing check of %s:%n%s", row.name(), report.toText())
                .isEqualTo(row.failingCheck());
        assertThat(failed.code()).as("code of %s:%n%s", row.name(), report.toText()).contains(row.doctorCode());
        assertThat(failed.fix()).isEqualTo(row.doctorCode().remediation());
        assertThat(failed.detail()).startsWith(row.doctorCode().name() + ": ");
        assertThat(report.ok()).isFalse();
        assertThat(report.exitCode()).isEqualTo(1);
        List<CheckResult> checks = report.checks();
        int at = checks.indexOf(failed);
        assertThat(checks.subList(0, at)).as("checks before the failure").allSatisfy(c ->
                assertThat(c.status()).isIn(CheckStatus.PASS, CheckStatus.SKIP));
        assertThat(checks.subList(at + 1, checks.size())).as("checks after the failure").allSatisfy(c ->
                assertThat(c.status()).isEqualTo(CheckStatus.SKIP));
        String evidence = ADMIN_API_EVIDENCE.get(row.name());
        if (evidence != null) {
            assertThat(failed.detail()).as("doctor detail of %s", row.name()).contains(evidence);
        }
        assertThat(report.toText() + report.toJson()).as("never the secret or a token")
                .doesNotContain(DoctorStacks.CONTOSO_SECRET).doesNotContain("eyJ");

        if (row.workerCode() != null) {
            Outcome o = lane.awaitOutcome(row.requestId(), WORKER_TIMEOUT);
            ExportFailed f = o.failed();
            assertThat(f.error().code()).as("worker error.code of %s: %s", row.name(), o.text())
                    .isEqualTo(row.workerCode());
            assertThat(f.error().remediation()).isEqualTo(ErrorCode.valueOf(row.workerCode()).remediation());
            if (evidence != null) {
                assertThat(f.error().message()).as("worker message of %s", row.name()).contains(evidence);
            }
            if (row.workerCode().equals(row.doctorCode().name())) {
                assertThat(f.error().remediation()).as("one classifier: same fix").isEqualTo(failed.fix());
            }
        }
    }

    /** The demo tenants plus entries that are wrong on purpose, some pointing at the USGov devstack. */
    static WorkerConfig withMisconfiguredTenants(WorkerConfig cfg, DevStack main, DevStack usGov) {
        TenantConfig contoso = cfg.tenants().get(DemoStack.CONTOSO);
        Map<String, TenantConfig> tenants = new LinkedHashMap<>(cfg.tenants());
        tenants.put(GRAPH_SCOPE, contoso.withScope("https://graph.microsoft.com/.default"));
        tenants.put(WRONG_SECRET, with(contoso, contoso.tenantId(), contoso.clientId(),
                CredentialConfig.Secret.inline("not-the-secret")));
        tenants.put(UNKNOWN_APP, with(contoso, contoso.tenantId(), "c11e7700-0000-4000-a000-0000000000ff",
                CredentialConfig.Secret.inline("whatever")));
        tenants.put(UNKNOWN_TENANT, with(contoso, "4a1f0c2e-0000-4000-a000-0000000000ff", contoso.clientId(),
                contoso.credential()));
        tenants.put(SECRET_ENV_MISSING, with(contoso, contoso.tenantId(), contoso.clientId(),
                CredentialConfig.Secret.fromEnv("DOCTOR_IT_SECRET_NOT_SET")));
        tenants.put(NO_ADMIN_API, DoctorStacks.contosoSecondApp(main));
        tenants.put(PUBLIC_CLOUD_ON_USGOV_API, DoctorStacks.contoso(usGov, CloudName.PUBLIC));
        tenants.put(PUBLIC_SCOPE_ON_USGOV_API, DoctorStacks.contoso(usGov, CloudName.US_GOV)
                .withScope(CloudName.PUBLIC.powerBiScope()));
        tenants.put(USGOV_CLOUD_ON_PUBLIC_API, contoso.withCloud(CloudName.US_GOV));
        tenants.put(USGOV_SCOPE_ON_PUBLIC_API, contoso.withScope(CloudName.US_GOV.powerBiScope()));
        return cfg.withTenants(tenants);
    }

    private static TenantConfig with(TenantConfig t, String tenantId, String clientId, CredentialConfig credential) {
        return new TenantConfig(tenantId, clientId, t.cloud(), credential, t.scope(), t.authorityUrl(),
                t.powerBiApiUrl(), t.defaultProfileId());
    }
}
