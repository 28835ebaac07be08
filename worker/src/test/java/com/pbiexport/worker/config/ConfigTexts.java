package com.pbiexport.worker.config;

import java.util.Map;

/** The minimal valid configuration file and environment the configuration tests start from. */
final class ConfigTexts {
    private ConfigTexts() {
    }

    /** A minimal valid file; tests append sections or replace lines. */
    static final String BASE = """
            kafka:
              bootstrapServers: localhost:9092
            tenants:
              contoso:
                tenantId: 11111111-1111-1111-1111-111111111111
                clientId: 22222222-2222-2222-2222-222222222222
                credential:
                  secret:
                    env: CONTOSO_SECRET
            sinks:
              targets:
                local:
                  filesystem:
                    root: /var/exports
            """;

    /** The environment {@link #BASE} needs. */
    static final Map<String, String> ENV = Map.of("CONTOSO_SECRET", "s3cr3t", "HOSTNAME", "pod-1");

    /** Loads {@code yaml} as the worker would, with {@code env} as the environment. */
    static WorkerConfig load(String yaml, Map<String, String> env) {
        return ConfigLoader.loadFromString(yaml, true, "test.yaml", env).config();
    }
}
