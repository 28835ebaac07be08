package com.pbiexport.worker.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of one worker instance.
 *
 * @param maxInFlight           exports in progress at once on this instance (admission slots); intake pauses at
 *                              {@code maxQueued}, not here
 * @param maxFileBytes          larger files fail with STORAGE_TOO_LARGE (Power BI's own limit is 250 MB)
 * @param exportTimeout         overall time one export may take, retries included
 * @param pollFallbackInterval  wait between status polls when Power BI sends no Retry-After
 * @param maxPollInterval       longest wait the worker chooses by itself between polls (error back-off, forecast
 *                              spacing); a Retry-After is always honoured in full
 * @param busyRetries           restarts of an export that ended Failed with Retry-After (service busy)
 * @param startThrottleMaxWait  how long a start may keep waiting out 429s before failing as throttled
 * @param pollErrorBudget       consecutive transient poll errors tolerated before the export fails
 * @param maxQueued             requests accepted from Kafka and not finished (waiting or running); intake pauses
 *                              beyond it. Waiting requests cost memory, not threads; the export stage starts them
 *                              fairly across tenants within {@code maxInFlight}
 * @param capacityInitialConcurrency concurrency limit a capacity starts with (AIMD: halves on 429, grows back)
 * @param capacityMaxConcurrency     ceiling of a capacity's limit (Power BI accepts 500 concurrent exports)
 * @param tenantRequestsPerSecond    Power BI calls per second per tenant, all calls counted; 0 = unlimited
 * @param capacityLookupTtl     how long a workspace's capacity is cached
 * @param forecastPolls         place the poll that should see Succeeded at the forecast end of rendering (never
 *                              earlier than Retry-After); false polls at Retry-After spacing only
 */
public record Limits(int maxInFlight, long maxFileBytes, Duration exportTimeout, Duration pollFallbackInterval,
                     Duration maxPollInterval, int busyRetries, Duration startThrottleMaxWait, int pollErrorBudget,
                     int maxQueued, int capacityInitialConcurrency, int capacityMaxConcurrency,
                     double tenantRequestsPerSecond, Duration capacityLookupTtl, boolean forecastPolls) {

    public static final int DEFAULT_MAX_IN_FLIGHT = 64;
    public static final long DEFAULT_MAX_FILE_BYTES = 250L * 1024 * 1024;
    public static final Duration DEFAULT_EXPORT_TIMEOUT = Duration.ofMinutes(60);
    public static final Duration DEFAULT_POLL_FALLBACK_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofSeconds(60);
    public static final int DEFAULT_BUSY_RETRIES = 3;
    public static final Duration DEFAULT_START_THROTTLE_MAX_WAIT = Duration.ofMinutes(15);
    public static final int DEFAULT_POLL_ERROR_BUDGET = 5;
    public static final int DEFAULT_MAX_QUEUED = 10_000;
    public static final int DEFAULT_CAPACITY_INITIAL_CONCURRENCY = 50;
    public static final int DEFAULT_CAPACITY_MAX_CONCURRENCY = 500;
    public static final double DEFAULT_TENANT_REQUESTS_PER_SECOND = 100;
    public static final Duration DEFAULT_CAPACITY_LOOKUP_TTL = Duration.ofMinutes(15);

    public Limits {
        Objects.requireNonNull(exportTimeout, "exportTimeout");
        Objects.requireNonNull(pollFallbackInterval, "pollFallbackInterval");
        Objects.requireNonNull(maxPollInterval, "maxPollInterval");
        Objects.requireNonNull(startThrottleMaxWait, "startThrottleMaxWait");
        Objects.requireNonNull(capacityLookupTtl, "capacityLookupTtl");
    }

    /** The same with forecast polls on (the default). */
    public Limits(int maxInFlight, long maxFileBytes, Duration exportTimeout, Duration pollFallbackInterval,
                  Duration maxPollInterval, int busyRetries, Duration startThrottleMaxWait, int pollErrorBudget,
                  int maxQueued, int capacityInitialConcurrency, int capacityMaxConcurrency,
                  double tenantRequestsPerSecond, Duration capacityLookupTtl) {
        this(maxInFlight, maxFileBytes, exportTimeout, pollFallbackInterval, maxPollInterval, busyRetries,
                startThrottleMaxWait, pollErrorBudget, maxQueued, capacityInitialConcurrency, capacityMaxConcurrency,
                tenantRequestsPerSecond, capacityLookupTtl, true);
    }

    /** The limits before capacity awareness: the newer ones at their defaults. */
    public Limits(int maxInFlight, long maxFileBytes, Duration exportTimeout, Duration pollFallbackInterval,
                  Duration maxPollInterval, int busyRetries, Duration startThrottleMaxWait, int pollErrorBudget) {
        this(maxInFlight, maxFileBytes, exportTimeout, pollFallbackInterval, maxPollInterval, busyRetries,
                startThrottleMaxWait, pollErrorBudget, Math.max(DEFAULT_MAX_QUEUED, maxInFlight),
                DEFAULT_CAPACITY_INITIAL_CONCURRENCY, DEFAULT_CAPACITY_MAX_CONCURRENCY,
                DEFAULT_TENANT_REQUESTS_PER_SECOND, DEFAULT_CAPACITY_LOOKUP_TTL);
    }

    public static Limits defaults() {
        return new Limits(DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_FILE_BYTES, DEFAULT_EXPORT_TIMEOUT,
                DEFAULT_POLL_FALLBACK_INTERVAL, DEFAULT_MAX_POLL_INTERVAL, DEFAULT_BUSY_RETRIES,
                DEFAULT_START_THROTTLE_MAX_WAIT, DEFAULT_POLL_ERROR_BUDGET);
    }

    public Limits withMaxInFlight(int value) {
        return new Limits(value, maxFileBytes, exportTimeout, pollFallbackInterval, maxPollInterval, busyRetries,
                startThrottleMaxWait, pollErrorBudget, Math.max(maxQueued, value), capacityInitialConcurrency,
                capacityMaxConcurrency, tenantRequestsPerSecond, capacityLookupTtl, forecastPolls);
    }

    public Limits withMaxFileBytes(long value) {
        return new Limits(maxInFlight, value, exportTimeout, pollFallbackInterval, maxPollInterval, busyRetries,
                startThrottleMaxWait, pollErrorBudget, maxQueued, capacityInitialConcurrency, capacityMaxConcurrency,
                tenantRequestsPerSecond, capacityLookupTtl, forecastPolls);
    }

    public Limits withExportTimeout(Duration value) {
        return new Limits(maxInFlight, maxFileBytes, value, pollFallbackInterval, maxPollInterval, busyRetries,
                startThrottleMaxWait, pollErrorBudget, maxQueued, capacityInitialConcurrency, capacityMaxConcurrency,
                tenantRequestsPerSecond, capacityLookupTtl, forecastPolls);
    }

    public Limits withPollFallbackInterval(Duration value) {
        return new Limits(maxInFlight, maxFileBytes, exportTimeout, value, maxPollInterval, busyRetries,
                startThrottleMaxWait, pollErrorBudget, maxQueued, capacityInitialConcurrency, capacityMaxConcurrency,
                tenantRequestsPerSecond, capacityLookupTtl, forecastPolls);
    }

    /** The capacity-awareness limits replaced, the rest kept. */
    public Limits withCapacityLimits(int queued, int initialConcurrency, int maxConcurrency, double requestsPerSecond) {
        return new Limits(maxInFlight, maxFileBytes, exportTimeout, pollFallbackInterval, maxPollInterval, busyRetries,
                startThrottleMaxWait, pollErrorBudget, queued, initialConcurrency, maxConcurrency, requestsPerSecond,
                capacityLookupTtl, forecastPolls);
    }

    public Limits withForecastPolls(boolean value) {
        return new Limits(maxInFlight, maxFileBytes, exportTimeout, pollFallbackInterval, maxPollInterval, busyRetries,
                startThrottleMaxWait, pollErrorBudget, maxQueued, capacityInitialConcurrency, capacityMaxConcurrency,
                tenantRequestsPerSecond, capacityLookupTtl, value);
    }
}
