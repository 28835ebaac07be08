package com.pbiexport.worker.config;

import java.util.List;
import java.util.Objects;

/**
 * A valid configuration plus start-up warnings (e.g. an inline client secret) for the caller to log once.
 * Warnings never contain secret values.
 */
public record LoadedConfig(WorkerConfig config, List<String> warnings) {
    public LoadedConfig {
        Objects.requireNonNull(config, "config");
        warnings = List.copyOf(warnings);
    }
}
