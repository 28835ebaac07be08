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
    void helpIsNotAnError() throws Exception {
        assertThat(DevStackMain.parse(List.of("--help"))).isNull();
    }
}
