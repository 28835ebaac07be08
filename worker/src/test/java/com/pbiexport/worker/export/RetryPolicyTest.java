package com.pbiexport.worker.export;

import com.pbiexport.worker.auth.TokenFailure;
import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.powerbi.PowerBiFailure;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The retry rules as documented in docs/ARCHITECTURE.md "An export's life" and the Power BI reference. */
class RetryPolicyTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Deadline ONE_HOUR = new Deadline(T0.plus(Duration.ofHours(1)), false, Duration.ofHours(1));
    private final RetryPolicy policy = RetryPolicy.of(Limits.defaults(), () -> 0);

    private static PowerBiFailure.Http http(int status) {
        return new PowerBiFailure.Http("poll", status, "E", "m", Optional.empty(), Optional.empty());
    }

    private static TokenFailure token(TokenFailure.Kind kind, Optional<Duration> retryAfter) {
        return new TokenFailure("t", Optional.empty(), Optional.empty(), Optional.empty(), "d", kind, retryAfter);
    }

    @Test
    void a429WaitsRetryAfterOrTheFallbackIntervalWithoutIt() {
        assertThat(policy.throttled(Operation.POLL, Optional.of(Duration.ofSeconds(42)), T0, T0, ONE_HOUR))
                .contains(Duration.ofSeconds(42));
        assertThat(policy.throttled(Operation.POLL, Optional.empty(), T0, T0, ONE_HOUR))
                .contains(Limits.DEFAULT_POLL_FALLBACK_INTERVAL);
    }

    @Test
    void a429WhoseWaitEndsPastTheDeadlineIsNotWaitedOut() {
        Deadline soon = new Deadline(T0.plusSeconds(10), true, Duration.ofHours(1));
        assertThat(policy.throttled(Operation.POLL, Optional.of(Duration.ofSeconds(11)), T0, T0, soon)).isEmpty();
        assertThat(policy.throttled(Operation.POLL, Optional.of(Duration.ofSeconds(10)), T0, T0, soon))
                .contains(Duration.ofSeconds(10));
    }

    @Test
    void onlyAStartIsBoundByStartThrottleMaxWaitSinceTheRequestArrived() {
        Instant later = T0.plus(Duration.ofMinutes(14)); // default limit: 15 min after receivedAt
        assertThat(policy.throttled(Operation.START, Optional.of(Duration.ofMinutes(2)), later, T0, ONE_HOUR))
                .isEmpty();
        assertThat(policy.throttled(Operation.START, Optional.of(Duration.ofMinutes(1)), later, T0, ONE_HOUR))
                .contains(Duration.ofMinutes(1));
        assertThat(policy.throttled(Operation.POLL, Optional.of(Duration.ofMinutes(2)), later, T0, ONE_HOUR))
                .contains(Duration.ofMinutes(2));
    }

    @Test
    void serverErrorsAndTransportFailuresAreTransientClientErrorsAreNot() {
        assertThat(RetryPolicy.isTransient(http(500))).isTrue();
        assertThat(RetryPolicy.isTransient(http(503))).isTrue();
        assertThat(RetryPolicy.isTransient(new PowerBiFailure.Transport("poll", "reset", Optional.empty()))).isTrue();
        assertThat(RetryPolicy.isTransient(http(404))).isFalse();
        assertThat(RetryPolicy.isTransient(http(429))).isFalse();
    }

    @Test
    void transientFailuresRetryUntilTheErrorBudgetIsSpent() {
        int budget = Limits.DEFAULT_POLL_ERROR_BUDGET;
        assertThat(policy.transientRetry(budget - 1)).isPresent();
        assertThat(policy.transientRetry(budget)).isEmpty();
    }

    @Test
    void theBackoffDoublesFromTheFallbackIntervalUpToTheMaximumWithHalfToFullJitter() {
        // jitter 0: half of min(fallback * 2^n, maxPollInterval)
        assertThat(policy.backoff(0)).isEqualTo(Duration.ofMillis(2_500));
        assertThat(policy.backoff(1)).isEqualTo(Duration.ofMillis(5_000));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofMillis(10_000));
        assertThat(policy.backoff(10)).isEqualTo(Duration.ofMillis(30_000));
        RetryPolicy fullJitter = RetryPolicy.of(Limits.defaults(), () -> 0.999_999);
        assertThat(fullJitter.backoff(10)).isLessThanOrEqualTo(Limits.DEFAULT_MAX_POLL_INTERVAL)
                .isGreaterThan(Duration.ofMillis(59_000));
    }

    @Test
    void aTokenEndpointThatIsDownOrThrottlingIsWaitedOutOtherTokenFailuresAreFinal() {
        assertThat(policy.tokenWait(token(TokenFailure.Kind.THROTTLED, Optional.of(Duration.ofSeconds(7))), 0))
                .contains(Duration.ofSeconds(7));
        assertThat(policy.tokenWait(token(TokenFailure.Kind.UNAVAILABLE, Optional.empty()), 1))
                .contains(policy.backoff(1));
        assertThat(policy.tokenWait(token(TokenFailure.Kind.REJECTED, Optional.empty()), 0)).isEmpty();
        assertThat(policy.tokenWait(token(TokenFailure.Kind.CREDENTIAL_UNREADABLE, Optional.empty()), 0)).isEmpty();
    }

    @Test
    void failedWithRetryAfterRestartsUpToBusyRetriesAndWithoutItIsPermanent() {
        Optional<Duration> ra = Optional.of(Duration.ofSeconds(20));
        assertThat(policy.failed(Optional.empty(), 1)).isEqualTo(new RetryPolicy.Busy.Permanent());
        assertThat(policy.failed(ra, 1)).isEqualTo(new RetryPolicy.Busy.Restart(Duration.ofSeconds(20)));
        assertThat(policy.failed(ra, Limits.DEFAULT_BUSY_RETRIES)).isInstanceOf(RetryPolicy.Busy.Restart.class);
        assertThat(policy.failed(ra, Limits.DEFAULT_BUSY_RETRIES + 1)).isEqualTo(new RetryPolicy.Busy.Exhausted());
    }
}
