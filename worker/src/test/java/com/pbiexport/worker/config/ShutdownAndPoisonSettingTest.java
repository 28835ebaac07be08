package com.pbiexport.worker.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static com.pbiexport.worker.config.ConfigTexts.BASE;
import static com.pbiexport.worker.config.ConfigTexts.ENV;
import static com.pbiexport.worker.config.ConfigTexts.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code shutdown.drainTimeout} and {@code intake.poisonAfterCrashes}: defaults as documented, set, validated. */
class ShutdownAndPoisonSettingTest {
    @Test
    void defaultsAreTwentySecondsOfDrainAndThreeCrashes() {
        IntakeSettings intake = load(BASE, ENV).intake();

        assertThat(intake.drainTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(intake.poisonAfterCrashes()).isEqualTo(3);
    }

    @Test
    void areSetFromTheFileOrTheEnvironment() {
        IntakeSettings fromFile = load(BASE + "shutdown:\n  drainTimeout: 45s\nintake:\n  poisonAfterCrashes: 5\n", ENV)
                .intake();
        IntakeSettings fromEnv = load(BASE, Map.of("CONTOSO_SECRET", "x", "PBIEXPORT_SHUTDOWN_DRAIN_TIMEOUT", "2m",
                "PBIEXPORT_INTAKE_POISON_AFTER_CRASHES", "0")).intake();

        assertThat(fromFile.drainTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(fromFile.poisonAfterCrashes()).isEqualTo(5);
        assertThat(fromEnv.drainTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(fromEnv.poisonAfterCrashes()).as("0 turns the check off").isZero();
    }

    @Test
    void rejectsAZeroDrainAndANegativeThresholdNamingBothSettings() {
        ConfigException e = catchThrowableOfType(() -> load(BASE
                + "shutdown:\n  drainTimeout: 0s\nintake:\n  poisonAfterCrashes: -1\n", ENV), ConfigException.class);

        assertThat(e).isNotNull();
        assertThat(String.join("\n", e.problems()))
                .contains("shutdown.drainTimeout (PBIEXPORT_SHUTDOWN_DRAIN_TIMEOUT) must be longer than zero, was PT0S")
                .contains("intake.poisonAfterCrashes (PBIEXPORT_INTAKE_POISON_AFTER_CRASHES) must be at least 0, was -1");
    }
}
