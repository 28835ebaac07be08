package com.pbiexport.worker.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static com.pbiexport.worker.config.ConfigTexts.BASE;
import static com.pbiexport.worker.config.ConfigTexts.ENV;
import static com.pbiexport.worker.config.ConfigTexts.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class DeadLetterBreakerSettingTest {
    @Test
    void isOnByDefaultWithTheDocumentedThresholds() {
        DeadLetterBreakerSettings b = load(BASE, ENV).intake().deadLetterBreaker();

        assertThat(b).isEqualTo(DeadLetterBreakerSettings.defaults());
        assertThat(b.enabled()).isTrue();
        assertThat(b.ratio()).isEqualTo(0.9);
        assertThat(b.lastRecords()).isEqualTo(100);
        assertThat(b.minRecords()).isEqualTo(50);
        assertThat(b.coolDown()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void readsEverySettingFromTheFileAndTheEnvironment() {
        DeadLetterBreakerSettings b = load(BASE + """
                intake:
                  deadLetterBreaker:
                    ratio: 0.75
                    lastRecords: 40
                    minRecords: 20
                    window: PT1M
                    coolDown: PT30S
                """, Map.of("CONTOSO_SECRET", "x", "PBIEXPORT_INTAKE_DEAD_LETTER_BREAKER_ENABLED", "false"))
                .intake().deadLetterBreaker();

        assertThat(b).isEqualTo(new DeadLetterBreakerSettings(false, 0.75, 40, 20, Duration.ofMinutes(1),
                Duration.ofSeconds(30)));
    }

    @Test
    void refusesMoreMinimumRecordsThanItLooksAt() {
        ConfigException e = catchThrowableOfType(() -> load(BASE + """
                intake:
                  deadLetterBreaker:
                    lastRecords: 10
                """, ENV), ConfigException.class);

        assertThat(e).isNotNull();
        assertThat(String.join("\n", e.problems())).contains("intake.deadLetterBreaker.minRecords")
                .contains("intake.deadLetterBreaker.lastRecords");
    }

    @Test
    void keepsTheSettingThroughEveryWither() {
        WorkerConfig c = load(BASE, ENV).withIntake(new IntakeSettings(DeadLetterBreakerSettings.defaults()
                .withoutBreaker()));

        assertThat(c.withInstanceId("x").withLimits(c.limits()).withDelivery(c.delivery()).intake()
                .deadLetterBreaker().enabled()).isFalse();
    }
}
