package com.pbiexport.worker.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The configured sinks by alias, and the one used when a request names none.
 *
 * @param defaultSink alias of the sink used when a request's {@code output.sink} is absent
 * @param targets     sinks by alias (insertion order kept)
 */
public record Sinks(String defaultSink, Map<String, SinkConfig> targets) {
    public Sinks {
        Objects.requireNonNull(defaultSink, "defaultSink");
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(targets, "targets")));
    }

    /** A single sink that is also the default. */
    public static Sinks single(String alias, SinkConfig sink) {
        return new Sinks(alias, Map.of(alias, sink));
    }

    public Optional<SinkConfig> sink(String alias) {
        return Optional.ofNullable(targets.get(alias));
    }

    /** The default sink (validation guarantees it exists in a loaded config). */
    public SinkConfig defaultSinkConfig() {
        SinkConfig s = targets.get(defaultSink);
        if (s == null) {
            throw new IllegalStateException("default sink '" + defaultSink + "' is not configured");
        }
        return s;
    }
}
