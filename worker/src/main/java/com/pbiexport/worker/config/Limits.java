package com.pbiexport.worker.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of one worker instance.
 *
 * @param maxInFlight           exports in progress at once on this instance; intake pauses beyond it
 * @param maxFileBytes          larger files fail with STORAGE_TOO_LARGE (Power BI's own limit is 250 MB)
 * @param exportTimeout         overall time one export may take, retries included
 * @param pollFallbackInterval  wait between status polls when Power BI sends no Retry-After
 * @param maxPollInterval       upper bound on any Retry-After we honour between polls
 * @param busyRetries           restarts of an export that ended Failed with Retry-After (service busy)
 * @param startThrottleMaxWait  how long a start may keep waiting out 429s before failing as throttled
 * @param pollErrorBudget       consecutive transient poll errors tolerated before the export fails
 */
public record Limits(int maxInFlight, long maxFileBytes, Duration exportTimeout, Duration pollFallbackInterval,
                     Duration maxPollInterval, int busyRetries, Duration startThrottleMaxWait, int pollErrorBudget) {

    public static final int DEFAULT_MAX_IN_FLIGHT = 64;
    public static final long DEFAULT_MAX_FILE_BYTES = 250L * 1024 * 1024;
    public static final Duration DEFAULT_EXPORT_TIMEOUT = Duration.ofMinutes(60);
    public static final Duration DEFAULT_POLL_FALLBACK_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofSeconds(60);
    public static final int DEFAULT_BUSY_RETRIES = 3;
    public static final Duration DEFAULT_START_THROTTLE_MAX_WAIT = Duration.ofMinutes(15);
    public static final int DEFAULT_POLL_ERROR_BUDGET = 5;

    public Limits {
        Objects.requireNonNull(exportTimeout, "exportTimeout");
        Objects.requireNonNull(pollFallbackInterval, "pollFallbackInterval");
        Objects.requireNonNull(maxPollInterval, "maxPollInterval");
        Objects.requireNonNull(startThrottleMaxWait, "startThrottleMaxWait");
    }

    public static Limits defaults() {
        return new Limits(DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_FILE_BYTES, DEFAULT_EXPORT_TIMEOUT,
                DEFAULT_POLL_FALLBACK_INTERVAL, DEFAULT_MAX_POLL_INTERVAL, DEFAULT_BUSY_RETRIES,
                DEFAULT_START_THROTTLE_MAX_WAIT, DEFAULT_POLL_ERROR_BUDGET);
    }

    public Limits withMaxInFlight(int value) {
        return new Limits(value, maxFileBytes, exportTimeout, pollFallbackInterval, maxPollInterval, busyRetries,
                startThrottleMaxWait, pollErrorBudget);
    }

    public Limits withMaxFileBytes(long value) {
        return new Limits(maxInFlight, value, exportTimeout, pollFallbackInterval, maxPollInterval, busyRetries,
                startThrottleMaxWait, pollErrorBudget);
    }

    public Limits withExportTimeout(Duration value) {
        return new Limits(maxInFlight, maxFileBytes, value, pollFallbackInterval, maxPollInterval, busyRetries,
                startThrottleMaxWait, pollErrorBudget);
    }

    public Limits withPollFallbackInterval(Duration value) {
        return new Limits(maxInFlight, maxFileBytes, exportTimeout, value, maxPollInterval, busyRetries,
                startThrottleMaxWait, pollErrorBudget);
    }
}
