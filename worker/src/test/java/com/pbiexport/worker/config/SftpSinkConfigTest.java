package com.pbiexport.worker.config;

import static com.pbiexport.worker.config.ConfigTexts.BASE;
import static com.pbiexport.worker.config.ConfigTexts.ENV;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code sinks.targets.<alias>.sftp} section: defaults, exactly one credential, host keys verified. */
class SftpSinkConfigTest {

    private static final String SFTP = BASE.replace("      filesystem:\n        root: /var/exports\n", """
                  sftp:
                    host: sftp.example.com
                    username: pbi
                    passwordEnv: SFTP_PASSWORD
                    knownHostsFile: /etc/pbi/known_hosts
            """);

    private static final Map<String, String> ENV_WITH_PASSWORD = withEnv("SFTP_PASSWORD", "pw");

    @Test
    void loadsAnSftpSinkWithItsDefaults() {
        LoadedConfig loaded = ConfigLoader.loadFromString(SFTP, true, "test.yaml", ENV_WITH_PASSWORD);

        SinkConfig.Sftp s = (SinkConfig.Sftp) loaded.config().sinks().targets().get("local");
        assertThat(s).isEqualTo(new SinkConfig.Sftp("sftp.example.com", 22, "pbi", "", Optional.of("SFTP_PASSWORD"),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(Path.of("/etc/pbi/known_hosts")),
                false, Duration.ofSeconds(30), 4));
        assertThat(s.kind()).isEqualTo("sftp");
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void requiresTheKnownHostsFileNamingHowToCreateIt() {
        assertThat(problems(SFTP.replace("        knownHostsFile: /etc/pbi/known_hosts\n", ""), ENV_WITH_PASSWORD))
                .containsExactly("sinks.targets.local.sftp.knownHostsFile is required to verify the server's host"
                        + " key: create it with ssh-keyscan -p <port> <host> > known_hosts (check the fingerprint"
                        + " with the server's owner)");
    }

    @Test
    void theInsecureOptOutLoadsButWarnsLoudly() {
        String yaml = SFTP.replace("        knownHostsFile: /etc/pbi/known_hosts\n",
                "        insecureAcceptAnyHostKey: true\n");

        LoadedConfig loaded = ConfigLoader.loadFromString(yaml, true, "test.yaml", ENV_WITH_PASSWORD);

        assertThat(((SinkConfig.Sftp) loaded.config().sinks().targets().get("local")).insecureAcceptAnyHostKey())
                .isTrue();
        assertThat(loaded.warnings()).containsExactly("sinks.targets.local.sftp.insecureAcceptAnyHostKey is true:"
                + " the server's identity is NOT verified, anyone on the network path can read and alter the files;"
                + " set sinks.targets.local.sftp.knownHostsFile instead");
    }

    @Test
    void rejectsTwoCredentialsAndNone() {
        assertThat(problems(SFTP.replace("        passwordEnv: SFTP_PASSWORD\n",
                "        passwordEnv: SFTP_PASSWORD\n        privateKeyFile: /etc/pbi/id_ed25519\n"), ENV_WITH_PASSWORD))
                .containsExactly("sinks.targets.local.sftp must set exactly one of passwordEnv, passwordFile or"
                        + " privateKeyFile; found passwordEnv and privateKeyFile");
        assertThat(problems(SFTP.replace("        passwordEnv: SFTP_PASSWORD\n", ""), ENV_WITH_PASSWORD))
                .containsExactly("sinks.targets.local.sftp must set exactly one of passwordEnv, passwordFile or"
                        + " privateKeyFile; found none");
    }

    @Test
    void rejectsAPortOutOfRangeNamingTheSetting() {
        assertThat(problems(SFTP.replace("        username: pbi\n", "        username: pbi\n        port: 0\n"),
                ENV_WITH_PASSWORD)).hasSize(1).first().asString().contains("sinks.targets.local.sftp.port");
    }

    @Test
    void warnsWhenThePasswordVariableIsNotSet() {
        LoadedConfig loaded = ConfigLoader.loadFromString(SFTP, true, "test.yaml", ENV);

        assertThat(loaded.warnings()).containsExactly(
                "sinks.targets.local.sftp.passwordEnv names environment variable SFTP_PASSWORD, which is not set");
    }

    private static List<String> problems(String yaml, Map<String, String> env) {
        ConfigException e = catchThrowableOfType(() -> ConfigLoader.loadFromString(yaml, true, "test.yaml", env),
                ConfigException.class);
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e.problems();
    }

    private static Map<String, String> withEnv(String k, String v) {
        Map<String, String> m = new HashMap<>(ENV);
        m.put(k, v);
        return m;
    }
}
