package com.pbiexport.worker.diagnose.doctor;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.diagnose.ClassificationContext;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.worker.diagnose.PowerBiCall;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.powerbi.ApiResponse;
import com.pbiexport.worker.powerbi.ExportJob;
import com.pbiexport.worker.powerbi.ExportStatus;
import com.pbiexport.worker.powerbi.ExportTarget;
import com.pbiexport.worker.powerbi.PowerBiClient;
import com.pbiexport.worker.powerbi.PowerBiException;
import com.pbiexport.worker.powerbi.PowerBiFailure;
import com.pbiexport.worker.powerbi.ReportInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.Set;

/**
 * The doctor's {@code --trial}: one real export through the same client the worker uses. Start (waiting out a
 * 429 by its Retry-After), poll honouring Retry-After, download to a temporary file, check it is not empty,
 * delete it. Paginated reports are asked for their first page only (StartPage/EndPage where the renderer pages);
 * a Power BI report is exported as the worker would send it (page names are unknown here). Causes that only an
 * export reveals (tenant export switches, sensitivity labels, more than 50 pages, busy capacities) surface here,
 * classified by the shared {@link Classifier}.
 */
final class TrialExport {
    /** Wait when Power BI sends no Retry-After. */
    private static final Duration FALLBACK_WAIT = Duration.ofSeconds(2);
    /** Upper bound on one wait, whatever Retry-After says. */
    private static final Duration MAX_WAIT = Duration.ofSeconds(30);
    /** Paginated renderers that understand StartPage/EndPage. */
    private static final Set<String> PAGED_RENDERERS = Set.of("PDF", "ACCESSIBLEPDF", "IMAGE", "DOCX", "PPTX");

    private final PowerBiClient client;
    private final Classifier classifier;
    private final Clock clock;
    private final Sleeper sleeper;

    TrialExport(PowerBiClient client, Classifier classifier, Clock clock, Sleeper sleeper) {
        this.client = client;
        this.classifier = classifier;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * @param sharpen applied to the classification of a failed call: the doctor's look-up evidence, read with the
     *                worker's {@code EvidenceRules}, so a trial's 403 gets the verdict the worker would give
     */
    CheckResult run(String workspaceId, ReportInfo report, String format, Optional<String> profileId, Duration timeout,
                    ClassificationContext context, BiFunction<Diagnosis, PowerBiCall, Diagnosis> sharpen) {
        ExportTarget target = new ExportTarget(workspaceId, report.id(), profileId);
        ClassificationContext ctx = context.withFormat(format);
        Instant started = clock.instant();
        Instant deadline = started.plus(timeout);
        PowerBiCall call = PowerBiCall.START;
        try {
            ExportJob job = start(target, body(report, format), deadline);
            call = PowerBiCall.POLL;
            ApiResponse<ExportJob> status = client.getExportStatus(target, job.id());
            while (!status.value().status().isTerminal()) {
                if (!waitFor(status.retryAfter().orElse(FALLBACK_WAIT), deadline)) {
                    return timedOut(timeout, status.value());
                }
                status = client.getExportStatus(target, job.id());
            }
            if (status.value().status() instanceof ExportStatus.Failed) {
                boolean busy = status.retryAfter().isPresent();
                return CheckResult.fail(DoctorCheck.TRIAL, Diagnosis.of(busy ? ErrorCode.EXPORT_BUSY_RETRIES_EXHAUSTED
                        : ErrorCode.EXPORT_FAILED, "Power BI reported export " + job.id() + " as Failed"
                        + (busy ? " with Retry-After (the capacity was busy; the worker would start it again)"
                        : " without Retry-After (permanent)")));
            }
            call = PowerBiCall.DOWNLOAD;
            long bytes = download(target, status.value());
            if (bytes <= 0) {
                return CheckResult.fail(DoctorCheck.TRIAL, Diagnosis.of(ErrorCode.PBI_DECODING,
                        "The exported file of " + job.id() + " is empty"));
            }
            Duration took = Duration.between(started, clock.instant());
            return CheckResult.pass(DoctorCheck.TRIAL, format + " export of '" + report.name() + "' succeeded in "
                    + took.toMillis() + " ms: " + bytes + " bytes"
                    + status.value().resourceFileExtension().map(e -> " (" + e + ")").orElse("")
                    + " downloaded to a temporary file and deleted");
        } catch (PowerBiException | TokenAcquisitionException e) {
            return CheckResult.fail(DoctorCheck.TRIAL, sharpen.apply(classifier.classify(e,
                    ctx.withOperation(call)), call));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.fail(DoctorCheck.TRIAL, Diagnosis.of(ErrorCode.EXPORT_TIMEOUT,
                    "The trial export was interrupted"));
        }
    }

    /** Starts the export; a 429 is waited out (by its Retry-After) while the deadline allows. */
    private ExportJob start(ExportTarget target, ObjectNode body, Instant deadline) throws InterruptedException {
        while (true) {
            try {
                return client.startExport(target, body).value();
            } catch (PowerBiException e) {
                if (!(e.failure() instanceof PowerBiFailure.Http h) || h.status() != 429
                        || !waitFor(h.retryAfter().orElse(FALLBACK_WAIT), deadline)) {
                    throw e;
                }
            }
        }
    }

    /** Sleeps unless the wait would pass the deadline; false when it would. */
    private boolean waitFor(Duration wait, Instant deadline) throws InterruptedException {
        Duration bounded = wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
        if (clock.instant().plus(bounded).isAfter(deadline)) {
            return false;
        }
        sleeper.sleep(bounded);
        return true;
    }

    private CheckResult timedOut(Duration timeout, ExportJob job) {
        return CheckResult.fail(DoctorCheck.TRIAL, Diagnosis.of(ErrorCode.EXPORT_TIMEOUT, "The trial export "
                + job.id() + " did not finish within " + timeout + " (last status " + job.status() + ", "
                + job.percentComplete() + "%)"));
    }

    private long download(ExportTarget target, ExportJob job) {
        Path file = null;
        try {
            file = Files.createTempFile("pbi-doctor-", job.resourceFileExtension().orElse(".bin"));
            Path into = file;
            client.downloadFile(target, job, body -> Files.copy(body.stream(), into,
                    StandardCopyOption.REPLACE_EXISTING));
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the trial export to a temporary file", e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file: the OS cleans it up eventually
                }
            }
        }
    }

    private static ObjectNode body(ReportInfo report, String format) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("format", format);
        if (report.isPaginated() && PAGED_RENDERERS.contains(format)) {
            body.putObject("paginatedReportConfiguration").putObject("formatSettings")
                    .put("StartPage", "1").put("EndPage", "1");
        }
        return body;
    }
}
