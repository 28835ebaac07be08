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
    void listensOnLoopbackOnRandomPortsUnlessTold() throws Exception {
        DevStackMain.Options o = DevStackMain.parse(List.of());
        assertThat(o.bindAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(o.advertisedHost()).isEmpty();
        assertThat(o.ports()).isEqualTo(Ports.RANDOM);
        assertThat(o.exposureWarning()).isEmpty();
        assertThat(o.tlsDir()).isEmpty();  // plain http unless --tls-dir
    }

    @Test
    void readsTheTlsDirectory() throws Exception {
        assertThat(DevStackMain.parse(List.of("--tls-dir", "/run/devstack/tls")).tlsDir())
                .contains(Path.of("/run/devstack/tls"));
        assertThatThrownBy(() -> DevStackMain.parse(List.of("--tls-dir"))).hasMessage("--tls-dir needs a value");
    }

    @Test
    void readsTheBindAddressAdvertisedHostAndFixedPorts() throws Exception {
        DevStackMain.Options o = DevStackMain.parse(List.of("--bind-address", "0.0.0.0", "--advertised-host",
                "devstack", "--kafka-port", "9092", "--entra-port", "8081", "--powerbi-port", "8082",
                "--admin-port", "8083"));
        assertThat(o.bindAddress().getHostAddress()).isEqualTo("0.0.0.0");
        assertThat(o.advertisedHost()).contains("devstack");
        assertThat(o.ports()).isEqualTo(new Ports(9092, 8081, 8082, 8083));
        assertThat(o.exposureWarning()).hasValueSatisfying(w -> assertThat(w)
                .contains("0.0.0.0").contains("reachable from the network").doesNotContain("\n"));
    }

    @Test
    void badNetworkValuesNameTheirOption() {
        for (String option : List.of("--kafka-port", "--entra-port", "--powerbi-port", "--admin-port")) {
            assertThatThrownBy(() -> DevStackMain.parse(List.of(option, "65536")))
                    .hasMessage(option + " must be a port 1-65535 (0: random), was '65536'");
            assertThatThrownBy(() -> DevStackMain.parse(List.of(option, "-1"))).hasMessageStartingWith(option + " ");
            assertThatThrownBy(() -> DevStackMain.parse(List.of(option, "http"))).hasMessageStartingWith(option + " ");
            assertThatThrownBy(() -> DevStackMain.parse(List.of(option))).hasMessage(option + " needs a value");
        }
        assertThatThrownBy(() -> DevStackMain.parse(List.of("--bind-address", " ")))
                .hasMessageStartingWith("--bind-address ");
        assertThatThrownBy(() -> DevStackMain.parse(List.of("--bind-address", "no such host.invalid")))
                .hasMessageStartingWith("--bind-address ");
        assertThatThrownBy(() -> DevStackMain.parse(List.of("--advertised-host", "a b")))
                .hasMessageStartingWith("--advertised-host ");
    }

    @Test
    void helpIsNotAnError() throws Exception {
        assertThat(DevStackMain.parse(List.of("--help"))).isNull();
    }
}
