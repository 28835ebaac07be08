package com.pbiexport.worker.config;

import java.util.Objects;

/** The admin HTTP endpoint (health, Prometheus metrics). Port 0 picks a free port (tests). */
public record AdminSettings(String bindAddress, int port) {
    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;

    public AdminSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
    }

    public static AdminSettings defaults() {
        return new AdminSettings(DEFAULT_BIND_ADDRESS, DEFAULT_PORT);
    }
}
