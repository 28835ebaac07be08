package com.pbiexport.worker.export;

import com.pbiexport.contracts.ErrorCategory;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.FaultSettings;
import com.pbiexport.worker.config.Limits;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.diagnose.WorkspaceEvidence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The export lifecycle against the devstack's Entra and Power BI simulators, through the real token source and
 * Power BI client. Render time is 1 s per round (NotStarted 0.5 s, then Running 1 s); polls carry Retry-After 1 s
 * except every third one.
 */
class ExportServiceTest {
    private static final long RENDER_MILLIS = 1000;
    private static final Duration SHORT_FALLBACK = Duration.ofMillis(300);
    private static final Duration RESULT_WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path output;
    private static final String FINANCE_WS = "3d5e0000-0000-4000-a000-000000000002";
    private static final String FINANCE_REPORT = "7e000000-0000-4000-a000-000000000006";
    private static SimulatedPowerBi powerBi;

    private final Recorder observer = new Recorder();

    /** What the export stage reported. */
    static final class Recorder implements ExportObserver {
        final Map<Stage, AtomicInteger> inStage = new ConcurrentHashMap<>();
        final List<Long> pollNanos = new CopyOnWriteArrayList<>();
        final AtomicInteger busyRestarts = new AtomicInteger();
        final List<String> throttled = new CopyOnWriteArrayList<>();
        final List<JobResult> finished = new CopyOnWriteArrayList<>();

