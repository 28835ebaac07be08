package com.pbiexport.worker.export;

import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.config.Limits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Resuming a running export (durable job state): poll the recorded export id instead of calling ExportTo. */
class ExportResumeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path output;
    private static SimulatedPowerBi powerBi;

    @BeforeAll
    static void startSimulators() {
        powerBi = new SimulatedPowerBi(Scenario.defaultScenario().withPageRenderMillis(1500), output);
    }

    @AfterAll
    static void stopSimulators() throws Exception {
        if (powerBi != null) {
            powerBi.close();
        }
    }

    @BeforeEach
    void reset() {
        powerBi.reset();
    }

    private static Limits limits() {
        return new Limits(8, Limits.DEFAULT_MAX_FILE_BYTES, Duration.ofMinutes(1), Duration.ofMillis(300),
                Duration.ofSeconds(5), 3, Duration.ofSeconds(30), 3);
    }

    private record Started(String exportId, int attempt) { }

    @Test
    void resumedExportPollsTheRecordedExportAndNeverCallsExportToAgain() throws Exception {
        ExportService first = powerBi.service(limits(), ExportObserver.NONE);
        List<Started> started = new CopyOnWriteArrayList<>();
        ExportService.JobHandle job = first.submit(powerBi.spec("resume-1", null),
                (id, attempt, at) -> started.add(new Started(id, attempt)), r -> { });
        await().atMost(WAIT).until(() -> !started.isEmpty());
        job.cancel(); // the instance "dies" while Power BI renders

        ExportService second = powerBi.service(limits(), ExportObserver.NONE);
        CompletableFuture<JobResult> result = new CompletableFuture<>();
        List<Started> restarted = new CopyOnWriteArrayList<>();
        second.resume(powerBi.spec("resume-1", null), started.get(0).exportId(), started.get(0).attempt(),
                (id, attempt, at) -> restarted.add(new Started(id, attempt)), result::complete);
        JobResult r = result.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(r).isInstanceOf(JobResult.Stored.class);
        JobResult.Stored s = (JobResult.Stored) r;
        assertThat(s.exportId()).isEqualTo(started.get(0).exportId());
        assertThat(s.attempts()).isEqualTo(1);
        assertThat(powerBi.counter("exportToCalls")).isEqualTo(1);
        assertThat(powerBi.counter("fileDownloads")).isEqualTo(1);
        assertThat(restarted).as("no new export was accepted").isEmpty();
        assertThat(second.inFlight()).isZero();
    }

    @Test
    void startsAfreshWhenPowerBiNoLongerKnowsTheRecordedExport() throws Exception {
        ExportService service = powerBi.service(limits(), ExportObserver.NONE);
        CompletableFuture<JobResult> result = new CompletableFuture<>();
        List<Started> started = new CopyOnWriteArrayList<>();
        service.resume(powerBi.spec("resume-2", null), "Mi9DNUE2QjQ3MUQ3N0FBNDY0OUE4NkUyOTIwNjJFODVGMS5wZGY=", 1,
                (id, attempt, at) -> started.add(new Started(id, attempt)), result::complete);
        JobResult r = result.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(r).isInstanceOf(JobResult.Stored.class);
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(powerBi.counter("exportToCalls")).isEqualTo(1);
        assertThat(started).hasSize(1);
        assertThat(((JobResult.Stored) r).exportId()).isEqualTo(started.get(0).exportId());
    }
}
