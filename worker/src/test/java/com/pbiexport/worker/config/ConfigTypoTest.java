package com.pbiexport.worker.config;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.pbiexport.worker.config.ConfigTexts.BASE;
import static com.pbiexport.worker.config.ConfigTexts.ENV;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Typos in PBIEXPORT_* variables never pass silently: the setting would keep its default (issue 13, item 6). */
class ConfigTypoTest {

    private static List<String> problems(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(ENV);
        env.putAll(extra);
        ConfigException e = catchThrowableOfType(() -> ConfigLoader.loadFromString(BASE, true, "t.yaml", env),
                ConfigException.class);
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e.problems();
    }

    @Test
    void aMistypedVariableIsAnErrorNamingTheClosestSetting() {
        assertThat(problems(Map.of("PBIEXPORT_LIMITS_MAX_INFLIGHT", "8"))).containsExactly(
                "environment variable PBIEXPORT_LIMITS_MAX_INFLIGHT names no setting (did you mean "
                        + "PBIEXPORT_LIMITS_MAX_IN_FLIGHT?); remove it or use a variable listed in docs/CONFIGURATION.md");
    }

    @Test
    void theVariableOfARemovedSettingStopsStartUpNamingItsReplacement() {
        assertThat(problems(Map.of("PBIEXPORT_HTTP_RETRY_AFTER_FALLBACK", "3s"))).containsExactly(
                "environment variable PBIEXPORT_HTTP_RETRY_AFTER_FALLBACK sets a removed setting: "
                        + "http.retryAfterFallback was removed: it was never read: a 429 without a valid Retry-After "
                        + "waits limits.pollFallbackInterval; remove it (set limits.pollFallbackInterval instead)");
    }

    @Test
    void aVariableFarFromEverySettingGetsNoGuess() {
        assertThat(problems(Map.of("PBIEXPORT_COMPLETELY_DIFFERENT_THING", "x"))).containsExactly(
                "environment variable PBIEXPORT_COMPLETELY_DIFFERENT_THING names no setting; remove it or use a "
                        + "variable listed in docs/CONFIGURATION.md");
    }

    @Test
    void everyTyposIsReportedAtOnce() {
        assertThat(problems(Map.of("PBIEXPORT_ADMIN_PROT", "1", "PBIEXPORT_LOGING_JSON", "true")))
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("PBIEXPORT_ADMIN_PROT").contains("PBIEXPORT_ADMIN_PORT"))
                .anySatisfy(p -> assertThat(p).contains("PBIEXPORT_LOGING_JSON").contains("PBIEXPORT_LOGGING_JSON"));
    }

    @Test
    void knownVariablesKafkaPassThroughAndVariablesTheFileNamesAreAccepted() {
        String yaml = BASE.replace("env: CONTOSO_SECRET", "env: PBIEXPORT_CONTOSO_SECRET");
        Map<String, String> env = new HashMap<>(ENV);
        env.putAll(Map.of("PBIEXPORT_CONTOSO_SECRET", "s3cr3t", "PBIEXPORT_LIMITS_MAX_IN_FLIGHT", "8",
                "PBIEXPORT_KAFKA_SASL_MECHANISM", "PLAIN", "OTHER_APP_VARIABLE", "ignored"));
        WorkerConfig c = ConfigLoader.loadFromString(yaml, true, "t.yaml", env).config();
        assertThat(c.limits().maxInFlight()).isEqualTo(8);
        assertThat(c.kafka().common()).containsEntry("sasl.mechanism", "PLAIN");
    }

    @Test
    void distanceIsLevenshtein() {
        assertThat(DidYouMean.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(DidYouMean.distance("", "abc")).isEqualTo(3);
        assertThat(DidYouMean.closest("sasl.mechansim", List.of("sasl.mechanism", "ssl.protocol")))
                .contains("sasl.mechanism");
    }
}
