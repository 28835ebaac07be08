package com.pbiexport.worker.config;

import java.util.Objects;

/** How results leave the worker; see {@link DeliveryMode}. */
public record DeliverySettings(DeliveryMode mode) {
    public static final DeliveryMode DEFAULT_MODE = DeliveryMode.EXACTLY_ONCE;

    public DeliverySettings {
        Objects.requireNonNull(mode, "mode");
    }

    public static DeliverySettings defaults() {
        return new DeliverySettings(DEFAULT_MODE);
    }

    public boolean exactlyOnce() {
        return mode == DeliveryMode.EXACTLY_ONCE;
    }
}
