package com.pbiexport.worker.export;

import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.auth.TokenFailure;
import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.diagnose.ClassificationContext;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.export.ExportObserver.Stage;
import com.pbiexport.worker.export.limits.AdmissionScheduler;
import com.pbiexport.worker.export.limits.ExportLimits;
import com.pbiexport.worker.export.limits.RenderForecast;
import com.pbiexport.worker.powerbi.ApiResponse;
import com.pbiexport.worker.powerbi.ExportJob;
import com.pbiexport.worker.powerbi.ExportStatus;
import com.pbiexport.worker.powerbi.ExportTarget;
import com.pbiexport.worker.powerbi.ExportApi;
import com.pbiexport.worker.powerbi.PowerBiException;
import com.pbiexport.worker.powerbi.PowerBiFailure;
import com.pbiexport.worker.storage.FileSink;
import com.pbiexport.worker.storage.SinkResult;
import com.pbiexport.worker.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One export's life: start (ExportTo) -> poll (Retry-After honoured; the poll that should see the end is placed
 * at the forecast end of rendering, see {@link RenderForecast}) -> download into the sink -> result.
 * {@code Failed} with Retry-After restarts the export up to {@code busyRetries}; {@code Failed} without is final;
 * 429 waits out Retry-After; transient errors retry within {@code pollErrorBudget}; the request's
 * {@code notAfter} and the overall {@code exportTimeout} end it. Steps never run concurrently (each step
 * schedules the next), so the fields need no locks beyond visibility, which the executors' hand-offs give.
 */
final class ExportRun {
    private static final Logger log = LoggerFactory.getLogger(ExportRun.class);

    record Deps(ExportService.TenantClients clients, Function<String, FileSink> sinks, Classifier classifier,
                Limits limits, Clock clock, ScheduledExecutorService timers, ExecutorService io,
                ExportObserver observer, ExportLimits limiting) { }

    private final ExportJobSpec spec;
    private final Deps d;
    private final Consumer<JobResult> onResult;
    private final StartListener onStarted;
    private final ExportTarget target;
    private final Instant deadline;
    private final boolean deadlineIsRequests;
    private final List<String> requestIds = new ArrayList<>();
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile boolean cancelled;

    private int attempts;
    private int transientErrors;
    private int tokenWaits; // token-endpoint failures waited out: they grow the back-off, never end the export
    private TokenAcquisitionException tokenWait; // the last token failure being waited out, and when that wait ends
    private Instant tokenWaitEnds = Instant.MIN;
    private String exportId;
    private Instant acceptedAt;
    private Instant renderedAt;
    private Instant exportExpiresAt; // the expirationTime of the export as last polled
    private Stage stage;
    private volatile AdmissionScheduler.Ticket ticket; // null until admitted once (and for resumed exports)
    private boolean resumed; // true until the first poll of a resumed export answered
    private final RenderForecast forecast;

    ExportRun(ExportJobSpec spec, Deps deps, Consumer<JobResult> onResult) {
        this(spec, deps, StartListener.NONE, onResult);
    }

    ExportRun(ExportJobSpec spec, Deps deps, StartListener onStarted, Consumer<JobResult> onResult) {
        this.onStarted = onStarted == null ? StartListener.NONE : onStarted;
        this.spec = spec;
        this.d = deps;
        this.onResult = onResult;
        this.target = new ExportTarget(spec.request().workspaceId(), spec.request().reportId(), spec.profileId());
        Instant overall = spec.receivedAt().plus(deps.limits().exportTimeout());
        Instant notAfter = spec.notAfter().orElse(Instant.MAX);
        this.deadlineIsRequests = notAfter.isBefore(overall);
        this.deadline = deadlineIsRequests ? notAfter : overall;
        this.forecast = deps.limiting().newForecast();
    }

    ExportJobSpec spec() {
        return spec;
    }

    void begin() {
        enter(Stage.QUEUED);
        runNow(this::start);
    }

