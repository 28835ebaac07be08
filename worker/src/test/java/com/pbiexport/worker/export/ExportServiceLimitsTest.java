package com.pbiexport.worker.export;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.pbiexport.contracts.ErrorCategory;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.sim.ManualClock;
import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.powerbi.ApiResponse;
import com.pbiexport.worker.powerbi.ExportJob;
import com.pbiexport.worker.powerbi.ExportStatus;
import com.pbiexport.worker.storage.FileSink;
import com.pbiexport.worker.testing.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Power BI's own time limits on an export, in fake time (as {@link ExportLifecycleTest}): a file's URL is valid
 * 24 hours after the export succeeded, and a paginated export runs at most 60 minutes
 * (powerbi-export-api.md, section 2).
 */
class ExportServiceLimitsTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration RETRY_AFTER = Duration.ofMinutes(1);

    private final ManualClock clock = new ManualClock(T0);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final FakeExportApi api = new FakeExportApi(clock);
    private final MemorySink sink = new MemorySink(0);

    /** The documented defaults, with a request rate without limit and an export timeout of 3 hours. */
    private static Limits limits() {
        Limits d = Limits.defaults();
        return new Limits(d.maxInFlight(), d.maxFileBytes(), Duration.ofHours(3), d.pollFallbackInterval(),
                d.maxPollInterval(), d.busyRetries(), d.startThrottleMaxWait(), d.pollErrorBudget(), d.maxQueued(),
                d.capacityInitialConcurrency(), d.capacityMaxConcurrency(), 0, d.capacityLookupTtl(), false);
    }

    private ExportService service() {
        return new ExportService(alias -> api, Map.<String, FileSink>of("files", sink)::get, new Classifier(clock),
                limits(), clock, scheduler, scheduler, ExportObserver.NONE, () -> 0);
    }

    private static ExportJobSpec spec(ExportFormat format) {
        ExportRequested r = ExportRequested.builder("req-1", "contoso", "3d5e0000-0000-4000-a000-000000000001",
                "7e000000-0000-4000-a000-000000000001", format).build();
        return new ExportJobSpec(r, JsonNodeFactory.instance.objectNode().put("format", format.name()), "files",
                T0, Optional.empty());
    }

    private JobResult await(CompletableFuture<JobResult> result) {
        assertThat(scheduler.runUntil(result::isDone, Duration.ofHours(5))).as("a result within 5 fake hours").isTrue();
        return result.join();
    }

    @Test
    void aResumedExportFoundSucceededLongAgoIsExportedAgainRatherThanLost() {
        // succeeded 23 h 50 min ago: its URL expires in 10 minutes, within the store margin of 15
        Instant succeeded = T0.minus(Duration.ofHours(23).plusMinutes(50));
        api.onPoll(api.succeeded(succeeded, succeeded.plus(Duration.ofHours(24))))
                .onStart(api.accepted())
                .onPoll(api.status(new ExportStatus.Succeeded(), Optional.empty()));
        CompletableFuture<JobResult> result = new CompletableFuture<>();

        service().resume(spec(ExportFormat.PDF), "old-export", 1, StartListener.NONE, result::complete);
        JobResult r = await(result);

        assertThat(r).isInstanceOf(JobResult.Stored.class);
        assertThat(((JobResult.Stored) r).exportId()).isEqualTo("export-1");
        assertThat(api.count(Operation.START)).isEqualTo(1);
        assertThat(api.calls).filteredOn(c -> c.operation() == Operation.DOWNLOAD)
                .extracting(FakeExportApi.Call::exportId).containsExactly("export-1"); // never the expiring file
        assertThat(sink.files).hasSize(1);
    }

    @Test
    void aFileWithTimeLeftIsDownloadedNotExportedAgain() {
        Instant succeeded = T0.minus(Duration.ofHours(23)); // one hour left
        api.onPoll(api.succeeded(succeeded, succeeded.plus(Duration.ofHours(24))));
        CompletableFuture<JobResult> result = new CompletableFuture<>();

        service().resume(spec(ExportFormat.PDF), "old-export", 1, StartListener.NONE, result::complete);

        assertThat(await(result)).isInstanceOf(JobResult.Stored.class);
        assertThat(api.count(Operation.START)).isZero();
        assertThat(api.calls).filteredOn(c -> c.operation() == Operation.DOWNLOAD)
                .extracting(FakeExportApi.Call::exportId).containsExactly("old-export");
    }

    @Test
    void givesUpWithFileExpiredWhenEveryNewExportsFileExpiresToo() {
        // a clock 24 h ahead of Power BI's: every file looks expired; two new exports, then FILE_EXPIRED
        api.onPoll(api.succeeded(T0.minus(Duration.ofHours(24)), T0)).onStart(api.accepted());
        CompletableFuture<JobResult> result = new CompletableFuture<>();

        service().resume(spec(ExportFormat.PDF), "old-export", 1, StartListener.NONE, result::complete);
        JobResult r = await(result);

        assertThat(r).isInstanceOf(JobResult.Failed.class);
        assertThat(((JobResult.Failed) r).diagnosis().code()).isEqualTo(ErrorCode.FILE_EXPIRED);
        assertThat(api.count(Operation.START)).isEqualTo(ServiceLimits.MAX_EXPIRY_REEXPORTS);
        assertThat(api.count(Operation.DOWNLOAD)).isZero();
    }

    @Test
    void aPaginatedExportStillRunningAfterSixtyMinutesFailsWithItsOwnCode() {
        api.onStart(api.accepted()).onPoll(api.status(new ExportStatus.Running(10), Optional.of(RETRY_AFTER)));
        CompletableFuture<JobResult> result = new CompletableFuture<>();

        service().submit(spec(ExportFormat.XLSX), result::complete);
        JobResult r = await(result);

        assertThat(r).isInstanceOf(JobResult.Failed.class);
        JobResult.Failed f = (JobResult.Failed) r;
        assertThat(f.diagnosis().code()).isEqualTo(ErrorCode.EXPORT_PAGINATED_TIME_LIMIT);
        assertThat(f.diagnosis().category()).isEqualTo(ErrorCategory.TIMEOUT);
        assertThat(f.diagnosis().message()).contains("was still running after 60 minutes");
        // first poll after the 5 s fallback, then one a minute (Retry-After): the first past minute 60 ends it
        assertThat(api.times(Operation.POLL)).last().isEqualTo(T0.plus(Duration.ofMinutes(60).plusSeconds(5)));
        assertThat(api.count(Operation.POLL)).isEqualTo(61);
    }

    @Test
    void aPaginatedExportFailedAfterSixtyMinutesIsNamedByTheLimit() {
        api.onStart(api.accepted()).onPoll(until(Duration.ofMinutes(60), new ExportStatus.Failed()));
        CompletableFuture<JobResult> result = new CompletableFuture<>();

        service().submit(spec(ExportFormat.CSV), result::complete);
        JobResult r = await(result);

        assertThat(((JobResult.Failed) r).diagnosis().code()).isEqualTo(ErrorCode.EXPORT_PAGINATED_TIME_LIMIT);
        assertThat(((JobResult.Failed) r).diagnosis().message()).contains("was reported Failed after 60 minutes");
    }

    @Test
    void aPaginatedExportFailedWithinSixtyMinutesIsAnOrdinaryFailure() {
        api.onStart(api.accepted()).onPoll(until(Duration.ofMinutes(30), new ExportStatus.Failed()));
        CompletableFuture<JobResult> result = new CompletableFuture<>();

        service().submit(spec(ExportFormat.CSV), result::complete);

        assertThat(((JobResult.Failed) await(result)).diagnosis().code()).isEqualTo(ErrorCode.EXPORT_FAILED);
    }

    @Test
    void aPowerBiReportIsNotHeldToThePaginatedLimit() {
        api.onStart(api.accepted()).onPoll(until(Duration.ofMinutes(75), new ExportStatus.Succeeded()));
        CompletableFuture<JobResult> result = new CompletableFuture<>();

        service().submit(spec(ExportFormat.PNG), result::complete);

        assertThat(await(result)).isInstanceOf(JobResult.Stored.class);
        assertThat(clock.instant()).isAfter(T0.plus(Duration.ofMinutes(75)));
    }

    /** Running (Retry-After one minute) until {@code after} from T0, then {@code then} (without Retry-After). */
    private Supplier<ApiResponse<ExportJob>> until(Duration after, ExportStatus then) {
        return () -> clock.instant().isBefore(T0.plus(after))
                ? api.status(new ExportStatus.Running(10), Optional.of(RETRY_AFTER)).get()
                : api.status(then, Optional.empty()).get();
    }
}
