package com.pbiexport.devstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DevStackMainTest {

    @Test
    void defaultsToTheBuiltInScenarioWithKafka() throws Exception {
        DevStackMain.Options o = DevStackMain.parse(List.of());
        assertThat(o.scenario().name()).isEqualTo("default");
        assertThat(o.kafka()).isTrue();
        assertThat(o.faults().forced429Count()).isZero();
    }

    @Test
    void readsNoKafkaFaultsAndScenarioFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.json");
        Files.writeString(file, "{\"name\":\"mine\",\"tenants\":[]}");
        DevStackMain.Options o = DevStackMain.parse(List.of("--no-kafka", "--faults", "{\"forced429Count\":4}",
                "--scenario", file.toString()));
        assertThat(o.kafka()).isFalse();
        assertThat(o.faults().forced429Count()).isEqualTo(4);
        assertThat(o.scenario().name()).isEqualTo("mine");
    }

    @Test
    void rejectsUnknownArgumentsMissingValuesAndBadFiles(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> DevStackMain.parse(List.of("--kafka"))).hasMessage("unknown argument '--kafka'");
        assertThatThrownBy(() -> DevStackMain.parse(List.of("--scenario"))).hasMessage("--scenario needs a value");
        assertThatThrownBy(() -> DevStackMain.parse(List.of("--faults", "--no-kafka"))).hasMessage("--faults needs a value");
        assertThatThrownBy(() -> DevStackMain.parse(List.of("--scenario", dir.resolve("none.json").toString())))
                .hasMessageContaining("no such file");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"name\":\"x\",\"surprise\":1}");
        assertThatThrownBy(() -> DevStackMain.parse(List.of("--scenario", bad.toString())))
                .hasMessageContaining("surprise");
    }

    @Test
    void theProfileIsRealisticUnlessTheScenarioOrTheCommandLineSaysCleanAndTheCommandLineWins(@TempDir Path dir)
            throws Exception {
        assertThat(DevStackMain.parse(List.of()).scenario().simProfile()).isEmpty(); // the builder's default: realistic
        assertThat(DevStack.builder().realism().profile()).isEqualTo(com.pbiexport.devstack.sim.SimProfile.REALISTIC);
        Path file = dir.resolve("s.json");
        Files.writeString(file, "{\"name\":\"mine\",\"tenants\":[],\"profile\":\"clean\",\"seed\":7}");
        DevStackMain.Options fromFile = DevStackMain.parse(List.of("--scenario", file.toString()));
        assertThat(fromFile.scenario().simProfile()).contains(com.pbiexport.devstack.sim.SimProfile.CLEAN);
        assertThat(fromFile.scenario().seed()).isEqualTo(7L);
        DevStackMain.Options overridden = DevStackMain.parse(List.of("--scenario", file.toString(),
                "--profile", "realistic", "--seed", "42"));
        assertThat(overridden.scenario().simProfile()).contains(com.pbiexport.devstack.sim.SimProfile.REALISTIC);
        assertThat(overridden.scenario().seed()).isEqualTo(42L);
        assertThatThrownBy(() -> DevStackMain.parse(List.of("--profile", "messy")))
                .hasMessage("--profile must be 'realistic' or 'clean', was 'messy'");
        assertThatThrownBy(() -> DevStackMain.parse(List.of("--seed", "x")))
                .hasMessage("--seed must be an integer, was 'x'");
    }

    @Test
    void helpIsNotAnError() throws Exception {
        assertThat(DevStackMain.parse(List.of("--help"))).isNull();
    }
}