    /**
     * Resumes an export another run (maybe another instance) started: polls {@code runningExportId} instead of
     * calling ExportTo. If Power BI no longer knows it (404 or another 4xx on the first poll), starts afresh.
     */
    void resume(String runningExportId, int attempt) {
        exportId = runningExportId;
        attempts = Math.max(1, attempt);
        resumed = true;
        acceptedAt = now();
        enter(Stage.RENDERING);
        runNow(this::poll);
    }

    void cancel() {
        cancelled = true;
        synchronized (this) {
            if (done.compareAndSet(false, true)) {
                leaveStage();
            }
        }
        releaseLimits();
    }

    /**
     * Waits for admission (a slot of the instance and a permit of the workspace's capacity, fair across tenants)
     * without holding a thread: resolves the capacity, queues a ticket, and starts when the scheduler says so.
     * A ticket still queued at the deadline expires there.
     */
    private void admit() {
        d.limiting().capacities().resolve(spec.tenant(), target.workspaceId(), spec.profileId())
                .whenComplete((capacity, error) -> {
                    if (cancelled || done.get()) {
                        return;
                    }
                    String key = capacity != null ? capacity : "workspace:" + target.workspaceId();
                    AdmissionScheduler.Ticket t = d.limiting().admission().submit(spec.tenant(), key, deadline,
                            admitted -> {
                                ticket = admitted;
                                runGated(this::start);
                            }, () -> runNow(this::expired));
                    ticket = t;
                    if (cancelled || done.get()) {
                        t.close(); // cancelled while it was being queued
                    }
                });
    }

    /** Gives the slot and capacity permit back (idempotent: the scheduler tracks what the ticket holds). */
    private void releaseLimits() {
        AdmissionScheduler.Ticket t = ticket;
        if (t != null) {
            t.close();
        }
    }

