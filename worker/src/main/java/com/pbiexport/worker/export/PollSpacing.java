package com.pbiexport.worker.export;

import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.export.limits.RenderForecast;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When to poll next. Retry-After is honoured as a minimum; without it {@code limits.pollFallbackInterval} (at most
 * {@code limits.maxPollInterval}); jitter only adds, up to 10 %, so instances do not poll in step. While the export
 * runs, the {@link RenderForecast} may delay the poll to the forecast end of rendering (never earlier, never later
 * than {@code maxPollInterval}).
 */
record PollSpacing(Duration fallback, Duration maxInterval, Jitter jitter) {
    /** The most jitter adds to a wait: 10 %. */
    static final double MAX_JITTER = 0.1;

    PollSpacing {
        Objects.requireNonNull(fallback);
        Objects.requireNonNull(maxInterval);
        Objects.requireNonNull(jitter);
    }

    static PollSpacing of(Limits limits, Jitter jitter) {
        return new PollSpacing(limits.pollFallbackInterval(), limits.maxPollInterval(), jitter);
    }

    /** The wait before the next poll, from the last answer's Retry-After. */
    Duration delay(Optional<Duration> retryAfter) {
        Duration base = retryAfter.filter(ra -> !ra.isNegative()).orElse(fallback);
        if (base.compareTo(maxInterval) > 0 && retryAfter.isEmpty()) {
            base = maxInterval;
        }
        long jitterMillis = (long) (base.toMillis() * MAX_JITTER * jitter.next());
        return base.plusMillis(jitterMillis);
    }

    /** When to poll next, given the answer at {@code answeredAt} and the export's forecast. */
    Instant next(RenderForecast forecast, Instant answeredAt, Optional<Duration> retryAfter) {
        return forecast.nextPoll(answeredAt, delay(retryAfter), maxInterval);
    }
}
