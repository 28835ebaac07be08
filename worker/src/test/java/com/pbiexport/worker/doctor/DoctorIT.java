package com.pbiexport.worker.doctor;

import com.pbiexport.devstack.sim.ShiftedClock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.contracts.ExportFailed;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.app.DoctorCommand;
import com.pbiexport.worker.app.Main;
import com.pbiexport.worker.config.CloudName;
import com.pbiexport.worker.config.DiagnoseSettings;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.config.Topics;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static com.pbiexport.worker.doctor.DoctorStacks.CONTOSO_SECRET;
import static com.pbiexport.worker.doctor.DoctorStacks.CONTOSO_TENANT_ID;
import static com.pbiexport.worker.doctor.DoctorStacks.FINANCE_REPORT;
import static com.pbiexport.worker.doctor.DoctorStacks.FINANCE_WS;
import static com.pbiexport.worker.doctor.DoctorStacks.INVOICE_PAGINATED;
import static com.pbiexport.worker.doctor.DoctorStacks.SALES_REPORT;
import static com.pbiexport.worker.doctor.DoctorStacks.SALES_WS;
import static com.pbiexport.worker.doctor.DoctorStacks.UNKNOWN_WS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The doctor end to end: every check passing (with a real trial export), the CLI's output and exit codes, and the
 * two causes that need a controlled devstack: a token expiring mid-job (the doctor's trial and the worker both
 * refresh once and finish) and a throttled token endpoint (AUTH_THROTTLED from both; the worker also shows it
 * waits a short throttle out).
 */
class DoctorIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String CLOCKED = "contoso-clocked";
    private static final String TOKEN_COUNTER = "tokenRequests." + CONTOSO_TENANT_ID;
    /** Contoso's second app, which the tenant setting for the read-only admin APIs does not cover. */
    private static final String NO_ADMIN_API = "contoso-no-admin-api";
    private static TenantConfig secondApp;

    private static WorkerHarness harness;
    /** A Kafka-less devstack whose simulator clock the tests move, and whose token endpoint they throttle. */
    private static DevStack clocked;
    private static final ShiftedClock simulatorClock = new ShiftedClock();

    @BeforeAll
    static void start() {
        harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(200));
        secondApp = DoctorStacks.contosoSecondApp(harness.stack());
        // the CLI's configuration names the default topics: there, fit, so its kafka line passes
        var kafka = harness.stack().kafka().orElseThrow();
        kafka.createTopic(Topics.DEFAULT_REQUESTS, 3, Map.of());
        kafka.createTopic(Topics.DEFAULT_RESULTS, 1, Map.of());
        kafka.createTopic(Topics.DEFAULT_JOB_STATE, 3, Map.of("cleanup.policy", "compact"));
        kafka.createTopic(Topics.DEFAULT_DEAD_LETTER, 1, Map.of());
        // render rounds of 2 s: an export is still running when the test moves the clock
        clocked = DevStack.builder().scenario(Scenario.defaultScenario().withPageRenderMillis(2000)).kafka(false)
                .clock(simulatorClock).start();
    }

    @AfterAll
    static void stop() {
        if (clocked != null) {
            clocked.close();
        }
        if (harness != null) {
            harness.close();
        }
    }

    private static WorkerConfig config() {
        return withClockedTenant(DemoStack.config(harness.stack(), Path.of("target", "doctor-it"), "doctor-it"));
    }

    private static WorkerConfig withClockedTenant(WorkerConfig cfg) {
        Map<String, TenantConfig> tenants = new LinkedHashMap<>(cfg.tenants());
        tenants.put(CLOCKED, DoctorStacks.contoso(clocked, CloudName.PUBLIC));
        tenants.put(NO_ADMIN_API, secondApp);
        return cfg.withTenants(tenants);
    }

    @Test
    void everyCheckPassesForAHealthyTenantIncludingARealTrialExport() {
        DoctorReport report = DoctorCommand.diagnose(config(), DemoStack.CONTOSO,
                DoctorRequest.of(SALES_WS, SALES_REPORT, "PDF").withTrial(true), Map.of(), Clock.systemUTC());

        assertThat(report.checks()).extracting(c -> c.check()).containsExactlyElementsOf(DoctorCheck.tenantChain());
        assertThat(report.checks()).as(report.toText()).allSatisfy(c -> assertThat(c.status()).isEqualTo(CheckStatus.PASS));
        assertThat(report.ok()).isTrue();
        assertThat(report.exitCode()).isZero();
        assertThat(report.get(DoctorCheck.TOKEN_CLAIMS).detail())
                .contains("aud=https://analysis.windows.net/powerbi/api", "tid=" + CONTOSO_TENANT_ID,
                        "appid=" + DoctorStacks.CONTOSO_APP);
        assertThat(report.get(DoctorCheck.CAPACITY).detail()).contains("ca000000-0000-4000-a000-000000000001", "F64",
                "Active");
        assertThat(report.get(DoctorCheck.REPORT).detail()).contains("Sales Overview", "PowerBIReport");
        assertThat(report.get(DoctorCheck.TRIAL).detail()).contains("bytes", ".pdf", "deleted");
        assertThat(report.toText()).doesNotContain(CONTOSO_SECRET).doesNotContain("eyJ");
    }

    @Test
    void aPaginatedReportPassesWithAPaginatedFormatAndTheTrialAsksForOnePage() {
        DoctorReport report = DoctorCommand.diagnose(config(), DemoStack.CONTOSO,
                DoctorRequest.of(SALES_WS, INVOICE_PAGINATED, "XLSX").withTrial(true), Map.of(), Clock.systemUTC());

        assertThat(report.ok()).as(report.toText()).isTrue();
        assertThat(report.get(DoctorCheck.REPORT).detail()).contains("PaginatedReport");
        assertThat(report.get(DoctorCheck.TRIAL).detail()).contains(".xlsx");
    }

    @Test
    void withoutAWorkspaceOnlyTheTenantChecksRunAndTheRestAreSkipped() {
        DoctorReport report = DoctorCommand.diagnose(config(), DemoStack.CONTOSO, DoctorRequest.tenantOnly(),
                Map.of(), Clock.systemUTC());

        assertThat(report.ok()).as(report.toText()).isTrue();
        assertThat(report.get(DoctorCheck.POWER_BI).status()).isEqualTo(CheckStatus.PASS);
        assertThat(report.get(DoctorCheck.WORKSPACE).status()).isEqualTo(CheckStatus.SKIP);
        assertThat(report.get(DoctorCheck.WORKSPACE).detail()).contains("no --workspace");
        assertThat(report.get(DoctorCheck.TRIAL).status()).isEqualTo(CheckStatus.SKIP);
    }

    // ---- the workspace check and the read-only admin API --------------------------------------------

    @Test
    void aWorkspaceThatExistsWithoutTheAppIsNamedNotAMemberByTheReadOnlyAdminApi() {
        CheckResult ws = DoctorCommand.diagnose(config(), DemoStack.CONTOSO,
                DoctorRequest.of(FINANCE_WS, FINANCE_REPORT, "PDF"), Map.of(), Clock.systemUTC())
                .get(DoctorCheck.WORKSPACE);

        assertThat(ws.code()).contains(ErrorCode.PBI_NOT_WORKSPACE_MEMBER);
        assertThat(ws.detail()).startsWith("PBI_NOT_WORKSPACE_MEMBER: ").contains("workspace 'Finance (no access)' ("
                + FINANCE_WS + ") exists but the service principal is not a member (read-only admin API)",
                "listed nothing", "sees 4 workspace(s)");
        assertThat(ws.fix()).isEqualTo(ErrorCode.PBI_NOT_WORKSPACE_MEMBER.remediation());
    }

    @Test
    void anUnknownWorkspaceIdIsProvenAbsentByTheReadOnlyAdminApi() {
        CheckResult ws = DoctorCommand.diagnose(config(), DemoStack.CONTOSO,
                DoctorRequest.of(UNKNOWN_WS, null, "PDF"), Map.of(), Clock.systemUTC()).get(DoctorCheck.WORKSPACE);

        assertThat(ws.code()).contains(ErrorCode.PBI_WORKSPACE_NOT_FOUND);
        assertThat(ws.detail()).contains("no workspace with id " + UNKNOWN_WS + " exists in the tenant (read-only "
                + "admin API)").doesNotContain("could not be told apart");
    }

    @Test
    void anAppTheAdminApiRefusesGetsTheAmbiguousVerdictWithWhyAndHowToEnableIt() {
        CheckResult ws = DoctorCommand.diagnose(config(), NO_ADMIN_API,
                DoctorRequest.of(FINANCE_WS, FINANCE_REPORT, "PDF"), Map.of(), Clock.systemUTC())
                .get(DoctorCheck.WORKSPACE);

        assertThat(ws.code()).contains(ErrorCode.PBI_WORKSPACE_AMBIGUOUS);
        assertThat(ws.detail()).contains("'not a member' and 'no such workspace' alike", "could not be told apart",
                "the read-only admin API refused this app (HTTP 401", "enable the tenant setting 'Service principals "
                        + "can access read-only admin APIs' for a security group containing app "
                        + DoctorStacks.CONTOSO_SECOND_APP, "listed nothing");
        assertThat(ws.fix()).isEqualTo(ErrorCode.PBI_WORKSPACE_AMBIGUOUS.remediation())
                .contains("read-only admin APIs");
    }

    @Test
    void withTheProbeSwitchedOffTheAdminApiIsNotAskedAndTheVerdictSaysSo() {
        WorkerConfig off = config().withDiagnose(new DiagnoseSettings(false));

        CheckResult ws = DoctorCommand.diagnose(off, DemoStack.CONTOSO,
                DoctorRequest.of(FINANCE_WS, FINANCE_REPORT, "PDF"), Map.of(), Clock.systemUTC())
                .get(DoctorCheck.WORKSPACE);

        assertThat(ws.code()).contains(ErrorCode.PBI_WORKSPACE_AMBIGUOUS);
        assertThat(ws.detail()).contains("could not be told apart: the read-only admin API was not asked "
                + "(diagnose.adminApiProbe=false)");
    }

    // ---- the CLI ------------------------------------------------------------------------------------

    @Test
    void jsonOutputIsOneObjectWithExactlyTheDocumentedKeysAndExitCodeZero(@TempDir Path dir) throws Exception {
        Path file = configFile(dir);
        Cli cli = Cli.run("doctor", "--config", file.toString(), "--tenant", "contoso", "--workspace", SALES_WS,
                "--report", SALES_REPORT, "--format", "pdf", "--json");

        assertThat(cli.exit()).as(cli.err()).isZero();
        assertThat(cli.out().strip().lines()).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(cli.out());
        assertThat(fieldNames(json)).containsExactly("ok", "checks");
        assertThat(json.get("ok").asBoolean()).isTrue();
        assertThat(json.get("checks")).hasSize(DoctorCheck.values().length);
        for (JsonNode check : json.get("checks")) {
            assertThat(fieldNames(check)).containsExactly("name", "status", "detail", "fix");
            assertThat(check.get("status").asText()).isIn("pass", "skip");
        }
        assertThat(json.get("checks").get(0).get("name").asText()).isEqualTo("kafka");
        assertThat(json.get("checks").get(1).get("name").asText()).isEqualTo("sink");
        JsonNode last = json.get("checks").get(json.get("checks").size() - 1);
        assertThat(last.get("name").asText()).isEqualTo("trial-export");
        assertThat(last.get("status").asText()).isEqualTo("skip");
        assertThat(cli.out()).doesNotContain(CONTOSO_SECRET).doesNotContain("eyJ");
    }

    @Test
    void aFailedCheckExitsWithOneAndPrintsTheFixUnderIt(@TempDir Path dir) throws Exception {
        Path file = configFile(dir);
        Cli cli = Cli.run("doctor", "--config", file.toString(), "--tenant", "contoso", "--workspace", FINANCE_WS,
                "--report", FINANCE_REPORT);

        assertThat(cli.exit()).as(cli.out() + cli.err()).isEqualTo(1);
        assertThat(cli.out()).contains("[FAIL] workspace", "PBI_NOT_WORKSPACE_MEMBER: ",
                "fix: " + ErrorCode.PBI_NOT_WORKSPACE_MEMBER.remediation(), "[skip] capacity",
                "NOT OK: the first broken link is 'workspace' (PBI_NOT_WORKSPACE_MEMBER)");
        assertThat(cli.out()).doesNotContain(CONTOSO_SECRET).doesNotContain("eyJ");
    }

    @Test
    void aFailedCheckInJsonHasTheCodesRemediationAsFixAndLaterChecksSkipped(@TempDir Path dir) throws Exception {
        Cli cli = Cli.run("doctor", "--config", configFile(dir).toString(), "--tenant", "contoso", "--workspace",
                FINANCE_WS, "--json");

        assertThat(cli.exit()).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(cli.out());
        assertThat(json.get("ok").asBoolean()).isFalse();
        List<String> statuses = new ArrayList<>();
        json.get("checks").forEach(c -> statuses.add(c.get("name").asText() + "=" + c.get("status").asText()));
        // kafka and sink: once per run, first, and not skipped by a tenant failure
        assertThat(statuses).containsExactly("kafka=pass", "sink=pass", "credentials=pass", "proxy=pass", "token=pass", "token-claims=pass",
                "powerbi=pass", "workspace=fail", "capacity=skip", "report=skip", "format=skip", "trial-export=skip");
        assertThat(json.get("checks").get(7).get("fix").asText())
                .isEqualTo(ErrorCode.PBI_NOT_WORKSPACE_MEMBER.remediation());
    }

    @Test
    void usageAndConfigurationErrorsExitWithTwo(@TempDir Path dir) throws Exception {
        Path file = configFile(dir);
        assertThat(Cli.run("doctor", "--config", file.toString(), "--tenant", "acme").exit()).isEqualTo(2);
        Cli badGuid = Cli.run("doctor", "--config", file.toString(), "--tenant", "contoso", "--workspace", "sales");
        assertThat(badGuid.exit()).isEqualTo(2);
        assertThat(badGuid.err()).contains("--workspace must be a GUID");
        Cli badFormat = Cli.run("doctor", "--config", file.toString(), "--tenant", "contoso", "--format", "WORD");
        assertThat(badFormat.exit()).isEqualTo(2);
        assertThat(badFormat.err()).contains("--format must be one of");
        assertThat(Cli.run("doctor", "--config", dir.resolve("missing.yaml").toString(), "--tenant", "contoso")
                .exit()).isEqualTo(2);
        assertThat(Cli.run("doctor", "--tenant", "contoso").exit()).as("--config is required").isEqualTo(2);
    }

    // ---- token expiring mid-job ------------------------------------------------------------------------

    @Test
    void aTokenExpiringDuringTheTrialIsRefreshedOnceAndTheTrialPasses() {
        long before = clocked.counters().get(TOKEN_COUNTER);
        AtomicBoolean shifted = new AtomicBoolean();
        DoctorReport report = DoctorCommand.diagnose(config(), CLOCKED,
                DoctorRequest.of(SALES_WS, SALES_REPORT, "PDF").withTrial(true), Map.of(), Clock.systemUTC(),
                wait -> {
                    // first wait between polls: two hours pass for Power BI, the token held is now expired there
                    if (shifted.compareAndSet(false, true)) {
                        simulatorClock.shift(Duration.ofHours(2));
                    }
                });

        assertThat(shifted).as("the trial polled at least once").isTrue();
        assertThat(report.ok()).as(report.toText()).isTrue();
        assertThat(report.get(DoctorCheck.TRIAL).status()).isEqualTo(CheckStatus.PASS);
        assertThat(clocked.counters().get(TOKEN_COUNTER) - before).as("first token, and one refresh after 403 "
                + "TokenExpired").isEqualTo(2);
    }

    @Test
    void theWorkerRefreshesATokenThatExpiresMidJobAndCompletesTheExport() {
        try (Lane lane = harness.lane("doctor-token-expiry", DoctorIT::withClockedTenant)) {
            long beforeWorker = clocked.counters().get(TOKEN_COUNTER);
            lane.startWorker();
            // the worker fetches one token per tenant at start-up (readiness); the export's start then uses it
            await().atMost(TIMEOUT).until(() -> clocked.counters().get(TOKEN_COUNTER) > beforeWorker);
            long tokensBefore = clocked.counters().get(TOKEN_COUNTER);
            assertThat(tokensBefore - beforeWorker).as("one token at start-up").isEqualTo(1);
            long startsBefore = clocked.counters().get("exportToCalls");
            String id = lane.publish(request("token-expiry", CLOCKED));
            await().atMost(TIMEOUT).until(() -> clocked.counters().get("exportToCalls") > startsBefore);
            long tokensAtStart = clocked.counters().get(TOKEN_COUNTER);
            simulatorClock.shift(Duration.ofHours(2));

            Outcome o = lane.awaitOutcome(id, TIMEOUT);

            assertThat(o.completed().attempts()).as("refreshed and retried the call, not the export").isEqualTo(1);
            assertThat(tokensAtStart - tokensBefore).as("the start-up token serves the start").isZero();
            assertThat(clocked.counters().get(TOKEN_COUNTER) - tokensAtStart).as("one refresh after 403 TokenExpired")
                    .isEqualTo(1);
        }
    }

    // ---- token endpoint throttled ----------------------------------------------------------------------

    @Test
    void aThrottledTokenEndpointIsAuthThrottledForTheDoctorAndTheWorkerAndAShortThrottleIsWaitedOut() {
        try {
            faults("{\"entraThrottleCount\":1000,\"entraThrottleRetryAfterSeconds\":1}");
            DoctorReport report = DoctorCommand.diagnose(config(), CLOCKED, DoctorRequest.tenantOnly(), Map.of(),
                    Clock.systemUTC());
            assertThat(report.firstFailure()).get().satisfies(f -> {
                assertThat(f.check()).isEqualTo(DoctorCheck.TOKEN);
                assertThat(f.code()).contains(ErrorCode.AUTH_THROTTLED);
                assertThat(f.detail()).contains("AADSTS90055", "retry after 1 s");
                assertThat(f.fix()).isEqualTo(ErrorCode.AUTH_THROTTLED.remediation());
            });

            try (Lane lane = harness.lane("doctor-throttled", DoctorIT::withClockedTenant)) {
                lane.startWorker();
                // the worker waits a throttled token endpoint out until the request's deadline, then names it
                ExportRequested due = ExportRequested.builder("doctor-it-throttled-" + UUID.randomUUID(), CLOCKED,
                        SALES_WS, SALES_REPORT, ExportFormat.PDF).notAfter(Instant.now().plusSeconds(8)).build();
                ExportFailed failed = lane.publishAndAwait(due, TIMEOUT).failed();
                assertThat(failed.error().code()).isEqualTo("AUTH_THROTTLED");
                assertThat(failed.error().message()).contains("waited for the token endpoint until the request's "
                        + "notAfter deadline");
                assertThat(failed.error().remediation()).isEqualTo(report.firstFailure().get().fix());
            }

            faults("{\"entraThrottleCount\":2,\"entraThrottleRetryAfterSeconds\":1}");
            try (Lane lane = harness.lane("doctor-throttled-briefly", DoctorIT::withClockedTenant)) {
                lane.startWorker();
                assertThat(lane.publishAndAwait(request("throttled-briefly", CLOCKED), TIMEOUT).isCompleted())
                        .as("two throttled token requests are waited out").isTrue();
            }
        } finally {
            faults("{\"entraThrottleCount\":0}");
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static void faults(String json) {
        clocked.faults().merge(json.getBytes(StandardCharsets.UTF_8));
    }

    private static ExportRequested request(String name, String tenant) {
        return ExportRequested.builder("doctor-it-" + name + "-" + UUID.randomUUID(), tenant, SALES_WS, SALES_REPORT,
                ExportFormat.PDF).build();
    }

    /** A JSON configuration file with the contoso tenant pointing at the devstack (inline secret: tests only). */
    private static Path configFile(Path dir) throws Exception {
        DevStack stack = harness.stack();
        String json = """
                {
                  "kafka": {"bootstrapServers": "%s"},
                  "tenants": {
                    "contoso": {
                      "tenantId": "%s",
                      "clientId": "%s",
                      "credential": {"secret": {"value": "%s"}},
                      "authorityUrl": "%s",
                      "powerBiApiUrl": "%s"
                    }
                  },
                  "sinks": {"targets": {"files": {"filesystem": {"root": "%s"}}}}
                }
                """.formatted(stack.kafkaBootstrap(), CONTOSO_TENANT_ID, DoctorStacks.CONTOSO_APP, CONTOSO_SECRET,
                stack.entraUrl(), stack.powerBiUrl(), dir.resolve("out").toString().replace("\\", "/"));
        Path file = dir.resolve("worker.json");
        Files.writeString(file, json);
        return file;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Runs the CLI in-process with stdout and stderr captured. */
    private record Cli(int exit, String out, String err) {
        static synchronized Cli run(String... args) {
            PrintStream oldOut = System.out;
            PrintStream oldErr = System.err;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                int exit = Main.execute(args);
                return new Cli(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            } finally {
                System.setOut(oldOut);
                System.setErr(oldErr);
            }
        }
    }
}