    /** Runs a step that calls Power BI once the tenant's request rate allows, waiting on a timer if it must. */
    private void runGated(Runnable step) {
        Duration wait = d.limiting().rate().reserve(spec.tenant());
        if (wait.isZero()) {
            runNow(step);
            return;
        }
        d.observer().rateLimited(spec.tenant(), wait);
        try {
            d.timers().schedule(() -> runNow(step), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            cancel();
        }
    }

    private void start() {
        if (expired()) {
            return;
        }
        if (ticket == null) {
            admit(); // the first start of this run (fresh, or a resumed export that Power BI no longer knows)
            return;
        }
        enter(Stage.STARTING);
        if (!onStarted.starting()) {
            cancel(); // the request's partition is being handed over: its next owner starts this export
            return;
        }
        boolean accepted = false; // a revocation waits for started() or notStarted() of every ExportTo sent
        attempts++;
        try {
            Instant sentAt = now();
            ApiResponse<ExportJob> r = client().startExport(target, spec.body());
            note(r.requestId());
            exportId = r.value().id();
            MDC.put("exportId", exportId);
            acceptedAt = now();
            forecast.started(sentAt, acceptedAt, r.value().createdDateTime());
            ticket.started();
            accepted = true;
            onStarted.started(exportId, attempts, acceptedAt);
            transientErrors = 0;
            enter(Stage.RENDERING);
            schedule(this::poll, pollDelay(r.retryAfter()));
        } catch (PowerBiException e) {
            attempts--; // the export was not accepted: a throttled or failed start is not an attempt
            onApiFailure(e, "start", this::start);
        } catch (TokenAcquisitionException e) {
            attempts--;
            onTokenFailure(e, this::start);
        } catch (RuntimeException e) {
            fail(d.classifier().classify(e));
        } finally {
            if (!accepted) {
                onStarted.notStarted();
            }
        }
    }

    private void poll() {
        if (expired()) {
            return;
        }
        try {
            Instant sentAt = now();
            ApiResponse<ExportJob> r = client().getExportStatus(target, exportId);
            Instant answeredAt = now();
            resumed = false;
            note(r.requestId());
            d.observer().polled(spec.tenant());
            transientErrors = 0;
            ExportJob job = r.value();
            job.expirationTime().ifPresent(at -> exportExpiresAt = at);
            ExportStatus status = job.status();
            if (status instanceof ExportStatus.Succeeded) {
                renderedAt = now();
                renderEnded(); // the capacity no longer counts this export: downloading holds no permit
                runGated(() -> download(job));
            } else if (status instanceof ExportStatus.Failed) {
                onExportFailed(r.retryAfter());
            } else {
                if (status instanceof ExportStatus.Running) {
                    forecast.running(sentAt, answeredAt, job.lastActionDateTime(), job.percentComplete());
                } else {
                    forecast.notRunning();
                }
                Instant at = forecast.nextPoll(answeredAt, pollDelay(r.retryAfter()), d.limits().maxPollInterval());
                schedule(this::poll, Duration.between(now(), at));
            }
        } catch (PowerBiException e) {
            if (resumed && e.failure() instanceof PowerBiFailure.Http h && h.status() >= 400 && h.status() < 500
                    && h.status() != 429) {
                // the recorded export is gone (expired, or never reached this Power BI): start a new one
                log.info("resumed export {} of request {} is unknown to Power BI ({}); starting again", exportId,
                        spec.requestId(), h.status());
                resumed = false;
                exportId = null;
                exportExpiresAt = null;
                attempts--;
                enter(Stage.QUEUED);
                runNow(this::start);
                return;
            }
            onApiFailure(e, "poll", this::poll);
        } catch (TokenAcquisitionException e) {
            onTokenFailure(e, this::poll);
        } catch (RuntimeException e) {
            fail(d.classifier().classify(e));
        }
    }

    private void onExportFailed(Optional<Duration> retryAfter) {
        if (retryAfter.isEmpty()) {
            fail(diagnosis(ErrorCode.EXPORT_FAILED,
                    "Power BI reported the export " + exportId + " as Failed without Retry-After (permanent)"));
        } else if (attempts > d.limits().busyRetries()) {
            fail(diagnosis(ErrorCode.EXPORT_BUSY_RETRIES_EXHAUSTED,
                    "Power BI was busy: the export failed with Retry-After " + attempts + " times"));
        } else {
            d.observer().busyRestart(spec.tenant());
            log.info("export {} of request {} failed busy; restarting after {}", exportId, spec.requestId(),
                    retryAfter.get());
            exportId = null;
            exportExpiresAt = null;
            enter(Stage.QUEUED);
            renderEnded();
            schedule(this::readmit, retryAfter.get());
        }
    }

    private void download(ExportJob job) {
        enter(Stage.DOWNLOADING);
        Instant started = now();
        FileSink sink = d.sinks().apply(spec.sinkAlias());
        try {
            ApiResponse<SinkResult> r = client().downloadFile(target, job, body ->
                    sink.store(FileNaming.storeRequest(spec, body.contentType().orElse(null),
                            body.contentLength().orElse(-1), body.fileExtension(), d.limits().maxFileBytes(),
                            started), body.stream()));
            note(r.requestId());
            Instant end = now();
            JobResult.Timings timings = new JobResult.Timings(
                    millis(spec.receivedAt(), acceptedAt), millis(acceptedAt, renderedAt),
                    millis(started, end), millis(spec.receivedAt(), end));
            finish(new JobResult.Stored(spec, r.value(), exportId, timings, attempts, List.copyOf(requestIds)));
        } catch (StorageException e) {
            if (e.retryable() && transientErrors++ < d.limits().pollErrorBudget() && !expired()) {
                schedule(() -> download(job), backoff());
            } else {
                fail(d.classifier().classify(e));
            }
        } catch (PowerBiException e) {
            onApiFailure(e, "download", () -> download(job));
        } catch (TokenAcquisitionException e) {
            onTokenFailure(e, () -> download(job));
        } catch (RuntimeException e) {
            fail(d.classifier().classify(e));
        }
    }

    /** 429 waits out Retry-After; 5xx and transport failures retry within the budget; the rest is final. */
    private void onApiFailure(PowerBiException e, String operation, Runnable retry) {
        PowerBiFailure f = e.failure();
        f.requestId().ifPresent(requestIds::add);
        if (f instanceof PowerBiFailure.Http h && h.status() == 429) {
            Duration wait = h.retryAfter().orElse(d.limits().pollFallbackInterval());
            d.observer().throttled(spec.tenant(), operation, wait);
            boolean startTooLong = "start".equals(operation)
                    && now().plus(wait).isAfter(spec.receivedAt().plus(d.limits().startThrottleMaxWait()));
            if (!startTooLong && !now().plus(wait).isAfter(deadline)) {
                if ("start".equals(operation) && ticket != null) {
                    enter(Stage.QUEUED);
                    ticket.throttled(wait); // the capacity's starts wait out Retry-After; this one starts again first
                    return;
                }
                schedule(retry, wait);
                return;
            }
        } else if (transientFailure(f) && transientErrors++ < d.limits().pollErrorBudget()) {
            schedule(retry, backoff());
            return;
        }
        fail(d.classifier().classify(e, context(operation)));
    }

    private ClassificationContext context(String operation) {
        ClassificationContext ctx;
        try {
            ctx = d.clients().context(spec.tenant());
        } catch (RuntimeException e) {
            ctx = ClassificationContext.empty();
        }
        // the export's expirationTime as last seen: the only evidence that a 404 on its file is an expired file
        return ctx.withOperation(operation).withFormat(spec.request().format())
                .withProfileId(spec.profileId().orElse(null)).withExportExpiresAt(exportExpiresAt);
    }

    /**
     * A token endpoint that is down or throttling says nothing about this request: the export waits for it until
     * its deadline ({@link #schedule} never waits past it, then {@link #expired} fails the request as expired or
     * timed out) instead of spending the Power BI error budget, with a back-off that grows up to
     * {@code maxPollInterval}. Found by TokenOutageIT (issue #7): a 50 s outage failed a request whose deadline was
     * a minute after it. Other token failures (rejected credentials...) are final.
     */
    private void onTokenFailure(TokenAcquisitionException e, Runnable retry) {
        TokenFailure f = e.failure();
        boolean transientKind = f.kind() == TokenFailure.Kind.THROTTLED || f.kind() == TokenFailure.Kind.UNAVAILABLE;
        if (transientKind) {
            Duration wait = f.retryAfter().orElse(backoff(tokenWaits++));
            tokenWait = e;
            tokenWaitEnds = now().plus(wait);
            schedule(retry, wait);
        } else {
            fail(d.classifier().classify(e));
        }
    }

    private static boolean transientFailure(PowerBiFailure f) {
        return f instanceof PowerBiFailure.Transport
                || (f instanceof PowerBiFailure.Http h && h.status() >= 500);
    }

    private boolean expired() {
        if (cancelled) {
            return true;
        }
        if (!now().isBefore(deadline) && tokenWait != null && !tokenWaitEnds.isBefore(deadline)) {
            // the deadline cut a wait for the token endpoint short: that endpoint is the cause, and its code
            // (AUTH_THROTTLED, AUTH_UNAVAILABLE) is the one doctor gives for the same tenant
            Diagnosis cause = d.classifier().classify(tokenWait);
            fail(cause.withMessage(cause.message() + " (waited for the token endpoint until the "
                    + (deadlineIsRequests ? "request's notAfter deadline " : "export timeout, limits.exportTimeout, ")
                    + deadline + ")"));
            return true;
        }
        if (!now().isBefore(deadline)) {
            fail(deadlineIsRequests
                    ? diagnosis(ErrorCode.REQUEST_EXPIRED, "The request's notAfter deadline " + deadline + " passed")
                    : diagnosis(ErrorCode.EXPORT_TIMEOUT, "The export did not finish within "
                        + d.limits().exportTimeout() + " (limits.exportTimeout)"));
            return true;
        }
        return false;
    }

    private Duration pollDelay(Optional<Duration> retryAfter) {
        // Retry-After is honoured as a minimum; jitter only adds (up to 10 %) so instances do not poll in step.
        Duration base = retryAfter.filter(ra -> !ra.isNegative())
                .orElse(d.limits().pollFallbackInterval());
        if (base.compareTo(d.limits().maxPollInterval()) > 0 && retryAfter.isEmpty()) {
            base = d.limits().maxPollInterval();
        }
        long jitter = (long) (base.toMillis() * 0.1 * ThreadLocalRandom.current().nextDouble());
        return base.plusMillis(jitter);
    }

    private Duration backoff() {
        return backoff(transientErrors);
    }

    private Duration backoff(int failures) {
        long base = d.limits().pollFallbackInterval().toMillis();
        long exp = Math.min(base << Math.min(failures, 6), d.limits().maxPollInterval().toMillis());
        return Duration.ofMillis(exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1));
    }

