package com.pbiexport.worker.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class DeliveryModeSettingTest {

    private static final String BASE = """
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
    private static final Map<String, String> ENV = Map.of("CONTOSO_SECRET", "s3cr3t", "HOSTNAME", "pod-1");

    private static WorkerConfig load(String yaml, Map<String, String> env) {
        return ConfigLoader.loadFromString(yaml, true, "test.yaml", env).config();
    }

    @Test
    void defaultsToExactlyOnce() {
        assertThat(load(BASE, ENV).delivery().mode()).isEqualTo(DeliveryMode.EXACTLY_ONCE);
    }

    @Test
    void readsAtLeastOnceFromTheFileAndFromTheEnvironment() {
        assertThat(load(BASE + "delivery:\n  mode: at-least-once\n", ENV).delivery().mode())
                .isEqualTo(DeliveryMode.AT_LEAST_ONCE);
        assertThat(load(BASE, Map.of("CONTOSO_SECRET", "x", "PBIEXPORT_DELIVERY_MODE", "AT-LEAST-ONCE"))
                .delivery().mode()).isEqualTo(DeliveryMode.AT_LEAST_ONCE);
    }

    @Test
    void rejectsAnUnknownModeNamingTheSetting() {
        ConfigException e = catchThrowableOfType(() -> load(BASE + "delivery:\n  mode: exactly-twice\n", ENV),
                ConfigException.class);
        assertThat(e).isNotNull();
        assertThat(String.join("\n", e.problems())).contains("delivery.mode").contains("exactly-once, at-least-once")
                .contains("exactly-twice");
    }

    @Test
    void rejectsAConfiguredTransactionalIdBecauseTheWorkerDerivesIt() {
        ConfigException e = catchThrowableOfType(() -> load(BASE.replace("  bootstrapServers: localhost:9092\n",
                "  bootstrapServers: localhost:9092\n  producer:\n    transactional.id: mine\n"), ENV),
                ConfigException.class);
        assertThat(e).isNotNull();
        assertThat(String.join("\n", e.problems())).contains("kafka.producer.transactional.id")
                .contains("delivery.mode");
    }
}
