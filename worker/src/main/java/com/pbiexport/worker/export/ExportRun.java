package com.pbiexport.worker.export;

import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.diagnose.ClassificationContext;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.worker.export.ExportObserver.Stage;
import com.pbiexport.worker.export.ExportState.Admitting;
import com.pbiexport.worker.export.ExportState.Downloading;
import com.pbiexport.worker.export.ExportState.Polling;
import com.pbiexport.worker.export.ExportState.Starting;
import com.pbiexport.worker.export.ExportState.Why;
import com.pbiexport.worker.export.limits.ExportLimits;
import com.pbiexport.worker.powerbi.ExportJob;
import com.pbiexport.worker.storage.FileSink;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Drives one export through its {@link ExportState}s: each state makes one call (admission, ExportTo, a poll, the
 * download), whose answer becomes an {@link ExportEvent}, which {@link Transitions} turns into the next state. When
 * to retry is {@link RetryPolicy}'s, when to poll {@link PollSpacing}'s, when to give up {@link Deadline}'s. Steps
 * never run concurrently (each schedules the next), so the fields need no locks beyond visibility, which the
 * executors' hand-offs give; stage changes and cancellation lock the run.
 */
final class ExportRun {
    record Deps(ExportService.TenantClients clients, Function<String, FileSink> sinks, Classifier classifier,
                Limits limits, Clock clock, ScheduledExecutorService timers, ExecutorService io,
                ExportObserver observer, ExportLimits limiting, RetryPolicy retry, PollSpacing polls) { }

    private final ExportJobSpec spec;
    private final Deps d;
    private final Consumer<JobResult> onResult;
    private final StartListener onStarted;
    private final Deadline deadline;
    private final RunRecord rec;
    private final RunSteps steps;
    private final RunAdmission admission;
    private final FailureEvents failures;
    private final ExportCalls calls;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile boolean cancelled;
    private volatile ExportState state;
    private Stage stage;
    private Instant downloadStartedAt;

    ExportRun(ExportJobSpec spec, Deps deps, StartListener onStarted, Consumer<JobResult> onResult) {
        this.onStarted = onStarted == null ? StartListener.NONE : onStarted;
        this.spec = spec;
        this.d = deps;
        this.onResult = onResult;
        this.deadline = Deadline.of(spec, deps.limits().exportTimeout());
        this.rec = new RunRecord(spec);
        this.steps = new RunSteps(spec, deps, () -> cancelled, this::cancel, () -> rec.exportId);
        this.admission = new RunAdmission(spec, deps.limiting(), deadline, () -> cancelled || done.get());
        this.failures = new FailureEvents(spec, deps, deadline, rec, this::tenantContext);
        this.calls = new ExportCalls(spec, deps, rec, admission, failures, this.onStarted, this::move);
    }

    ExportJobSpec spec() {
        return spec;
    }

    /** The state it is in (for tests and diagnostics). */
    ExportState state() {
        return state;
    }

    void begin() {
        enter(new Admitting(Why.FIRST, Duration.ZERO));
    }

    /**
     * Resumes an export another run (maybe another instance) started: polls {@code runningExportId} instead of
     * calling ExportTo. If Power BI no longer knows it (a 4xx but 429 on the first poll), starts afresh.
     */
    void resume(String runningExportId, int attempt) {
        rec.exportId = runningExportId;
        rec.attempts = Math.max(1, attempt);
        rec.acceptedAt = now();
        enter(new Polling(runningExportId, Duration.ZERO, true));
    }

    void cancel() {
        cancelled = true;
        synchronized (this) {
            if (done.compareAndSet(false, true)) {
                leaveStage();
            }
        }
        admission.release();
    }

    private void move(ExportEvent event) {
        ExportState from = state;
        if (cancelled || done.get() || from.terminal()) {
            return; // a late answer of a cancelled or finished export
        }
        enter(Transitions.next(from, event));
    }

    /** Enters a state and makes its call (after its wait), or hands the result on. */
    private void enter(ExportState next) {
        state = next;
        if (next instanceof Admitting a) {
            enterStage(next.stage());
            admit(a);
        } else if (next instanceof Starting s) {
            enterStage(next.stage());
            call(this::start, s.after());
        } else if (next instanceof Polling p) {
            enterStage(next.stage());
            call(this::poll, p.after());
        } else if (next instanceof Downloading dl) {
            enterStage(next.stage());
            call(() -> download(dl.job()), dl.after());
        } else if (next instanceof ExportState.Stored s) {
            finish(rec.stored(s.file(), downloadStartedAt, now()));
        } else if (next instanceof ExportState.Failed f) {
            finish(rec.failed(f.diagnosis()));
        }
    }

    private void call(Runnable step, Duration after) {
        if (after.isZero()) {
            steps.gated(step);
        } else {
            steps.after(step, after, deadline);
        }
    }

    /** Admission is asked once per wait: the first time, or again with the ticket already held. */
    private void admit(Admitting a) {
        switch (a.why()) {
            case FIRST, GONE -> steps.now(this::askAdmission);
            case THROTTLED -> {
                if (admission.holdsTicket()) {
                    admission.throttled(a.after()); // the capacity's starts wait; this one goes first after
                } else {
                    steps.after(this::askAdmission, a.after(), deadline);
                }
            }
            case EXPIRING -> steps.now(() -> { // its render ended at Succeeded: queue like a busy restart
                if (admission.holdsTicket()) {
                    admission.requeue();
                } else {
                    askAdmission(); // a resumed export never queued
                }
            });
            case BUSY -> {
                admission.renderEnded();
                steps.after(() -> {
                    if (admission.holdsTicket()) {
                        admission.requeue(); // behind the exports already waiting
                    } else {
                        askAdmission();
                    }
                }, a.after(), deadline);
            }
        }
    }

    private void askAdmission() {
        if (!expired()) {
            admission.ask(() -> move(new ExportEvent.Admitted()), () -> steps.now(this::expired));
        }
    }

    private void start() {
        if (expired()) {
            return;
        }
        if (!onStarted.starting()) {
            cancel(); // the request's partition is being handed over: its next owner starts this export
            return;
        }
        calls.start();
    }

    private void poll() {
        if (!expired()) {
            calls.poll(state instanceof Polling p && p.resumed());
        }
    }

    private void download(ExportJob job) {
        calls.download(job, at -> downloadStartedAt = at); // no deadline check: a file Power BI made is fetched
    }

    /** True when the export must not go on: cancelled, or its deadline passed (which fails it). */
    private boolean expired() {
        if (cancelled) {
            return true;
        }
        Optional<Diagnosis> expiry = failures.expiry();
        expiry.ifPresent(this::fail);
        return expiry.isPresent();
    }

    private ClassificationContext tenantContext() {
        try {
            return d.clients().context(spec.tenant());
        } catch (RuntimeException e) {
            return ClassificationContext.empty();
        }
    }

    private void fail(Diagnosis diagnosis) {
        move(new ExportEvent.Failed(diagnosis));
    }

    private void finish(JobResult result) {
        synchronized (this) {
            if (cancelled || !done.compareAndSet(false, true)) {
                return;
            }
            leaveStage();
        }
        admission.release();
        d.observer().finished(result);
        onResult.accept(result);
    }

    /** A step still running when its job is cancelled must not count a stage that nothing will ever leave. */
    private synchronized void enterStage(Stage next) {
        if (done.get() || next == stage) {
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
}