    private void schedule(Runnable step, Duration delay) {
        if (cancelled) {
            return;
        }
        Instant at = now().plus(delay);
        Duration wait = at.isAfter(deadline) ? Duration.between(now(), deadline) : delay;
        try {
            d.timers().schedule(() -> runGated(step), Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            cancel(); // shutting down: the record stays uncommitted and runs again after restart
        }
    }

    private void runNow(Runnable step) {
        if (cancelled) {
            return;
        }
        try {
            d.io().execute(() -> {
                if (!cancelled) {
                    inJobContext(step);
                }
            });
        } catch (RejectedExecutionException e) {
            cancel();
        }
    }

    /** Runs one step with the job's MDC (requestId, tenant, exportId) so every log line of the job names it. */
    private void inJobContext(Runnable step) {
        MDC.put("requestId", spec.requestId());
        MDC.put("tenant", spec.tenant());
        if (exportId != null) {
            MDC.put("exportId", exportId);
        }
        try {
            step.run();
        } finally {
            MDC.remove("requestId");
            MDC.remove("tenant");
            MDC.remove("exportId");
        }
    }

    private ExportApi client() {
        return d.clients().client(spec.tenant());
    }

    private void note(Optional<String> requestId) {
        requestId.ifPresent(requestIds::add);
    }

    private Diagnosis diagnosis(ErrorCode code, String message) {
        return Diagnosis.of(code, message);
    }

    private void fail(Diagnosis diagnosis) {
        finish(new JobResult.Failed(spec, diagnosis, Optional.ofNullable(exportId), attempts, List.copyOf(requestIds)));
    }

    private void renderEnded() {
        AdmissionScheduler.Ticket t = ticket;
        if (t != null) {
            t.renderEnded();
        }
    }

    /** A busy restart queues for admission again, behind the exports already waiting. */
    private void readmit() {
        AdmissionScheduler.Ticket t = ticket;
        if (t == null) {
            start();
        } else {
            t.requeue();
        }
    }

    private void finish(JobResult result) {
        synchronized (this) {
            if (cancelled || !done.compareAndSet(false, true)) {
                return;
            }
            leaveStage();
        }
        releaseLimits();
        d.observer().finished(result);
        onResult.accept(result);
    }

    /** Stage changes and cancellation lock the run: a step still running when its job is cancelled must not
     *  count a stage that nothing will ever leave. */
    private synchronized void enter(Stage next) {
        if (done.get()) {
            return;
        }
        leaveStage();
        stage = next;
        d.observer().stageEntered(spec.tenant(), next);
    }

    private synchronized void leaveStage() {
        if (stage != null) {
            d.observer().stageLeft(spec.tenant(), stage);
            stage = null;
        }
    }

    private Instant now() {
        return d.clock().instant();
    }

    private static long millis(Instant from, Instant to) {
        return from == null || to == null ? 0 : Math.max(0, Duration.between(from, to).toMillis());
    }
}