        @Override
        public void stageEntered(String tenant, Stage stage) {
            inStage.computeIfAbsent(stage, s -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void stageLeft(String tenant, Stage stage) {
            inStage.computeIfAbsent(stage, s -> new AtomicInteger()).decrementAndGet();
        }

        @Override
        public void throttled(String tenant, String operation, Duration retryAfter) {
            throttled.add(operation + " " + retryAfter);
        }

        @Override
        public void polled(String tenant) {
            pollNanos.add(System.nanoTime());
        }

        @Override
        public void busyRestart(String tenant) {
            busyRestarts.incrementAndGet();
        }

        @Override
        public void finished(JobResult result) {
            finished.add(result);
        }

        boolean noneInAnyStage() {
            return inStage.values().stream().allMatch(n -> n.get() == 0);
        }
    }

    @BeforeAll
    static void startSimulators() {
        powerBi = new SimulatedPowerBi(Scenario.defaultScenario().withPageRenderMillis(RENDER_MILLIS), output);
    }

    @AfterAll
    static void stopSimulators() throws Exception {
        if (powerBi != null) {
            powerBi.close();
        }
    }

    @BeforeEach
    void resetSimulators() {
        powerBi.reset();
    }

    private static Limits limits(Duration fallback, int busyRetries, int pollErrorBudget, Duration exportTimeout) {
        return new Limits(8, Limits.DEFAULT_MAX_FILE_BYTES, exportTimeout, fallback, Duration.ofSeconds(5),
                busyRetries, Duration.ofSeconds(30), pollErrorBudget);
    }

    private static Limits shortLimits() {
        return limits(SHORT_FALLBACK, 3, 3, Duration.ofMinutes(1));
    }

    private JobResult run(ExportService service, ExportJobSpec spec) throws Exception {
        CompletableFuture<JobResult> result = new CompletableFuture<>();
        service.submit(spec, result::complete);
        return result.get(RESULT_WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static JobResult.Failed failed(JobResult r) {
        assertThat(r).isInstanceOf(JobResult.Failed.class);
        return (JobResult.Failed) r;
    }

    @Test
    void exportsAReportIntoTheSink() throws Exception {
        ExportService service = powerBi.service(shortLimits(), observer);

        JobResult r = run(service, powerBi.spec("ok-1", null));

        assertThat(r).isInstanceOf(JobResult.Stored.class);
        JobResult.Stored s = (JobResult.Stored) r;
        Path file = Path.of(s.file().uri());
        assertThat(file).startsWith(output).exists();
        byte[] bytes = Files.readAllBytes(file);
        assertThat(s.file().sizeBytes()).isEqualTo(bytes.length).isPositive();
        assertThat(s.file().sha256Hex()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(s.file().contentType()).isEqualTo("application/pdf");
        assertThat(s.exportId()).isNotBlank();
        assertThat(s.attempts()).isEqualTo(1);
        assertThat(s.powerBiRequestIds()).isNotEmpty();
        assertThat(s.timings().renderMs()).isGreaterThanOrEqualTo(RENDER_MILLIS);
        assertThat(s.timings().totalMs()).isGreaterThanOrEqualTo(s.timings().renderMs());
        assertThat(powerBi.counter("exportToCalls")).isEqualTo(1);
        assertThat(powerBi.counter("fileDownloads")).isEqualTo(1);
        assertThat(observer.finished).containsExactly(r);
        assertThat(observer.noneInAnyStage()).isTrue();
        assertThat(service.inFlight()).isZero();
    }

    @Test
    void waitsAtLeastRetryAfterAndAtMostTenPercentMoreBetweenPolls() throws Exception {
        // fallback = Retry-After = 1 s, so every gap between polls must be 1.0 to 1.1 s (+ scheduling slack)
        ExportService service = powerBi.service(limits(Duration.ofSeconds(1), 3, 3, Duration.ofMinutes(1)), observer);

        assertThat(run(service, powerBi.spec("timing-1", null))).isInstanceOf(JobResult.Stored.class);

        assertThat(observer.pollNanos).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 1; i < observer.pollNanos.size(); i++) {
            long gapMillis = TimeUnit.NANOSECONDS.toMillis(observer.pollNanos.get(i) - observer.pollNanos.get(i - 1));
            assertThat(gapMillis).as("gap before poll %d", i).isBetween(1000L, 1100L + 250L);
        }
    }

    @Test
    void pollsNoMoreThanRenderTimeOverRetryAfterPlusTwo() throws Exception {
        ExportService service = powerBi.service(limits(Duration.ofSeconds(1), 3, 3, Duration.ofMinutes(1)), observer);

        assertThat(run(service, powerBi.spec("polls-1", null))).isInstanceOf(JobResult.Stored.class);

        long renderSeconds = (RENDER_MILLIS + RENDER_MILLIS / 2) / 1000; // NotStarted half a round, then a round
        assertThat(powerBi.counter("polls")).isLessThanOrEqualTo(renderSeconds + 2)
                .isEqualTo(observer.pollNanos.size());
    }

    @Test
    void restartsABusyFailedExportAndSucceeds() throws Exception {
        powerBi.faults(new FaultSettings(0, 0, 0, 0, 1, 0, null, 0, 1, 0, 2, 0));
        ExportService service = powerBi.service(shortLimits(), observer);

        JobResult r = run(service, powerBi.spec("busy-1", null));

        assertThat(r).isInstanceOf(JobResult.Stored.class);
        assertThat(r.attempts()).isEqualTo(3);
        assertThat(observer.busyRestarts).hasValue(2);
        assertThat(powerBi.counter("exportToCalls")).isEqualTo(3);
        assertThat(observer.noneInAnyStage()).isTrue();
    }

    @Test
    void givesUpWhenTheCapacityStaysBusyThroughEveryRestart() throws Exception {
        powerBi.faults(new FaultSettings(0, 0, 0, 0, 1, 0, null, 0, 1, 0, 5, 0));
        ExportService service = powerBi.service(limits(SHORT_FALLBACK, 1, 3, Duration.ofMinutes(1)), observer);

        JobResult.Failed f = failed(run(service, powerBi.spec("busy-2", null)));

        assertThat(f.diagnosis().code()).isEqualTo(ErrorCode.EXPORT_BUSY_RETRIES_EXHAUSTED);
        assertThat(f.diagnosis().retryable()).isTrue();
        assertThat(f.attempts()).isEqualTo(2);
        assertThat(powerBi.counter("exportToCalls")).isEqualTo(2);
    }

    @Test
    void endsAPermanentlyFailedExportWithoutRestarting() throws Exception {
        powerBi.faults(new FaultSettings(0, 0, 0, 0, 1, 0, null, 0, 1, 0, 0, 1));
        ExportService service = powerBi.service(shortLimits(), observer);

        JobResult.Failed f = failed(run(service, powerBi.spec("perm-1", null)));

        assertThat(f.diagnosis().code()).isEqualTo(ErrorCode.EXPORT_FAILED);
        assertThat(f.diagnosis().category()).isEqualTo(ErrorCategory.EXPORT_FAILED);
        assertThat(f.exportId()).isPresent();
        assertThat(f.attempts()).isEqualTo(1);
        assertThat(powerBi.counter("exportToCalls")).isEqualTo(1);
        assertThat(observer.busyRestarts).hasValue(0);
    }

    @Test
    void waitsOutRetryAfterWhenTheStartIsThrottled() throws Exception {
        powerBi.faults(new FaultSettings(0, 0, 0, 1, 1, 0, null, 0, 1, 0, 0, 0));
        ExportService service = powerBi.service(shortLimits(), observer);

        JobResult r = run(service, powerBi.spec("throttled-1", null));

        assertThat(r).isInstanceOf(JobResult.Stored.class);
        assertThat(r.attempts()).as("a throttled start is not an attempt").isEqualTo(1);
        assertThat(observer.throttled).containsExactly("start PT1S");
        assertThat(((JobResult.Stored) r).timings().queuedMs()).isGreaterThanOrEqualTo(1000);
        assertThat(powerBi.counter("throttled429")).isEqualTo(1);
    }

    @Test
    void retriesServerErrorsWithinTheBudgetThenFails() throws Exception {
        powerBi.faults(new FaultSettings(1.0, 0, 0, 0, 1, 0, null, 0, 1, 0, 0, 0));
        ExportService service = powerBi.service(limits(Duration.ofMillis(50), 3, 2, Duration.ofMinutes(1)), observer);

        JobResult.Failed f = failed(run(service, powerBi.spec("5xx-1", null)));

        assertThat(f.diagnosis().category()).isEqualTo(ErrorCategory.TRANSIENT);
        assertThat(f.diagnosis().retryable()).isTrue();
        assertThat(f.diagnosis().httpStatus()).hasValueSatisfying(s -> assertThat(s).isIn(500, 503));
        assertThat(powerBi.counter("http5xxInjected")).as("the first call and 2 retries").isEqualTo(3);
        assertThat(f.attempts()).isZero();
    }

    @Test
    void expiresAtTheRequestsNotAfterWhileRendering() throws Exception {
        ExportService service = powerBi.service(shortLimits(), observer);
        Instant notAfter = Instant.now().plusMillis(800);

        JobResult.Failed f = failed(run(service, powerBi.spec("late-1", notAfter)));

        assertThat(f.diagnosis().code()).isEqualTo(ErrorCode.REQUEST_EXPIRED);
        assertThat(f.diagnosis().message()).contains(notAfter.toString());
        assertThat(Instant.now()).isBefore(notAfter.plusMillis(1000));
        assertThat(f.exportId()).as("Power BI had accepted it").isPresent();
        assertThat(observer.noneInAnyStage()).isTrue();
    }

    @Test
    void neverStartsARequestWhoseDeadlineHasPassed() throws Exception {
        ExportService service = powerBi.service(shortLimits(), observer);

        JobResult.Failed f = failed(run(service, powerBi.spec("late-2", Instant.now().minusSeconds(1))));

        assertThat(f.diagnosis().code()).isEqualTo(ErrorCode.REQUEST_EXPIRED);
        assertThat(powerBi.counter("exportToCalls")).isZero();
    }

    @Test
    void timesOutAfterTheOverallExportTimeout() throws Exception {
        ExportService service = powerBi.service(limits(SHORT_FALLBACK, 3, 3, Duration.ofMillis(700)), observer);

        JobResult.Failed f = failed(run(service, powerBi.spec("slow-1", Instant.now().plusSeconds(60))));

        assertThat(f.diagnosis().code()).isEqualTo(ErrorCode.EXPORT_TIMEOUT);
        assertThat(f.diagnosis().category()).isEqualTo(ErrorCategory.TIMEOUT);
        assertThat(f.diagnosis().message()).contains("limits.exportTimeout");
    }

    @Test
    void classifiesAnUnknownReportFromPowerBisAnswer() throws Exception {
        ExportService service = powerBi.service(shortLimits(), observer);

        JobResult.Failed f = failed(run(service, powerBi.spec("nf-1", "7e000000-0000-4000-a000-0000000000ff", null)));

        assertThat(f.diagnosis().category()).isEqualTo(ErrorCategory.NOT_FOUND);
        assertThat(f.diagnosis().httpStatus()).contains(404);
        assertThat(f.diagnosis().powerBiRequestId()).isPresent();
        assertThat(f.powerBiRequestIds()).isNotEmpty();
    }

    @Test
    void anInvisibleWorkspaceIsAskedOfTheAdminApiAndAListedWorkspaceIsNotAMember() throws Exception {
        ExportService service = powerBi.service(shortLimits(), observer,
                new WorkspaceEvidence.Exists(FINANCE_WS, "Finance (no access)"));

        JobResult.Failed f = failed(run(service, powerBi.spec("ws-member", FINANCE_WS, FINANCE_REPORT, null)));

        assertThat(f.diagnosis().code()).isEqualTo(ErrorCode.PBI_NOT_WORKSPACE_MEMBER);
        assertThat(f.diagnosis().remediation()).isEqualTo(ErrorCode.PBI_NOT_WORKSPACE_MEMBER.remediation());
        assertThat(f.diagnosis().category()).isEqualTo(ErrorCategory.PERMISSION);
        assertThat(f.diagnosis().message()).contains("workspace 'Finance (no access)' (" + FINANCE_WS + ") exists but "
                + "the service principal is not a member (read-only admin API)");
        assertThat(f.diagnosis().powerBiRequestId()).as("Power BI's answer is kept").isPresent();
    }

    @Test
    void anInvisibleWorkspaceTheAdminApiCannotSpeakForGetsTheAmbiguousCodeAndSaysWhy() throws Exception {
        ExportService service = powerBi.service(shortLimits(), observer, new WorkspaceEvidence.Unknown(
                WorkspaceEvidence.Reason.REFUSED, "app-2", "HTTP 401 PowerBINotAuthorizedException",
                Optional.empty()));

        JobResult.Failed f = failed(run(service, powerBi.spec("ws-refused", FINANCE_WS, FINANCE_REPORT, null)));

        assertThat(f.diagnosis().code()).isEqualTo(ErrorCode.PBI_WORKSPACE_AMBIGUOUS);
        assertThat(f.diagnosis().remediation()).isEqualTo(ErrorCode.PBI_WORKSPACE_AMBIGUOUS.remediation());
        assertThat(f.diagnosis().message()).contains("could not be told apart", "refused this app (HTTP 401",
                "'Service principals can access read-only admin APIs' for a security group containing app app-2");
    }

    @Test
    void aCancelledJobProducesNoResult() throws Exception {
        ExportService service = powerBi.service(shortLimits(), observer);
        CompletableFuture<JobResult> result = new CompletableFuture<>();

        ExportService.JobHandle job = service.submit(powerBi.spec("cancel-1", null), result::complete);
        await().atMost(RESULT_WAIT).until(() -> powerBi.counter("polls") >= 1);
        job.cancel();

        // the export is done after 1.5 s; give it time to (wrongly) finish
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> !result.isDone());
        assertThat(observer.finished).isEmpty();
        assertThat(powerBi.counter("fileDownloads")).isZero();
    }

    @Test
    void aCancelledJobIsNoLongerInFlight() {
        ExportService service = powerBi.service(shortLimits(), observer);

        ExportService.JobHandle job = service.submit(powerBi.spec("cancel-2", null), r -> { });
        await().atMost(RESULT_WAIT).until(() -> powerBi.counter("exportToCalls") == 1);
        job.cancel();

        assertThat(service.inFlight()).isZero();
    }

    @Test
    void cancellingWhileACallIsUnderwayLeavesNoStageCounted() {
        // 500 ms latency: the cancel lands while ExportTo is still waiting for its answer
        powerBi.faults(new FaultSettings(0, 500, 0, 0, 1, 0, null, 0, 1, 0, 0, 0));
        ExportService service = powerBi.service(shortLimits(), observer);

        ExportService.JobHandle job = service.submit(powerBi.spec("cancel-3", null), r -> { });
        await().atMost(RESULT_WAIT).until(() -> powerBi.counter("exportToCalls") == 1);
        job.cancel();

        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(3)).until(observer::noneInAnyStage);
    }

    @Test
    void cancelAllStopsEveryJob() throws Exception {
        ExportService service = powerBi.service(shortLimits(), observer);
        CompletableFuture<JobResult> a = new CompletableFuture<>();
        CompletableFuture<JobResult> b = new CompletableFuture<>();
        service.submit(powerBi.spec("all-1", null), a::complete);
        service.submit(powerBi.spec("all-2", null), b::complete);
        await().atMost(RESULT_WAIT).until(() -> powerBi.counter("exportToCalls") == 2);

        service.cancelAll();

        assertThat(service.inFlight()).isZero();
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> !a.isDone() && !b.isDone());
        assertThat(observer.finished).isEmpty();
    }
}
