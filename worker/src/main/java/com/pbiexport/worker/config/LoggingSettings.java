package com.pbiexport.worker.config;

/** Logging output. {@code json}: one JSON object per line (for log shippers) instead of plain text. */
public record LoggingSettings(boolean json) {
    public static LoggingSettings defaults() {
        return new LoggingSettings(false);
    }
}
