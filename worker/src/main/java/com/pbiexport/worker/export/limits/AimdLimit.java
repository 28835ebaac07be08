package com.pbiexport.worker.export.limits;

import java.time.Duration;
import java.time.Instant;

/**
 * The concurrency limit of one capacity, additive-increase / multiplicative-decrease. Not thread-safe: the
 * {@link AdmissionScheduler} guards it.
 * <ul>
 *   <li>A 429 sets the limit to the exports this instance has running there (Power BI demonstrably carries those,
 *       and refused one more) - once per throttle window, so the burst of 429s one overload produces counts once; with
 *       none of ours running (other load fills the capacity) it multiplies the limit by {@code DECREASE_FACTOR}.
 *       Starts of that burst accepted later in the window raise the limit to what was accepted. Either way new
 *       starts wait until its Retry-After has passed. (Halving alone took four Retry-Afters to come down from 50 to a
 *       true limit of 5: with a coarse 30 s Retry-After two minutes of a mostly idle capacity, docs/BENCHMARKS.md.)</li>
 *   <li>A successful start while the limit is fully used adds {@code 1 / limit}: about +1 per round of starts, so
 *       the limit grows back slowly and only when there is demand to prove it.</li>
 *   <li>Growing past the limit at which the last 429 came (the ceiling) waits {@code PROBE_AFTER}: a capacity
 *       whose real limit is known is probed again every few minutes, not every round.</li>
 * </ul>
 */
final class AimdLimit {
    static final double DECREASE_FACTOR = 0.5;
    static final Duration PROBE_AFTER = Duration.ofMinutes(5);

    private final int max;
    private double limit;
    private int inUse;
    private int accepted; // permits whose start Power BI accepted: exports demonstrably running there
    private Instant blockedUntil = Instant.MIN;
    private long throttles;
    private double ceiling = Double.MAX_VALUE;
    private Instant lastThrottle = Instant.MIN;

    AimdLimit(int initial, int max) {
        this.max = Math.max(1, max);
        this.limit = Math.max(1, Math.min(initial, this.max));
    }

    boolean hasRoom(Instant now) {
        return inUse < (int) limit && !now.isBefore(blockedUntil);
    }

    Instant blockedUntil() {
        return blockedUntil;
    }

    void acquire() {
        inUse++;
    }

    void release(boolean wasAccepted) {
        if (wasAccepted && accepted > 0) {
            accepted--;
        }
        if (inUse > 0) {
            inUse--;
        }
    }

    /** A start was accepted while holding a permit. */
    void succeeded(Instant now) {
        accepted++;
        if (now.isBefore(blockedUntil) && accepted > limit) {
            limit = Math.min(max, accepted); // a start of the throttled burst was accepted after all: it is carried
            ceiling = Math.max(ceiling, limit + 1);
            return;
        }
        if (inUse < (int) limit) {
            return;
        }
        double next = Math.min(max, limit + 1.0 / limit);
        if ((int) next >= (int) ceiling && now.isBefore(lastThrottle.plus(PROBE_AFTER))) {
            return; // the last 429 came at that limit, recently: do not provoke the next one yet
        }
        limit = next;
    }

    /** A start holding a permit was answered 429: shrink (once per window) and wait out Retry-After. */
    void throttled(Instant now, Duration retryAfter) {
        throttles++;
        if (!now.isBefore(blockedUntil)) {
            lastThrottle = now;
            // only accepted exports prove what the capacity carries; the refused start proves it carries no more,
            // so the next level is the one not to probe again for PROBE_AFTER
            ceiling = accepted > 0 ? Math.min(limit, accepted + 1) : limit;
            limit = accepted > 0 ? Math.min(limit, accepted) : Math.max(1, limit * DECREASE_FACTOR);
        }
        Instant until = now.plus(retryAfter);
        if (until.isAfter(blockedUntil)) {
            blockedUntil = until;
        }
    }

    int limit() {
        return (int) limit;
    }

    int inUse() {
        return inUse;
    }

    long throttles() {
        return throttles;
    }
}
