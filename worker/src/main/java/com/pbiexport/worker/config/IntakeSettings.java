package com.pbiexport.worker.config;

import java.util.Objects;

/** {@code intake.*}: how the consumer thread guards the request topic. */
public record IntakeSettings(DeadLetterBreakerSettings deadLetterBreaker) {
    public IntakeSettings {
        Objects.requireNonNull(deadLetterBreaker, "deadLetterBreaker");
    }

    public static IntakeSettings defaults() {
        return new IntakeSettings(DeadLetterBreakerSettings.defaults());
    }
}
