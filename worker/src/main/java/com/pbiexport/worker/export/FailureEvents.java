package com.pbiexport.worker.export;

import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.diagnose.ClassificationContext;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.worker.export.ExportState.Why;
import com.pbiexport.worker.powerbi.PowerBiException;
import com.pbiexport.worker.powerbi.PowerBiFailure;
import com.pbiexport.worker.storage.StorageException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Turns one export's failed calls into events, by {@link RetryPolicy}: a retry after a wait, back to admission
 * (a throttled start), or a classified failure. Keeps the export's failure counters; its steps call it one at a
 * time.
 */
final class FailureEvents {
    private final ExportJobSpec spec;
    private final RetryPolicy policy;
    private final Classifier classifier;
    private final ExportObserver observer;
    private final Deadline deadline;
    private final Clock clock;
    private final RunRecord rec;
    private final Supplier<ClassificationContext> tenantContext;
    private int transientErrors; // consecutive 5xx/transport/storage failures: reset by every answer
    private int tokenWaits; // token-endpoint failures waited out: they grow the back-off, never end the export
    private TokenAcquisitionException tokenWait; // the last token failure waited out, and when that wait ends
    private Instant tokenWaitEnds = Instant.MIN;

    FailureEvents(ExportJobSpec spec, ExportRun.Deps d, Deadline deadline, RunRecord rec,
                  Supplier<ClassificationContext> tenantContext) {
        this.spec = spec;
        this.policy = d.retry();
        this.classifier = d.classifier();
        this.observer = d.observer();
        this.deadline = deadline;
        this.clock = d.clock();
        this.rec = rec;
        this.tenantContext = tenantContext;
    }

    /** Power BI answered: the transient failures before no longer count. */
    void answered() {
        transientErrors = 0;
    }

    /** 429 waits out Retry-After (a start queues for admission again); transient failures retry; the rest is final. */
    ExportEvent onApi(PowerBiException e, Operation operation) {
        PowerBiFailure f = e.failure();
        rec.note(f.requestId());
        if (f instanceof PowerBiFailure.Http h && h.status() == 429) {
            observer.throttled(spec.tenant(), operation.wireName(), h.retryAfter().orElse(policy.fallback()));
            Optional<Duration> wait = policy.throttled(operation, h.retryAfter(), now(), spec.receivedAt(), deadline);
            if (wait.isPresent()) {
                return operation == Operation.START ? new ExportEvent.Restart(Why.THROTTLED, wait.get())
                        : new ExportEvent.Retry(wait.get());
            }
        } else if (RetryPolicy.isTransient(f)) {
            Optional<Duration> wait = policy.transientRetry(transientErrors++);
            if (wait.isPresent()) {
                return new ExportEvent.Retry(wait.get());
            }
        }
        return new ExportEvent.Failed(classifier.classify(e, rec.context(tenantContext.get(), operation)));
    }

    /** A retryable storage failure retries within the error budget, unless the deadline has passed. */
    ExportEvent onStorage(StorageException e) {
        Optional<Duration> wait = e.retryable() ? policy.transientRetry(transientErrors++) : Optional.empty();
        if (wait.isPresent()) {
            return expiry().<ExportEvent>map(ExportEvent.Failed::new).orElse(new ExportEvent.Retry(wait.get()));
        }
        return new ExportEvent.Failed(classifier.classify(e));
    }

    /**
     * A token endpoint that is down or throttling says nothing about this request: the export waits for it until
     * its deadline instead of spending the Power BI error budget (found by TokenOutageIT, issue #7), then fails with
     * the token endpoint's code ({@link #expiry}). Other token failures are final.
     */
    ExportEvent onToken(TokenAcquisitionException e) {
        Optional<Duration> wait = policy.tokenWait(e.failure(), tokenWaits);
        if (wait.isEmpty()) {
            return new ExportEvent.Failed(classifier.classify(e));
        }
        tokenWaits++;
        tokenWait = e;
        tokenWaitEnds = now().plus(wait.get());
        return new ExportEvent.Retry(wait.get());
    }

    /** Anything else a call threw: classified, final. */
    ExportEvent onOther(RuntimeException e) {
        return new ExportEvent.Failed(classifier.classify(e));
    }

    /** Why the export must end now: its deadline passed (empty while it has not). */
    Optional<Diagnosis> expiry() {
        if (!deadline.passed(now())) {
            return Optional.empty();
        }
        // the deadline cut a wait for the token endpoint short: its code (AUTH_THROTTLED, AUTH_UNAVAILABLE) is
        // the one doctor gives for the same tenant
        boolean tokenWaitCut = tokenWait != null && !tokenWaitEnds.isBefore(deadline.at());
        return Optional.of(tokenWaitCut ? deadline.cutTokenWait(classifier.classify(tokenWait)) : deadline.expired());
    }

    private Instant now() {
        return clock.instant();
    }
}
