package com.pbiexport.worker.export;

import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.export.limits.RenderForecast;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Poll spacing and the deadline, as documented in docs/ARCHITECTURE.md "An export's life". */
class PollSpacingTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private final PollSpacing exact = PollSpacing.of(Limits.defaults(), () -> 0);

    @Test
    void retryAfterIsTheWaitWhenPresentAndTheFallbackIntervalWhenNot() {
        assertThat(exact.delay(Optional.of(Duration.ofSeconds(3)))).isEqualTo(Duration.ofSeconds(3));
        assertThat(exact.delay(Optional.empty())).isEqualTo(Limits.DEFAULT_POLL_FALLBACK_INTERVAL);
        assertThat(exact.delay(Optional.of(Duration.ofSeconds(-1)))).isEqualTo(Limits.DEFAULT_POLL_FALLBACK_INTERVAL);
    }

    @Test
    void jitterOnlyAddsAndAtMostTenPercent() {
        PollSpacing most = PollSpacing.of(Limits.defaults(), () -> 0.999_999);
        assertThat(most.delay(Optional.of(Duration.ofSeconds(10))))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(10)).isLessThanOrEqualTo(Duration.ofSeconds(11));
    }

    @Test
    void aFallbackIntervalAboveTheMaximumIsCappedRetryAfterIsNot() {
        PollSpacing s = new PollSpacing(Duration.ofMinutes(5), Duration.ofMinutes(1), () -> 0);
        assertThat(s.delay(Optional.empty())).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.delay(Optional.of(Duration.ofMinutes(2)))).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void withoutAForecastTheNextPollIsAfterTheWait() {
        assertThat(exact.next(new RenderForecast(true), T0, Optional.of(Duration.ofSeconds(4))))
                .isEqualTo(T0.plusSeconds(4));
    }

    @Test
    void theDeadlineIsTheEarlierOfNotAfterAndTheExportTimeout() {
        Deadline requests = new Deadline(T0.plusSeconds(10), true, Duration.ofHours(1));
        Deadline ours = new Deadline(T0.plus(Duration.ofHours(1)), false, Duration.ofHours(1));

        assertThat(requests.expired().code()).isEqualTo(ErrorCode.REQUEST_EXPIRED);
        assertThat(requests.expired().message()).contains(T0.plusSeconds(10).toString());
        assertThat(ours.expired().code()).isEqualTo(ErrorCode.EXPORT_TIMEOUT);
        assertThat(ours.expired().message()).contains("limits.exportTimeout");
        assertThat(requests.passed(T0.plusSeconds(10))).as("passed at the deadline itself").isTrue();
        assertThat(requests.passed(T0.plusSeconds(9))).isFalse();
    }

    @Test
    void noWaitRunsPastTheDeadline() {
        Deadline d = new Deadline(T0.plusSeconds(10), true, Duration.ofHours(1));
        assertThat(d.clamp(T0, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.clamp(T0, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    }
}
