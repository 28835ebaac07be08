package com.pbiexport.worker.powerbi;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Parses a {@code Retry-After} header: delta-seconds ({@code 30}) or an HTTP date
 * ({@code Wed, 21 Oct 2015 07:28:00 GMT}). The WHOLE duration counts, unlike Microsoft's sample, which takes the
 * seconds component of it (so 90 s became 30 s) and crashes when the header is missing.
 */
public final class RetryAfter {
    private RetryAfter() {
    }

    /**
     * @return the wait; empty when the header is absent, negative or garbage (the caller falls back to its
     *         configured interval); zero for a date already past
     */
    public static Optional<Duration> parse(String header, Clock clock) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.trim();
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
            } catch (NumberFormatException | ArithmeticException tooLarge) {
                return Optional.empty();
            }
        }
        try {
            Duration wait = Duration.between(clock.instant(),
                    ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException garbage) {
            return Optional.empty();
        }
    }
}
