package com.pbiexport.worker.doctor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.contracts.ExportFailed;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.SimProfile;
import com.pbiexport.worker.app.DoctorCommand;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.diagnose.doctor.CheckResult;
import com.pbiexport.worker.diagnose.doctor.DoctorReport;
import com.pbiexport.worker.it.Lane;
import com.pbiexport.worker.it.Outcome;
import com.pbiexport.worker.it.WorkerHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The diagnosis matrix of issue "Realism": every misconfiguration cause of {@link DoctorMatrixIT#rows()} x every
 * error answer observed for it, in the realistic profile. The simulator's test hook
 * ({@code DevStack.forcedAnswers().force(k)}) makes each situation answer its k-th observed answer (status, body
 * shape, X-PowerBI-Error-Info, Content-Type), for k = 0..{@link #ROUNDS}-1 (wrapping where a situation has fewer).
 *
 * <p>Each cell is <b>right</b> (the code of the true cause), <b>ambiguous</b> (an ambiguous or general code whose
 * message lists the true cause among its candidates), or <b>wrong</b> (anything else, e.g. a confident code of
 * another cause). The test asserts 0 wrong, for the doctor and for the worker's {@code ExportFailed}, and that both
 * give the same code in every cell where the worker can meet the cause. The counts are written to
 * {@code target/diagnosis-matrix.json} and reported in docs/TROUBLESHOOTING.md.
 */
class DiagnosisMatrixIT {
    private static final Logger log = LoggerFactory.getLogger(DiagnosisMatrixIT.class);
    /** The most answers any situation lists (devstack README, "Error answers"); content types cycle with k too. */
    static final int ROUNDS = 3;
    private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(240);

    /** The general and ambiguous codes: honest only when their message names the true cause among candidates. */
    private static final Set<ErrorCode> GENERAL = Set.of(ErrorCode.PBI_UNAUTHORIZED, ErrorCode.PBI_FORBIDDEN,
            ErrorCode.PBI_NOT_FOUND, ErrorCode.PBI_BAD_REQUEST, ErrorCode.PBI_WORKSPACE_AMBIGUOUS,
            ErrorCode.PBI_EXPORT_FORBIDDEN_AMBIGUOUS);

    /**
     * Per row: the true cause, and the words an ambiguous message must contain to count as naming it (taken from
     * the cause itself, not from the classifier's wording: e.g. "member" for a non-member).
     */
    record Truth(ErrorCode cause, List<String> namedBy) { }

    private static final Map<String, Truth> TRUTH = Map.ofEntries(
            Map.entry("graph-token-from-bare-default", new Truth(ErrorCode.TOKEN_AUDIENCE_GRAPH, List.of("audience"))),
            Map.entry("graph-token-from-graph-scope", new Truth(ErrorCode.TOKEN_AUDIENCE_GRAPH, List.of("audience"))),
            Map.entry("wrong-client-secret", new Truth(ErrorCode.AUTH_INVALID_SECRET, List.of())),
            Map.entry("expired-client-secret", new Truth(ErrorCode.AUTH_SECRET_EXPIRED, List.of())),
            Map.entry("app-not-found-in-tenant", new Truth(ErrorCode.AUTH_APP_NOT_FOUND, List.of())),
            Map.entry("tenant-not-found", new Truth(ErrorCode.AUTH_TENANT_NOT_FOUND, List.of())),
            Map.entry("secret-env-var-not-set", new Truth(ErrorCode.AUTH_CREDENTIAL_UNREADABLE, List.of())),
            Map.entry("service-principals-tenant-setting-off",
                    new Truth(ErrorCode.PBI_SERVICE_PRINCIPALS_DISABLED, List.of("Service principals can"))),
            Map.entry("not-a-workspace-member", new Truth(ErrorCode.PBI_NOT_WORKSPACE_MEMBER, List.of("member"))),
            Map.entry("unknown-workspace", new Truth(ErrorCode.PBI_WORKSPACE_NOT_FOUND, List.of("workspace"))),
            Map.entry("not-a-member-admin-api-refused",
                    new Truth(ErrorCode.PBI_NOT_WORKSPACE_MEMBER, List.of("member"))),
            Map.entry("my-workspace-route", new Truth(ErrorCode.PBI_MY_WORKSPACE_ROUTE, List.of())),
            Map.entry("shared-capacity", new Truth(ErrorCode.PBI_NO_DEDICATED_CAPACITY, List.of("capacity"))),
            Map.entry("premium-per-user", new Truth(ErrorCode.PBI_PPU_NOT_SUPPORTED, List.of("Premium Per User"))),
            Map.entry("unknown-report", new Truth(ErrorCode.PBI_REPORT_NOT_FOUND, List.of("report"))),
            Map.entry("unknown-profile", new Truth(ErrorCode.PBI_PROFILE_NOT_FOUND, List.of("profile"))),
            Map.entry("paginated-only-format-on-power-bi-report",
                    new Truth(ErrorCode.PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE, List.of())),
            Map.entry("png-of-paginated-report",
                    new Truth(ErrorCode.PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE, List.of())),
            Map.entry("png-disabled-by-tenant",
                    new Truth(ErrorCode.PBI_FORMAT_DISABLED_BY_TENANT, List.of("Export reports as image files"))),
            Map.entry("sensitivity-label-to-pdf", new Truth(ErrorCode.PBI_SENSITIVITY_LABEL, List.of("sensitivity label"))),
            Map.entry("sensitivity-label-to-pptx", new Truth(ErrorCode.PBI_SENSITIVITY_LABEL, List.of("sensitivity label"))),
            Map.entry("more-than-50-pages", new Truth(ErrorCode.PBI_TOO_MANY_PAGES, List.of("50"))),
            Map.entry("public-cloud-setting-against-usgov-api",
                    new Truth(ErrorCode.TOKEN_AUDIENCE_WRONG_CLOUD, List.of("audience"))),
            Map.entry("usgov-cloud-setting-against-public-api",
                    new Truth(ErrorCode.TOKEN_AUDIENCE_WRONG_CLOUD, List.of("audience"))),
            Map.entry("public-scope-against-usgov-api",
                    new Truth(ErrorCode.TOKEN_AUDIENCE_WRONG_CLOUD, List.of("audience"))),
            Map.entry("usgov-scope-against-public-api",
                    new Truth(ErrorCode.TOKEN_AUDIENCE_WRONG_CLOUD, List.of("audience"))));

    enum Verdict { RIGHT, AMBIGUOUS, WRONG }

    record Cell(String row, int k, String who, String code, Verdict verdict, String message) { }

    private static WorkerHarness harness;
    private static DevStack usGov;
    private static Lane lane;

    @BeforeAll
    static void start() {
        // the realistic profile is the harness's default; said here because the matrix is about it
        harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(200));
        assertThat(harness.stack().realism().profile()).isEqualTo(SimProfile.REALISTIC);
        usGov = DevStack.builder().scenario(DoctorStacks.usGovScenario(200)).kafka(false).start();
        lane = harness.lane("diagnosis-matrix",
                cfg -> DoctorMatrixIT.withMisconfiguredTenants(cfg, harness.stack(), usGov));
        lane.startWorker();
    }

    @AfterAll
    static void stop() {
        for (DevStack s : new DevStack[]{harness == null ? null : harness.stack(), usGov}) {
            if (s != null) {
                s.forcedAnswers().off();
            }
        }
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

    static Verdict verdict(Truth truth, String code, String message) {
        if (truth.cause().name().equals(code)) {
            return Verdict.RIGHT;
        }
        boolean general = GENERAL.stream().anyMatch(g -> g.name().equals(code));
        boolean namesTheCause = !truth.namedBy().isEmpty() && truth.namedBy().stream()
                .allMatch(w -> message.toLowerCase().contains(w.toLowerCase()));
        return general && namesTheCause ? Verdict.AMBIGUOUS : Verdict.WRONG;
    }

    @Test
    void everyCauseTimesEveryObservedAnswerIsRightOrHonestlyAmbiguousNeverWrongAndDoctorAndWorkerAgree()
            throws Exception {
        List<DoctorMatrixIT.Row> rows = DoctorMatrixIT.rows();
        assertThat(TRUTH.keySet()).as("a true cause for every row").containsExactlyInAnyOrderElementsOf(
                rows.stream().map(DoctorMatrixIT.Row::name).toList());
        List<Cell> cells = new ArrayList<>();
        List<String> disagreements = new ArrayList<>();
        for (int k = 0; k < ROUNDS; k++) {
            harness.stack().forcedAnswers().force(k);
            usGov.forcedAnswers().force(k);
            Map<String, DoctorMatrixIT.Row> published = new LinkedHashMap<>();
            for (DoctorMatrixIT.Row row : rows) {
                if (row.workerCode() != null) {
                    String id = row.requestId() + "-k" + k;
                    ExportRequested.Builder b = ExportRequested.builder(id, row.tenant(), row.workspaceId(),
                            row.reportId(), row.format());
                    if (row.profileId() != null) {
                        b.profileId(row.profileId());
                    }
                    lane.publish(b.build());
                    published.put(id, row);
                }
            }
            Map<String, String> doctorCodes = new LinkedHashMap<>();
            for (DoctorMatrixIT.Row row : rows) {
                DoctorReport report = DoctorCommand.diagnose(lane.config(), row.tenant(), row.doctorRequest(), Map.of(),
                        Clock.systemUTC());
                CheckResult failed = report.firstFailure().orElse(null);
                String code = failed == null ? "NONE" : failed.code().map(Enum::name).orElse("NONE");
                String message = failed == null ? report.toText() : failed.detail();
                cells.add(new Cell(row.name(), k, "doctor", code, verdict(TRUTH.get(row.name()), code, message),
                        message));
                doctorCodes.put(row.name(), code);
            }
            Map<String, Outcome> outcomes = lane.awaitOutcomes(published.keySet(), ROUND_TIMEOUT);
            for (Map.Entry<String, DoctorMatrixIT.Row> e : published.entrySet()) {
                DoctorMatrixIT.Row row = e.getValue();
                ExportFailed f = outcomes.get(e.getKey()).failed();
                String code = f.error().code();
                cells.add(new Cell(row.name(), k, "worker", code, verdict(TRUTH.get(row.name()), code,
                        f.error().message()), f.error().message()));
                if (!code.equals(doctorCodes.get(row.name()))) {
                    disagreements.add(row.name() + " k=" + k + ": doctor " + doctorCodes.get(row.name())
                            + ", worker " + code);
                }
            }
        }
        harness.stack().forcedAnswers().off();
        usGov.forcedAnswers().off();

        Map<String, Map<Verdict, Long>> counts = new LinkedHashMap<>();
        for (String who : List.of("doctor", "worker")) {
            Map<Verdict, Long> c = new LinkedHashMap<>();
            for (Verdict v : Verdict.values()) {
                c.put(v, cells.stream().filter(x -> x.who().equals(who) && x.verdict() == v).count());
            }
            counts.put(who, c);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("rounds", ROUNDS);
        report.put("causes", rows.size());
        report.put("counts", counts);
        report.put("cells", cells.stream().map(c -> c.row() + " k=" + c.k() + " " + c.who() + " " + c.code() + " "
                + c.verdict()).toList());
        Path out = Path.of("target", "diagnosis-matrix.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
        log.info("diagnosis matrix: {}", counts);

        assertThat(cells.stream().filter(c -> c.verdict() == Verdict.WRONG)
                .map(c -> c.who() + " " + c.row() + " k=" + c.k() + ": " + c.code() + " (" + c.message() + ")"))
                .as("wrong diagnoses").isEmpty();
        assertThat(disagreements).as("doctor and ExportFailed agree on every cell the worker meets").isEmpty();
    }
}
