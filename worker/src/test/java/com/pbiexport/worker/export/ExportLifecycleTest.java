package com.pbiexport.worker.export;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.pbiexport.contracts.ErrorCategory;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.sim.ManualClock;
import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.auth.TokenFailure;
import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.powerbi.ExportStatus;
import com.pbiexport.worker.testing.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.pbiexport.worker.export.FakeExportApi.http;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole export lifecycle against a scripted Power BI, in fake time: no HTTP, no waiting, each test runs in
 * milliseconds. Expected waits are the documented ones (docs/ARCHITECTURE.md "An export's life",
 * powerbi-export-api.md): Retry-After is a minimum, {@code limits.pollFallbackInterval} without it, the deadline is
 * the earlier of {@code notAfter} and {@code receivedAt + limits.exportTimeout}.
 */
class ExportLifecycleTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration FALLBACK = Limits.DEFAULT_POLL_FALLBACK_INTERVAL; // 5 s
    private static final Jitter NO_JITTER = () -> 0;

    private final ManualClock clock = new ManualClock(T0);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final FakeExportApi api = new FakeExportApi(clock);
    private final List<String> throttled = new CopyOnWriteArrayList<>();
    private final List<ExportObserver.Stage> inStage = new CopyOnWriteArrayList<>();
    private MemorySink sink = new MemorySink(0);

    private final ExportObserver observer = new ExportObserver() {
        @Override
        public void throttled(String tenant, String operation, Duration retryAfter) {
            throttled.add(operation + " " + retryAfter);
        }

        @Override
        public void stageEntered(String tenant, Stage stage) {
            inStage.add(stage);
        }

        @Override
        public void stageLeft(String tenant, Stage stage) {
            inStage.remove(stage);
        }
    };

    /** The documented defaults, with the request rate unlimited so that no call waits for it. */
    private static Limits limits(Duration exportTimeout, int busyRetries, boolean forecast) {
        Limits d = Limits.defaults();
        return new Limits(d.maxInFlight(), d.maxFileBytes(), exportTimeout, d.pollFallbackInterval(),
                d.maxPollInterval(), busyRetries, d.startThrottleMaxWait(), d.pollErrorBudget(), d.maxQueued(),
                d.capacityInitialConcurrency(), d.capacityMaxConcurrency(), 0, d.capacityLookupTtl(), forecast);
    }

    private static Limits limits() {
        return limits(Limits.DEFAULT_EXPORT_TIMEOUT, Limits.DEFAULT_BUSY_RETRIES, false);
    }

    private ExportService service(Limits limits, Jitter jitter) {
        return new ExportService(alias -> api, Map.<String, com.pbiexport.worker.storage.FileSink>of("files", sink)::get,
                new Classifier(clock), limits, clock, scheduler, scheduler, observer, jitter);
    }

    private static ExportJobSpec spec(Instant notAfter) {
        ExportRequested r = ExportRequested.builder("req-1", "contoso", "3d5e0000-0000-4000-a000-000000000001",
                "7e000000-0000-4000-a000-000000000001", ExportFormat.PDF).notAfter(notAfter).build();
        return new ExportJobSpec(r, JsonNodeFactory.instance.objectNode().put("format", "PDF"), "files", T0,
                Optional.empty());
    }

    private JobResult run(ExportService service, ExportJobSpec spec) {
        CompletableFuture<JobResult> result = new CompletableFuture<>();
        service.submit(spec, result::complete);
        return await(result);
    }

    private JobResult await(CompletableFuture<JobResult> result) {
        assertThat(scheduler.runUntil(result::isDone, Duration.ofHours(3))).as("a result within 3 fake hours").isTrue();
        return result.join();
    }

    private static JobResult.Failed failed(JobResult r) {
        assertThat(r).isInstanceOf(JobResult.Failed.class);
        return (JobResult.Failed) r;
    }

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    @Test
    void startsPollsAtRetryAfterDownloadsAndStoresWithOneExportTo() {
        api.onStart(api.accepted())
                .onPoll(api.status(new ExportStatus.Running(50), Optional.of(Duration.ofSeconds(2))))
                .onPoll(api.status(new ExportStatus.Succeeded(), Optional.empty()));

        JobResult r = run(service(limits(), NO_JITTER), spec(null));

        assertThat(r).isInstanceOf(JobResult.Stored.class);
        JobResult.Stored s = (JobResult.Stored) r;
        assertThat(s.exportId()).isEqualTo("export-1");
        assertThat(s.attempts()).isEqualTo(1);
        assertThat(s.file().sizeBytes()).isEqualTo(FakeExportApi.FILE.length);
        assertThat(sink.files).hasSize(1);
        // ExportTo at once; first poll after the fallback (no Retry-After on 202); the next after Retry-After 2 s
        assertThat(api.times(Operation.START)).containsExactly(at(0));
        assertThat(api.times(Operation.POLL)).containsExactly(at(5_000), at(7_000));
        assertThat(api.times(Operation.DOWNLOAD)).containsExactly(at(7_000));
        assertThat(s.timings().renderMs()).isEqualTo(7_000);
        assertThat(s.timings().queuedMs()).isZero();
        assertThat(inStage).as("no stage counted after the result").isEmpty();
    }

    @Test
    void pollsAtTheFallbackIntervalWhenPowerBiSendsNoRetryAfter() {
        api.onStart(api.accepted())
                .onPoll(api.status(new ExportStatus.NotStarted(), Optional.empty()))
                .onPoll(api.status(new ExportStatus.NotStarted(), Optional.empty()))
                .onPoll(api.status(new ExportStatus.Succeeded(), Optional.empty()));

        assertThat(run(service(limits(), NO_JITTER), spec(null))).isInstanceOf(JobResult.Stored.class);

        assertThat(api.times(Operation.POLL)).containsExactly(at(5_000), at(10_000), at(15_000));
    }

    @Test
    void jitterAddsAtMostTenPercentToRetryAfterAndNeverPollsEarlier() {
        api.onStart(api.accepted())
                .onPoll(api.status(new ExportStatus.Running(10), Optional.of(Duration.ofSeconds(10))))
                .onPoll(api.status(new ExportStatus.Succeeded(), Optional.empty()));

        assertThat(run(service(limits(), () -> 0.999_999), spec(null))).isInstanceOf(JobResult.Stored.class);

        List<Instant> polls = api.times(Operation.POLL);
        Duration gap = Duration.between(polls.get(0), polls.get(1));
        assertThat(gap).isGreaterThanOrEqualTo(Duration.ofSeconds(10)).isLessThanOrEqualTo(Duration.ofSeconds(11));
    }

    @Test
    void aStartThrottledWithRetryAfterWaitsItOutAndIsNotAnAttempt() {
        api.onStart(http(Operation.START, 429, Optional.of(Duration.ofSeconds(30))))
                .onStart(api.accepted())
                .onPoll(api.status(new ExportStatus.Succeeded(), Optional.empty()));

        JobResult r = run(service(limits(), NO_JITTER), spec(null));

        assertThat(r).isInstanceOf(JobResult.Stored.class);
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(throttled).containsExactly("start PT30S");
        List<Instant> starts = api.times(Operation.START);
        assertThat(starts).hasSize(2);
        assertThat(starts.get(1)).isAfterOrEqualTo(at(30_000)).isBefore(at(31_000));
    }

    @Test
    void aStartThrottledWithoutRetryAfterWaitsTheFallbackInterval() {
        api.onStart(http(Operation.START, 429, Optional.empty()))
                .onStart(api.accepted())
                .onPoll(api.status(new ExportStatus.Succeeded(), Optional.empty()));

        assertThat(run(service(limits(), NO_JITTER), spec(null))).isInstanceOf(JobResult.Stored.class);

        assertThat(throttled).containsExactly("start " + FALLBACK);
        assertThat(api.times(Operation.START).get(1)).isAfterOrEqualTo(at(5_000)).isBefore(at(6_000));
    }

    @Test
    void aStartThrottledLongerThanStartThrottleMaxWaitFailsAsThrottled() {
        api.onStart(http(Operation.START, 429, Optional.of(Duration.ofMinutes(20)))); // the limit is 15 min

        JobResult.Failed f = failed(run(service(limits(), NO_JITTER), spec(null)));

        assertThat(f.diagnosis().category()).isEqualTo(ErrorCategory.THROTTLED);
        assertThat(api.count(Operation.START)).isEqualTo(1);
        assertThat(clock.instant()).as("failed at once, without waiting").isEqualTo(T0);
    }

    @Test
    void aThrottledPollWaitsRetryAfterThenPollsTheSameExport() {
        api.onStart(api.accepted())
                .onPoll(http(Operation.POLL, 429, Optional.of(Duration.ofSeconds(12))))
                .onPoll(api.status(new ExportStatus.Succeeded(), Optional.empty()));

        assertThat(run(service(limits(), NO_JITTER), spec(null))).isInstanceOf(JobResult.Stored.class);

        assertThat(api.times(Operation.POLL)).containsExactly(at(5_000), at(17_000));
        assertThat(api.count(Operation.START)).isEqualTo(1);
        assertThat(throttled).containsExactly("poll PT12S");
    }

    @Test
    void aBusyFailedExportStartsAgainAfterRetryAfter() {
        api.onStart(api.accepted())
                .onPoll(api.status(new ExportStatus.Failed(), Optional.of(Duration.ofSeconds(20))))
                .onPoll(api.status(new ExportStatus.Succeeded(), Optional.empty()));

        JobResult r = run(service(limits(), NO_JITTER), spec(null));

        assertThat(r).isInstanceOf(JobResult.Stored.class);
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(((JobResult.Stored) r).exportId()).isEqualTo("export-2");
        List<Instant> starts = api.times(Operation.START);
        assertThat(starts).hasSize(2);
        assertThat(starts.get(1)).isAfterOrEqualTo(at(5_000 + 20_000)).isBefore(at(5_000 + 21_000));
    }

    @Test
    void anExportBusyThroughEveryRestartEndsAfterBusyRetriesRestarts() {
        api.onStart(api.accepted())
                .onPoll(api.status(new ExportStatus.Failed(), Optional.of(Duration.ofSeconds(5))));

        JobResult.Failed f = failed(run(service(limits(), NO_JITTER), spec(null)));

        assertThat(f.diagnosis().code()).isEqualTo(ErrorCode.EXPORT_BUSY_RETRIES_EXHAUSTED);
        assertThat(api.count(Operation.START)).as("the first start and busyRetries = 3 restarts").isEqualTo(4);
        assertThat(f.attempts()).isEqualTo(4);
    }

    @Test
    void anExportFailedWithoutRetryAfterIsPermanent() {
        api.onStart(api.accepted()).onPoll(api.status(new ExportStatus.Failed(), Optional.empty()));

        JobResult.Failed f = failed(run(service(limits(), NO_JITTER), spec(null)));

        assertThat(f.diagnosis().code()).isEqualTo(ErrorCode.EXPORT_FAILED);
        assertThat(f.exportId()).contains("export-1");
        assertThat(api.count(Operation.START)).isEqualTo(1);
    }

    @Test
    void serverErrorsRetryWithGrowingBackoffWithinTheErrorBudgetThenFail() {
        api.onStart(api.accepted()).onPoll(http(Operation.POLL, 503, Optional.empty()));

        JobResult.Failed f = failed(run(service(limits(), NO_JITTER), spec(null)));

        assertThat(f.diagnosis().category()).isEqualTo(ErrorCategory.TRANSIENT);
        List<Instant> polls = api.times(Operation.POLL);
        assertThat(polls).as("the first poll and pollErrorBudget = 5 retries").hasSize(6);
        for (int i = 2; i < polls.size(); i++) {
            assertThat(Duration.between(polls.get(i - 1), polls.get(i)))
                    .isGreaterThanOrEqualTo(Duration.between(polls.get(i - 2), polls.get(i - 1)));
        }
        assertThat(Duration.between(polls.get(4), polls.get(5))).as("never more than maxPollInterval")
                .isLessThanOrEqualTo(Limits.DEFAULT_MAX_POLL_INTERVAL);
    }

    @Test
    void expiresExactlyAtTheRequestsNotAfterWhileRendering() {
        Instant notAfter = at(12_000);
        api.onStart(api.accepted())
                .onPoll(api.status(new ExportStatus.Running(5), Optional.of(Duration.ofSeconds(5))));

        JobResult.Failed f = failed(run(service(limits(), NO_JITTER), spec(notAfter)));

        assertThat(f.diagnosis().code()).isEqualTo(ErrorCode.REQUEST_EXPIRED);
        assertThat(f.diagnosis().message()).contains(notAfter.toString());
        assertThat(f.exportId()).as("Power BI had accepted it").contains("export-1");
        assertThat(clock.instant()).as("no wait runs past the deadline").isEqualTo(notAfter);
        assertThat(inStage).isEmpty();
    }

    @Test
    void timesOutAtReceivedAtPlusTheExportTimeout() {
        api.onStart(api.accepted())
                .onPoll(api.status(new ExportStatus.Running(5), Optional.of(Duration.ofSeconds(7))));

        JobResult.Failed f = failed(run(service(limits(Duration.ofMinutes(1), 3, false), NO_JITTER),
                spec(at(3_600_000))));

        assertThat(f.diagnosis().code()).isEqualTo(ErrorCode.EXPORT_TIMEOUT);
        assertThat(f.diagnosis().message()).contains("limits.exportTimeout");
        assertThat(clock.instant()).isEqualTo(at(60_000));
    }

    @Test
    void neverStartsARequestWhoseDeadlineHasPassed() {
        JobResult.Failed f = failed(run(service(limits(), NO_JITTER), spec(T0.minusSeconds(1))));

        assertThat(f.diagnosis().code()).isEqualTo(ErrorCode.REQUEST_EXPIRED);
        assertThat(api.calls).isEmpty();
    }

    @Test
    void aResumedExportPollsTheRecordedExportAndNeverCallsExportTo() {
        api.onPoll(api.status(new ExportStatus.Succeeded(), Optional.empty()));
        CompletableFuture<JobResult> result = new CompletableFuture<>();
        List<String> started = new CopyOnWriteArrayList<>();

        service(limits(), NO_JITTER).resume(spec(null), "export-recorded", 2,
                (id, attempt, acceptedAt) -> started.add(id), result::complete);
        JobResult r = await(result);

        assertThat(r).isInstanceOf(JobResult.Stored.class);
        assertThat(((JobResult.Stored) r).exportId()).isEqualTo("export-recorded");
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(api.count(Operation.START)).isZero();
        assertThat(api.times(Operation.POLL)).containsExactly(T0);
        assertThat(started).isEmpty();
    }

    @Test
    void aResumedExportPowerBiNoLongerKnowsStartsAfreshUnderTheSameAttempt() {
        api.onPoll(http(Operation.POLL, 404, Optional.empty()))
                .onPoll(api.status(new ExportStatus.Succeeded(), Optional.empty()));
        api.onStart(api.accepted());
        CompletableFuture<JobResult> result = new CompletableFuture<>();
        List<Integer> started = new CopyOnWriteArrayList<>();

        service(limits(), NO_JITTER).resume(spec(null), "export-gone", 2,
                (id, attempt, acceptedAt) -> started.add(attempt), result::complete);
        JobResult r = await(result);

        assertThat(r).isInstanceOf(JobResult.Stored.class);
        assertThat(((JobResult.Stored) r).exportId()).isEqualTo("export-1");
        assertThat(api.count(Operation.START)).isEqualTo(1);
        assertThat(started).containsExactly(2);
    }

    @Test
    void theForecastPlacesThePollThatSeesTheEndJustAfterTheForecastEndOfRendering() {
        // 40 % after 5 s of rendering (since T0): rendering takes more than 100*5/41 = 12.195 s and at most
        // 100*5/40 = 12.5 s; Retry-After 5 s would poll at 10 s and again at 15 s
        api.onStart(api.accepted())
                .onPoll(api.running(40, T0, Duration.ofSeconds(5)))
                .onPoll(api.status(new ExportStatus.Succeeded(), Optional.empty()));

        assertThat(run(service(limits(Limits.DEFAULT_EXPORT_TIMEOUT, 3, true), NO_JITTER), spec(null)))
                .isInstanceOf(JobResult.Stored.class);

        List<Instant> polls = api.times(Operation.POLL);
        assertThat(polls).hasSize(2);
        assertThat(polls.get(1)).as("at the forecast end, later than Retry-After")
                .isAfterOrEqualTo(at(12_500)).isBefore(at(12_600));
    }

    @Test
    void withoutTheForecastThePollsKeepRetryAfterSpacing() {
        api.onStart(api.accepted())
                .onPoll(api.running(40, T0, Duration.ofSeconds(5)))
                .onPoll(api.status(new ExportStatus.Succeeded(), Optional.empty()));

        assertThat(run(service(limits(), NO_JITTER), spec(null))).isInstanceOf(JobResult.Stored.class);

        assertThat(api.times(Operation.POLL)).containsExactly(at(5_000), at(10_000));
    }

    @Test
    void aTokenEndpointThatStaysDownIsWaitedOutUntilTheDeadlineAndNamedAsTheCause() {
        TokenFailure down = new TokenFailure("contoso", Optional.empty(), Optional.empty(), Optional.empty(),
                "connection refused", TokenFailure.Kind.UNAVAILABLE, Optional.empty());
        api.onStart(() -> {
            throw new TokenAcquisitionException(down);
        });

        JobResult.Failed f = failed(run(service(limits(), NO_JITTER), spec(at(120_000))));

        assertThat(f.diagnosis().code()).isEqualTo(ErrorCode.AUTH_UNAVAILABLE);
        assertThat(f.diagnosis().message()).contains("waited for the token endpoint");
        assertThat(clock.instant()).isEqualTo(at(120_000));
        assertThat(api.count(Operation.START)).as("tried again and again, not once").isGreaterThan(3);
    }

    @Test
    void aStoreThatIsDownForAMomentIsRetriedAndTheFileStored() {
        sink = new MemorySink(2);
        api.onStart(api.accepted()).onPoll(api.status(new ExportStatus.Succeeded(), Optional.empty()));

        JobResult r = run(service(limits(), NO_JITTER), spec(null));

        assertThat(r).isInstanceOf(JobResult.Stored.class);
        assertThat(api.count(Operation.DOWNLOAD)).isEqualTo(3);
        assertThat(sink.files).hasSize(1);
    }

    @Test
    void aCancelledExportReportsNothingAndCallsPowerBiNoMore() {
        api.onStart(api.accepted())
                .onPoll(api.status(new ExportStatus.Running(5), Optional.of(Duration.ofSeconds(5))));
        CompletableFuture<JobResult> result = new CompletableFuture<>();
        ExportService service = service(limits(), NO_JITTER);
        ExportService.JobHandle job = service.submit(spec(null), result::complete);
        scheduler.advance(Duration.ofSeconds(6));
        int calls = api.calls.size();

        job.cancel();
        scheduler.advance(Duration.ofMinutes(10));

        assertThat(result).isNotDone();
        assertThat(api.calls).hasSize(calls);
        assertThat(service.inFlight()).isZero();
        assertThat(inStage).isEmpty();
    }
}
