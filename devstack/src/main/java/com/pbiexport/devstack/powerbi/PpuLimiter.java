package com.pbiexport.devstack.powerbi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Premium Per User: at most one paginated export per 5 minutes per principal and capacity (more: 429 with
 * Retry-After). Only accepted exports count.
 */
final class PpuLimiter {
    static final Duration WINDOW = Duration.ofMinutes(5);

    private final Clock clock;
    private final Map<String, Instant> lastStart = new ConcurrentHashMap<>();

    PpuLimiter(Clock clock) {
        this.clock = clock;
    }

    /** Seconds until the principal may start again; 0 when it may now. */
    long secondsUntilAllowed(String capacityId, String principal) {
        Instant last = lastStart.get(key(capacityId, principal));
        if (last == null) {
            return 0;
        }
        long millisLeft = Duration.between(clock.instant(), last.plus(WINDOW)).toMillis();
        return millisLeft <= 0 ? 0 : (millisLeft + 999) / 1000;
    }

    void recordStart(String capacityId, String principal) {
        lastStart.put(key(capacityId, principal), clock.instant());
    }

    private static String key(String capacityId, String principal) {
        return (capacityId + "|" + principal).toLowerCase(java.util.Locale.ROOT);
    }
}
