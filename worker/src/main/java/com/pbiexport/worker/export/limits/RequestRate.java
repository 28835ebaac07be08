package com.pbiexport.worker.export.limits;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-tenant request rate: one token bucket per tenant alias, shared by every Power BI call of that tenant
 * (starts, polls, downloads, capacity look-ups). Non-blocking: {@link #reserve} books the next free slot and
 * returns how long the caller must wait before making its call (zero when a token is available), so a caller
 * schedules its call on a timer instead of holding a thread. A burst of {@code perSecond} calls is allowed.
 */
public final class RequestRate {
    private final double perSecond;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param perSecond calls per second per tenant; 0 or less means unlimited */
    public RequestRate(double perSecond, Clock clock) {
        this.perSecond = perSecond;
        this.clock = clock;
    }

    /** Books one call for {@code tenant}; returns how long to wait before making it. */
    public Duration reserve(String tenant) {
        if (perSecond <= 0) {
            return Duration.ZERO;
        }
        return buckets.computeIfAbsent(tenant, t -> new Bucket()).reserve(clock.instant());
    }

    /**
     * A bucket that may go into debt: each reservation takes one token; when none is left, the caller waits until
     * its token will have accrued. Later callers queue behind earlier ones (the debt grows), so the calls actually
     * made never exceed the rate, whatever the number of waiting callers.
     */
    private final class Bucket {
        private final double capacity = Math.max(1, perSecond);
        private double tokens = capacity;
        private Instant refilledAt;

        synchronized Duration reserve(Instant now) {
            if (refilledAt != null && now.isAfter(refilledAt)) {
                double elapsed = Duration.between(refilledAt, now).toNanos() / 1e9;
                tokens = Math.min(capacity, tokens + elapsed * perSecond);
            }
            if (refilledAt == null || now.isAfter(refilledAt)) {
                refilledAt = now;
            }
            tokens -= 1;
            if (tokens >= 0) {
                return Duration.ZERO;
            }
            return Duration.ofNanos((long) Math.ceil(-tokens / perSecond * 1e9));
        }
    }
}
