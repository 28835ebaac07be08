package com.pbiexport.worker.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code intake.*} and {@code shutdown.*}: how the consumer thread guards the request topic and how it stops.
 *
 * @param deadLetterBreaker  stops a partition of mostly dead letters
 * @param poisonAfterCrashes a request in flight at this many crashes of its owners in a row is answered
 *                           {@code POISON_REQUEST} instead of being run again; 0 turns the check off
 * @param drainTimeout       {@code shutdown.drainTimeout}: on SIGTERM, how long in-flight work may take to finish
 *                           before what is left is handed to the next owner
 */
public record IntakeSettings(DeadLetterBreakerSettings deadLetterBreaker, int poisonAfterCrashes,
                             Duration drainTimeout) {
    public static final int DEFAULT_POISON_AFTER_CRASHES = 3;
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(20);

    public IntakeSettings {
        Objects.requireNonNull(deadLetterBreaker, "deadLetterBreaker");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
    }

    /** The breaker given, the rest at defaults; kept so configurations built before they existed compile. */
    public IntakeSettings(DeadLetterBreakerSettings deadLetterBreaker) {
        this(deadLetterBreaker, DEFAULT_POISON_AFTER_CRASHES, DEFAULT_DRAIN_TIMEOUT);
    }

    public static IntakeSettings defaults() {
        return new IntakeSettings(DeadLetterBreakerSettings.defaults());
    }
}
