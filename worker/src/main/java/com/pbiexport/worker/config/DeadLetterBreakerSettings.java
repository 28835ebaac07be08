package com.pbiexport.worker.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code intake.deadLetterBreaker.*}: when a request partition's recent records are mostly dead letters, its intake
 * stops for a cool-down instead of draining the topic into the dead-letter topic (see the intake's
 * {@code DeadLetterBreaker}).
 *
 * @param enabled     false: never stops a partition
 * @param ratio       share of dead letters among the recent records that stops the partition
 * @param lastRecords how many of a partition's latest records are looked at
 * @param minRecords  fewest recent records before it may stop a partition
 * @param window      records older than this do not count
 * @param coolDown    how long a stopped partition waits before it probes again
 */
public record DeadLetterBreakerSettings(boolean enabled, double ratio, int lastRecords, int minRecords,
                                        Duration window, Duration coolDown) {
    public static final double DEFAULT_RATIO = 0.9;
    public static final int DEFAULT_LAST_RECORDS = 100;
    public static final int DEFAULT_MIN_RECORDS = 50;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
    public static final Duration DEFAULT_COOL_DOWN = Duration.ofMinutes(10);

    public DeadLetterBreakerSettings {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(coolDown, "coolDown");
    }

    public static DeadLetterBreakerSettings defaults() {
        return new DeadLetterBreakerSettings(true, DEFAULT_RATIO, DEFAULT_LAST_RECORDS, DEFAULT_MIN_RECORDS,
                DEFAULT_WINDOW, DEFAULT_COOL_DOWN);
    }

    /** The same, turned off. */
    public DeadLetterBreakerSettings withoutBreaker() {
        return new DeadLetterBreakerSettings(false, ratio, lastRecords, minRecords, window, coolDown);
    }
}
