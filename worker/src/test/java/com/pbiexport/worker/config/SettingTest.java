package com.pbiexport.worker.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SettingTest {

    @Test
    void derivesEnvironmentVariableNamesInUpperSnakeCase() {
        assertThat(Setting.envVarFor("limits.maxInFlight")).isEqualTo("PBIEXPORT_LIMITS_MAX_IN_FLIGHT");
        assertThat(Setting.envVarFor("instanceId")).isEqualTo("PBIEXPORT_INSTANCE_ID");
        assertThat(Settings.byPath("kafka.bootstrapServers").flatMap(Setting::envVar))
                .contains("PBIEXPORT_KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void perAliasSettingsAndPropertyMapsHaveNoEnvironmentVariable() {
        assertThat(Settings.byPath("tenants.<alias>.tenantId").flatMap(Setting::envVar)).isEmpty();
        assertThat(Settings.byPath("kafka.common").flatMap(Setting::envVar)).isEmpty();
    }

    @Test
    void catalogueHasUniquePathsAndEnvironmentVariables() {
        Set<String> paths = new HashSet<>();
        Set<String> envs = new HashSet<>();
        for (Setting s : Settings.all()) {
            assertThat(paths.add(s.path())).as("duplicate path %s", s.path()).isTrue();
            s.envVar().ifPresent(e -> assertThat(envs.add(e)).as("duplicate env %s", e).isTrue());
            assertThat(s.documentation()).as("documentation of %s", s.path()).isNotBlank();
        }
    }

    @Test
    void everyDefaultPassesItsOwnChecks() {
        for (Setting s : Settings.all()) {
            s.defaultValue().ifPresent(v -> s.checks().forEach(c ->
                    assertThat(c.problem(v)).as("default of %s", s.path()).isEmpty()));
        }
    }

    @Test
    void configurationDocumentContainsTheGeneratedTableVerbatim() throws Exception {
        String doc = Files.readString(Path.of("../docs/CONFIGURATION.md"));

        assertThat(doc).as("docs/CONFIGURATION.md is out of date: regenerate the table with"
                + " com.pbiexport.worker.config.ConfigDocs").contains(ConfigDocs.markdownTable());
    }

    @Test
    void readmeContainsTheGeneratedTableVerbatim() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));

        assertThat(readme).as("README.md's configuration table is out of date: copy the generated table from"
                + " docs/CONFIGURATION.md (com.pbiexport.worker.config.ConfigDocs)").contains(ConfigDocs.markdownTable());
    }

    @Test
    void tableHasARowPerSetting() {
        String table = ConfigDocs.markdownTable();

        assertThat(table.lines().count()).isEqualTo(Settings.all().size() + 2L);
        assertThat(table).contains("| `limits.maxInFlight` | `PBIEXPORT_LIMITS_MAX_IN_FLIGHT` | integer (>= 1) |"
                + " `64` |");
    }
}
