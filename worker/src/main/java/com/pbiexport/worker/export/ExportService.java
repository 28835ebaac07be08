package com.pbiexport.worker.export;

import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.diagnose.ClassificationContext;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.diagnose.CloudEvidence;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.diagnose.EvidenceRules;
import com.pbiexport.worker.diagnose.TargetEvidence;
import com.pbiexport.worker.diagnose.WorkspaceEvidence;
import com.pbiexport.worker.export.limits.ExportLimits;
import com.pbiexport.worker.export.limits.WorkspaceCapacityLookup;
import com.pbiexport.worker.powerbi.ExportApi;
import com.pbiexport.worker.storage.FileSink;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs export jobs. Owns their lifecycles: each job is a chain of short tasks (start, poll, download) run on
 * the {@code io} pool; waiting between them is a timer on {@code timers}, so a job that waits costs no thread.
 * Every submitted job ends in exactly one {@link JobResult}, handed to the callback given at submission.
 */
public final class ExportService {

    /** Power BI clients by tenant alias (each with its own token and API root). */
    public interface TenantClients {
        ExportApi client(String tenantAlias);

        /**
         * What the classifier should know about the tenant when a call fails: the audience its Power BI API
         * expects and the claims of the token in use (decoded for diagnosis only).
         */
        default ClassificationContext context(String tenantAlias) {
            return ClassificationContext.empty();
        }

        /**
         * Whether to look up which capacity each workspace runs on ({@code GET groups}, once per workspace per
         * {@code limits.capacityLookupTtl}) and keep concurrency limits per capacity. Without it (the default, for
         * tests that count every call) limits are kept per workspace.
         */
        default boolean resolvesCapacities() {
            return false;
        }

        /**
         * After Power BI answered a bare 401 to the tenant's token: proof, if any, that its API root belongs to
         * another cloud (a token of that cloud's audience is accepted there). Asked once per failed job; the
         * implementation probes at most once per tenant in a while and must not block the caller.
         */
        default CompletableFuture<Optional<CloudEvidence>> cloudEvidence(String tenantAlias) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        /**
         * After Power BI answered "workspace not found" for the tenant (which it also answers to a non-member):
         * whether the workspace exists in the tenant, as the read-only admin API says. Asked once per failed job; the
         * implementation asks at most once per tenant and workspace in a while, within the admin API's quota, and
         * must not block the caller.
         */
        default CompletableFuture<WorkspaceEvidence> workspaceEvidence(String tenantAlias, String workspaceId) {
            return CompletableFuture.completedFuture(WorkspaceEvidence.notAsked("", ""));
        }

        /**
         * After Power BI answered a 404, 403 or 400 that names no cause: what the worker's own look-ups show about the
         * target (workspace, report, capacity, profile; the read-only admin API for an invisible workspace). Asked once
         * per failed job; the implementation looks up at most once per target in a while, within a budget, and must
         * not block the caller. The default looks nothing up: the general code stands, with its candidates.
         */
        default CompletableFuture<TargetEvidence> targetEvidence(String tenantAlias, String workspaceId,
                                                                 Optional<String> reportId,
                                                                 Optional<String> profileId) {
            return CompletableFuture.completedFuture(TargetEvidence.notAsked(workspaceId, ""));
        }

        /** Where the tenant's Power BI calls go, for messages. */
        default String apiRoot(String tenantAlias) {
            return "the Power BI API";
        }
    }

    private final TenantClients clients;
    private final Function<String, FileSink> sinks;
    private final Classifier classifier;
    private final Limits limits;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final ExecutorService io;
    private final ExportObserver observer;
    private final Set<ExportRun> running = ConcurrentHashMap.newKeySet();
    private final ExportLimits exportLimits;
    private final RetryPolicy retry;
    private final PollSpacing polls;

    public ExportService(TenantClients clients, Function<String, FileSink> sinks, Classifier classifier, Limits limits,
                         Clock clock, ScheduledExecutorService timers, ExecutorService io, ExportObserver observer) {
        this(clients, sinks, classifier, limits, clock, timers, io, observer, Jitter.RANDOM);
    }

    /** The same with the jitter of waits fixed (tests: every wait exact). */
    ExportService(TenantClients clients, Function<String, FileSink> sinks, Classifier classifier, Limits limits,
                  Clock clock, ScheduledExecutorService timers, ExecutorService io, ExportObserver observer,
                  Jitter jitter) {
        this.clients = Objects.requireNonNull(clients);
        this.sinks = Objects.requireNonNull(sinks);
        this.classifier = Objects.requireNonNull(classifier);
        this.limits = Objects.requireNonNull(limits);
        this.clock = Objects.requireNonNull(clock);
        this.timers = Objects.requireNonNull(timers);
        this.io = Objects.requireNonNull(io);
        this.observer = observer == null ? ExportObserver.NONE : observer;
        this.retry = RetryPolicy.of(limits, jitter);
        this.polls = PollSpacing.of(limits, jitter);
        this.exportLimits = ExportLimits.create(limits, clock, timers, io, this.observer,
                clients.resolvesCapacities() ? new WorkspaceCapacityLookup(clients::client, this.observer)
                        : WorkspaceCapacityLookup.NONE);
    }

    /** The shared limits (admission, capacity limits, request rate), for diagnostics and tests. */
    public ExportLimits exportLimits() {
        return exportLimits;
    }

