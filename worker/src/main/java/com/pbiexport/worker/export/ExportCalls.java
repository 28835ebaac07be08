package com.pbiexport.worker.export;

import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.worker.export.ExportState.Why;
import com.pbiexport.worker.export.limits.RenderForecast;
import com.pbiexport.worker.powerbi.ApiResponse;
import com.pbiexport.worker.powerbi.ExportApi;
import com.pbiexport.worker.powerbi.ExportJob;
import com.pbiexport.worker.powerbi.ExportStatus;
import com.pbiexport.worker.powerbi.ExportTarget;
import com.pbiexport.worker.powerbi.PowerBiException;
import com.pbiexport.worker.powerbi.PowerBiFailure;
import com.pbiexport.worker.storage.FileSink;
import com.pbiexport.worker.storage.SinkResult;
import com.pbiexport.worker.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The three Power BI calls of an export (ExportTo, a status poll, the download into the sink), each turning its
 * answer into the {@link ExportEvent} that moves the export on; failures become events through
 * {@link FailureEvents}. Holds no state of its own beyond the {@link RunRecord} and the {@link RenderForecast}.
 */
final class ExportCalls {
    private static final Logger log = LoggerFactory.getLogger(ExportCalls.class);

    private final ExportJobSpec spec;
    private final ExportRun.Deps d;
    private final ExportTarget target;
    private final RunRecord rec;
    private final RunAdmission admission;
    private final FailureEvents failures;
    private final StartListener onStarted;
    private final RenderForecast forecast;
    private final Consumer<ExportEvent> events;

    ExportCalls(ExportJobSpec spec, ExportRun.Deps d, RunRecord rec, RunAdmission admission, FailureEvents failures,
                StartListener onStarted, Consumer<ExportEvent> events) {
        this.spec = spec;
        this.d = d;
        this.target = new ExportTarget(spec.request().workspaceId(), spec.request().reportId(), spec.profileId());
        this.rec = rec;
        this.admission = admission;
        this.failures = failures;
        this.onStarted = onStarted;
        this.forecast = d.limiting().newForecast();
        this.events = events;
    }

    /** {@code ExportTo}; the caller has asked {@link StartListener#starting}, this tells started or notStarted. */
    void start() {
        boolean accepted = false; // a revocation waits for started() or notStarted() of every ExportTo sent
        int attempt = rec.attempts + 1; // a throttled or failed start is not an attempt
        try {
            Instant sentAt = now();
            ApiResponse<ExportJob> r = api().startExport(target, spec.body());
            rec.note(r.requestId());
            rec.attempts = attempt;
            rec.exportId = r.value().id();
            MDC.put("exportId", rec.exportId);
            rec.acceptedAt = now();
            forecast.started(sentAt, rec.acceptedAt, r.value().createdDateTime());
            admission.started();
            accepted = true;
            onStarted.started(rec.exportId, attempt, rec.acceptedAt);
            failures.answered();
            events.accept(new ExportEvent.Accepted(rec.exportId, d.polls().delay(r.retryAfter())));
        } catch (PowerBiException e) {
            events.accept(failures.onApi(e, Operation.START));
        } catch (TokenAcquisitionException e) {
            events.accept(failures.onToken(e));
        } catch (RuntimeException e) {
            rec.attempts = attempt;
            events.accept(failures.onOther(e));
        } finally {
            if (!accepted) {
                onStarted.notStarted();
            }
        }
    }

    /** The export's status; {@code resumed}: the first poll of an export another run started. */
    void poll(boolean resumed) {
        try {
            Instant sentAt = now();
            ApiResponse<ExportJob> r = api().getExportStatus(target, rec.exportId);
            Instant answeredAt = now();
            rec.note(r.requestId());
            d.observer().polled(spec.tenant());
            failures.answered();
            ExportJob job = r.value();
            job.expirationTime().ifPresent(at -> rec.exportExpiresAt = at);
            ExportStatus status = job.status();
            if (status instanceof ExportStatus.Succeeded) {
                rec.renderedAt = now();
                admission.renderEnded(); // the capacity no longer counts this export: downloading holds no permit
                events.accept(new ExportEvent.Succeeded(job));
            } else if (status instanceof ExportStatus.Failed) {
                events.accept(failed(r.retryAfter(), job));
            } else {
                Optional<Diagnosis> overTime = ServiceLimits.paginatedOverTime(spec, rec.acceptedAt, job, answeredAt,
                        "was still running");
                if (overTime.isPresent()) {
                    events.accept(new ExportEvent.Failed(overTime.get())); // no poll past Power BI's limit
                    return;
                }
                if (status instanceof ExportStatus.Running) {
                    forecast.running(sentAt, answeredAt, job.lastActionDateTime(), job.percentComplete());
                } else {
                    forecast.notRunning();
                }
                Instant at = d.polls().next(forecast, answeredAt, r.retryAfter());
                events.accept(new ExportEvent.StillRunning(Duration.between(now(), at)));
            }
        } catch (PowerBiException e) {
            if (resumed && e.failure() instanceof PowerBiFailure.Http h && h.status() >= 400 && h.status() < 500
                    && h.status() != 429) {
                // the recorded export is gone (expired, or never reached this Power BI): start a new one
                log.info("resumed export {} of request {} is unknown to Power BI ({}); starting again", rec.exportId,
                        spec.requestId(), h.status());
                rec.forgetExport();
                rec.attempts--; // the new export takes the recorded attempt's number
                events.accept(new ExportEvent.Restart(Why.GONE, Duration.ZERO));
                return;
            }
            events.accept(failures.onApi(e, Operation.POLL));
        } catch (TokenAcquisitionException e) {
            events.accept(failures.onToken(e));
        } catch (RuntimeException e) {
            events.accept(failures.onOther(e));
        }
    }

