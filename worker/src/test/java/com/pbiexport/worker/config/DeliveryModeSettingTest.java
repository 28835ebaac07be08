package com.pbiexport.worker.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static com.pbiexport.worker.config.ConfigTexts.BASE;
import static com.pbiexport.worker.config.ConfigTexts.ENV;
import static com.pbiexport.worker.config.ConfigTexts.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class DeliveryModeSettingTest {
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