    /**
     * Starts a job. Returns a handle that can cancel it (a cancelled job produces no result: used when its
     * partition is revoked and the next owner will run it again).
     */
    public JobHandle submit(ExportJobSpec spec, Consumer<JobResult> onResult) {
        return submit(spec, StartListener.NONE, onResult);
    }

    /** The same, telling {@code onStarted} every time Power BI accepts an export of this job. */
    public JobHandle submit(ExportJobSpec spec, StartListener onStarted, Consumer<JobResult> onResult) {
        ExportRun run = newRun(spec, onStarted, onResult);
        run.begin();
        return handle(run);
    }

    /**
     * Resumes a job whose export {@code exportId} (attempt {@code attempt}) is already running in Power BI,
     * e.g. started by the previous owner of the request's partition: polls it instead of calling ExportTo.
     */
    public JobHandle resume(ExportJobSpec spec, String exportId, int attempt, StartListener onStarted,
                            Consumer<JobResult> onResult) {
        Objects.requireNonNull(exportId);
        ExportRun run = newRun(spec, onStarted, onResult);
        run.resume(exportId, attempt);
        return handle(run);
    }

    private ExportRun newRun(ExportJobSpec spec, StartListener onStarted, Consumer<JobResult> onResult) {
        Objects.requireNonNull(spec);
        Objects.requireNonNull(onResult);
        ExportRun[] holder = new ExportRun[1];
        ExportRun run = new ExportRun(spec, new ExportRun.Deps(clients, sinks, classifier, limits, clock, timers, io,
                observer, exportLimits, retry, polls), onStarted, result -> {
                    running.remove(holder[0]);
                    deliver(result, onResult);
                });
        holder[0] = run;
        running.add(run);
        return run;
    }

    /**
     * Hands a result on. Several answers of Power BI cover several causes, and {@code doctor} gathers evidence to
     * name the cause; the worker gathers the same and reads it with the same {@link EvidenceRules}, so both give one
     * verdict: a bare 401 is checked against the tenant's cloud evidence (our token refused and a sibling cloud's
     * accepted on the same call), a 404/403/400 that names no cause against look-ups of its target.
     */
    private void deliver(JobResult result, Consumer<JobResult> onResult) {
        if (result instanceof JobResult.Failed f && f.diagnosis().code() == ErrorCode.PBI_UNAUTHORIZED) {
            withCloudEvidence(f, onResult);
        } else if (result instanceof JobResult.Failed f && EvidenceRules.wantsTargetEvidence(f.diagnosis())
                && f.spec().request().workspaceId() != null) {
            withTargetEvidence(f, onResult);
        } else {
            onResult.accept(result);
        }
    }

    private void withTargetEvidence(JobResult.Failed f, Consumer<JobResult> onResult) {
        String ws = f.spec().request().workspaceId();
        CompletableFuture<TargetEvidence> evidence;
        try {
            evidence = clients.targetEvidence(f.spec().tenant(), ws, Optional.ofNullable(f.spec().request().reportId()),
                    f.spec().profileId());
        } catch (RuntimeException e) {
            evidence = CompletableFuture.completedFuture(TargetEvidence.notAsked(ws, ""));
        }
        // no export id: the failure is ExportTo's (the only call of a job before Power BI accepts it)
        Operation operation = f.exportId().isPresent() ? Operation.POLL : Operation.START;
        evidence.handle((found, error) -> error == null && found != null
                        ? new JobResult.Failed(f.spec(), classifier.evidenceRules().refine(f.diagnosis(), found,
                                operation.call(), Optional.ofNullable(f.spec().request().format())), f.exportId(),
                                f.attempts(), f.powerBiRequestIds())
                        : f)
                .thenAccept(r -> {
                    // a 403 whose own GET groups was refused too is about the token: the cloud check may prove why
                    if (r != f && r.diagnosis().code() == ErrorCode.PBI_UNAUTHORIZED) {
                        withCloudEvidence(r, onResult);
                    } else {
                        onResult.accept(r);
                    }
                });
    }

    private void withCloudEvidence(JobResult.Failed f, Consumer<JobResult> onResult) {
        String tenant = f.spec().tenant();
        CompletableFuture<Optional<CloudEvidence>> evidence;
        try {
            evidence = clients.cloudEvidence(tenant);
        } catch (RuntimeException e) {
            evidence = CompletableFuture.completedFuture(Optional.empty());
        }
        evidence.handle((found, error) -> error == null && found != null && found.isPresent()
                        ? new JobResult.Failed(f.spec(), classifier.provenWrongCloud(f.diagnosis(), found.get(),
                                clients.apiRoot(tenant)), f.exportId(), f.attempts(), f.powerBiRequestIds())
                        : f)
                .thenAccept(onResult);
    }

    private JobHandle handle(ExportRun run) {
        return () -> {
            run.cancel();
            running.remove(run); // a cancelled job never reports, so it must leave the in-flight set here
        };
    }

    /** Jobs started and not finished or cancelled. */
    public int inFlight() {
        return running.size();
    }

    /** Cancels every job (shutdown): none of them will report a result. */
    public void cancelAll() {
        running.forEach(ExportRun::cancel);
        running.clear();
    }

    /** Cancels a job. */
    @FunctionalInterface
    public interface JobHandle {
        void cancel();
    }

    /** For diagnostics only. */
    Map<String, Integer> inFlightByTenant() {
        Map<String, Integer> out = new ConcurrentHashMap<>();
        running.forEach(r -> out.merge(r.spec().tenant(), 1, Integer::sum));
        return out;
    }
}