    /** Power BI reported the export Failed: busy (with Retry-After) restarts it, within the budget. */
    private ExportEvent failed(Optional<Duration> retryAfter, ExportJob job) {
        RetryPolicy.Busy verdict = d.retry().failed(retryAfter, rec.attempts);
        Optional<Diagnosis> overTime = ServiceLimits.paginatedOverTime(spec, rec.acceptedAt, job, now(),
                "was reported Failed");
        if (verdict instanceof RetryPolicy.Busy.Permanent && overTime.isPresent()) {
            return new ExportEvent.Failed(overTime.get()); // why Power BI failed it: the 60-minute limit
        }
        if (verdict instanceof RetryPolicy.Busy.Restart restart) {
            d.observer().busyRestart(spec.tenant());
            log.info("export {} of request {} failed busy; restarting after {}", rec.exportId, spec.requestId(),
                    restart.after());
            rec.forgetExport();
            return new ExportEvent.Restart(Why.BUSY, restart.after());
        }
        return new ExportEvent.Failed(verdict instanceof RetryPolicy.Busy.Permanent
                ? Diagnosis.of(ErrorCode.EXPORT_FAILED,
                        "Power BI reported the export " + rec.exportId + " as Failed without Retry-After (permanent)")
                : Diagnosis.of(ErrorCode.EXPORT_BUSY_RETRIES_EXHAUSTED,
                        "Power BI was busy: the export failed with Retry-After " + rec.attempts + " times"));
    }

    /** The file, streamed into the request's sink; {@code started} is kept for the timings. */
    void download(ExportJob job, Consumer<Instant> started) {
        Instant startedAt = now();
        if (ServiceLimits.expiresBeforeStored(job, startedAt)) {
            events.accept(expiring(job));
            return;
        }
        FileSink sink = d.sinks().apply(spec.sinkAlias());
        try {
            ApiResponse<SinkResult> r = api().downloadFile(target, job, body ->
                    sink.store(FileNaming.storeRequest(spec, body.contentType().orElse(null),
                            body.contentLength().orElse(-1), body.fileExtension(), d.limits().maxFileBytes(),
                            startedAt), body.stream()));
            rec.note(r.requestId());
            started.accept(startedAt);
            events.accept(new ExportEvent.Stored(r.value()));
        } catch (StorageException e) {
            events.accept(failures.onStorage(e));
        } catch (PowerBiException e) {
            events.accept(failures.onApi(e, Operation.DOWNLOAD));
        } catch (TokenAcquisitionException e) {
            events.accept(failures.onToken(e));
        } catch (RuntimeException e) {
            events.accept(failures.onOther(e));
        }
    }

    /** The file's URL would expire before it is stored: a new export, within {@link ServiceLimits}' budget. */
    private ExportEvent expiring(ExportJob job) {
        Instant expiresAt = ServiceLimits.fileExpiry(job).orElseThrow();
        if (rec.expiryReexports >= ServiceLimits.MAX_EXPIRY_REEXPORTS) {
            return new ExportEvent.Failed(Diagnosis.of(ErrorCode.FILE_EXPIRED, "the file of export " + rec.exportId
                    + " expires at " + expiresAt + ", before it could be stored, after " + rec.expiryReexports
                    + " new exports for the same reason; check the sink's speed and the host clock"));
        }
        rec.expiryReexports++;
        log.info("the file of export {} of request {} expires at {}, before it could be stored; exporting again",
                rec.exportId, spec.requestId(), expiresAt);
        rec.forgetExport();
        return new ExportEvent.Restart(Why.EXPIRING, Duration.ZERO);
    }

    private ExportApi api() {
        return d.clients().client(spec.tenant());
    }

    private Instant now() {
        return d.clock().instant();
    }
}
