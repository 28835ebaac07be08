package com.pbiexport.worker.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How outcomes, job states and consumer offsets reach Kafka ({@code delivery.mode}).
 * {@link #EXACTLY_ONCE}: in Kafka transactions, so {@code read_committed} readers see one outcome per request even
 * across crashes and rebalances. {@link #AT_LEAST_ONCE}: idempotent producer, offsets committed after the outcome
 * was acknowledged; for brokers without transactions (a crash can repeat an outcome, with the same {@code ce_id}).
 */
public enum DeliveryMode {
    EXACTLY_ONCE("exactly-once"),
    AT_LEAST_ONCE("at-least-once");

    private final String text;

    DeliveryMode(String text) {
        this.text = text;
    }

    /** The value as written in the configuration. */
    public String text() {
        return text;
    }

    public static Optional<DeliveryMode> parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.text.equals(v)).findFirst();
    }

    public static List<String> texts() {
        return Arrays.stream(values()).map(DeliveryMode::text).toList();
    }

    @Override
    public String toString() {
        return text;
    }
}
