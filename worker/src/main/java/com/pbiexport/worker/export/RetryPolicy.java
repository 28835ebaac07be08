package com.pbiexport.worker.export;

import com.pbiexport.worker.auth.TokenFailure;
import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.powerbi.PowerBiFailure;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Every retry rule of an export, in one place. Stateless: the run keeps its counters and passes them in.
 * <ul>
 *   <li>429: wait Retry-After (or {@code limits.pollFallbackInterval} without one), unless that wait ends past the
 *       deadline, or, for a start, past {@code receivedAt + limits.startThrottleMaxWait};</li>
 *   <li>5xx and transport failures (and retryable storage failures): retry within {@code limits.pollErrorBudget}
 *       consecutive failures, with a jittered exponential back-off;</li>
 *   <li>a token endpoint that is down or throttling: wait (its Retry-After, or a growing back-off) until the
 *       deadline; other token failures are final;</li>
 *   <li>{@code Failed} with Retry-After: restart the export after it, up to {@code limits.busyRetries} times;
 *       {@code Failed} without: final.</li>
 * </ul>
 * Anything else (4xx without Retry-After...) is final: the run classifies it.
 */
record RetryPolicy(Duration fallback, Duration maxInterval, Duration startThrottleMaxWait, int errorBudget,
                   int busyRetries, Jitter jitter) {

    RetryPolicy {
        Objects.requireNonNull(fallback);
        Objects.requireNonNull(maxInterval);
        Objects.requireNonNull(startThrottleMaxWait);
        Objects.requireNonNull(jitter);
    }

    static RetryPolicy of(Limits limits, Jitter jitter) {
        return new RetryPolicy(limits.pollFallbackInterval(), limits.maxPollInterval(), limits.startThrottleMaxWait(),
                limits.pollErrorBudget(), limits.busyRetries(), jitter);
    }

    /** What to do about a Power BI export that ended {@code Failed}. */
    sealed interface Busy {
        /** Failed without Retry-After: permanent. */
        record Permanent() implements Busy { }

        /** Failed with Retry-After, and the export was already started {@code busyRetries + 1} times. */
        record Exhausted() implements Busy { }

        /** Start the whole export again after {@code after}. */
        record Restart(Duration after) implements Busy { }
    }

    /**
     * The wait before the call answered 429 is made again, or empty when it must not wait (past the deadline, or
     * a start throttled for longer than {@code startThrottleMaxWait} since the request was received).
     */
    Optional<Duration> throttled(Operation operation, Optional<Duration> retryAfter, Instant now, Instant receivedAt,
                                 Deadline deadline) {
        Duration wait = retryAfter.orElse(fallback);
        Instant retryAt = now.plus(wait);
        boolean startTooLong = operation == Operation.START && retryAt.isAfter(receivedAt.plus(startThrottleMaxWait));
        return startTooLong || deadline.endsBefore(retryAt) ? Optional.empty() : Optional.of(wait);
    }

    /** 5xx and transport failures are worth another try. */
    static boolean isTransient(PowerBiFailure f) {
        return f instanceof PowerBiFailure.Transport || (f instanceof PowerBiFailure.Http h && h.status() >= 500);
    }

    /**
     * After {@code failuresSoFar} consecutive transient failures (this one not counted): the back-off before the next
     * try, or empty when the budget is spent.
     */
    Optional<Duration> transientRetry(int failuresSoFar) {
        return failuresSoFar < errorBudget ? Optional.of(backoff(failuresSoFar + 1)) : Optional.empty();
    }

    /** A token endpoint failure: the wait when it is worth waiting out (throttled, unavailable), else empty. */
    Optional<Duration> tokenWait(TokenFailure f, int waitsSoFar) {
        boolean transientKind = f.kind() == TokenFailure.Kind.THROTTLED || f.kind() == TokenFailure.Kind.UNAVAILABLE;
        return transientKind ? Optional.of(f.retryAfter().orElse(backoff(waitsSoFar))) : Optional.empty();
    }

    /** Power BI reported the export Failed; {@code attempts} exports were accepted so far. */
    Busy failed(Optional<Duration> retryAfter, int attempts) {
        if (retryAfter.isEmpty()) {
            return new Busy.Permanent();
        }
        return attempts > busyRetries ? new Busy.Exhausted() : new Busy.Restart(retryAfter.get());
    }

    /** Exponential from the fallback interval, capped at the maximum interval, then "equal jitter" (half to all). */
    Duration backoff(int failures) {
        long base = fallback.toMillis();
        long exp = Math.min(base << Math.min(failures, 6), maxInterval.toMillis());
        return Duration.ofMillis(exp / 2 + (long) (jitter.next() * (exp / 2 + 1)));
    }
}
