package com.pbiexport.worker.config;

import java.time.Duration;
import java.util.Optional;

/**
 * A validator of one parsed setting value. Returns the phrase that completes "{@code <setting> }" when the
 * value is wrong, e.g. {@code must be at least 1, was 0}; empty when it is fine.
 */
@FunctionalInterface
public interface Check {

    Optional<String> problem(Object value);

    /** For the documentation table, e.g. {@code >= 1}; empty when not worth listing. */
    default String describe() {
        return "";
    }

    static Check atLeast(long min) {
        return new Check() {
            @Override
            public Optional<String> problem(Object value) {
                long v = ((Number) value).longValue();
                return v < min ? Optional.of("must be at least " + min + ", was " + v) : Optional.empty();
            }

            @Override
            public String describe() {
                return ">= " + min;
            }
        };
    }

    static Check between(long min, long max) {
        return new Check() {
            @Override
            public Optional<String> problem(Object value) {
                long v = ((Number) value).longValue();
                return v < min || v > max
                        ? Optional.of("must be between " + min + " and " + max + ", was " + v) : Optional.empty();
            }

            @Override
            public String describe() {
                return min + ".." + max;
            }
        };
    }

    /** Strictly between the bounds. */
    static Check exclusiveBetween(double min, double max) {
        return new Check() {
            @Override
            public Optional<String> problem(Object value) {
                double v = ((Number) value).doubleValue();
                return v <= min || v >= max
                        ? Optional.of("must be greater than " + fmt(min) + " and less than " + fmt(max) + ", was " + v)
                        : Optional.empty();
            }

            @Override
            public String describe() {
                return "> " + fmt(min) + " and < " + fmt(max);
            }
        };
    }

    static Check positiveDuration() {
        return new Check() {
            @Override
            public Optional<String> problem(Object value) {
                Duration d = (Duration) value;
                return d.isZero() || d.isNegative()
                        ? Optional.of("must be longer than zero, was " + d) : Optional.empty();
            }

            @Override
            public String describe() {
                return "> 0";
            }
        };
    }

    static Check notBlank() {
        return value -> value.toString().isBlank() ? Optional.of("must not be empty") : Optional.empty();
    }

    /** An environment variable name as POSIX shells accept it. */
    static Check envName() {
        return value -> value.toString().matches("[A-Za-z_][A-Za-z0-9_]*") ? Optional.empty()
                : Optional.of("must be an environment variable name (letters, digits, _), was '" + value + "'");
    }

    /** One of a fixed set of words (compared without regard to case). */
    static Check oneOf(java.util.List<String> allowed) {
        return new Check() {
            @Override
            public Optional<String> problem(Object value) {
                String v = value.toString().trim().toLowerCase(java.util.Locale.ROOT);
                return allowed.contains(v) ? Optional.empty()
                        : Optional.of("must be one of " + String.join(", ", allowed) + ", was '" + value + "'");
            }

            @Override
            public String describe() {
                return String.join(" / ", allowed);
            }
        };
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
