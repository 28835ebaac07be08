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

/** The {@code sinks.targets.<alias>.email} section: defaults, password with login, addresses, the link sink. */
class EmailSinkConfigTest {

    private static final String EMAIL = BASE.replace("      filesystem:\n        root: /var/exports\n", """
                  email:
                    host: smtp.example.com
                    username: exporter
                    passwordEnv: SMTP_PASSWORD
                    from: exporter@example.com
                    to: finance@example.com, ceo@example.com
            """);

    private static final Map<String, String> ENV_WITH_PASSWORD = withEnv("SMTP_PASSWORD", "pw");

    @Test
    void loadsAnEmailSinkWithItsDefaults() {
        LoadedConfig loaded = ConfigLoader.loadFromString(EMAIL, true, "test.yaml", ENV_WITH_PASSWORD);

        SinkConfig.Email s = (SinkConfig.Email) loaded.config().sinks().targets().get("local");
        // defaults from the settings' documentation: port 587 with STARTTLS, 25 MiB attachments, 30 s / 60 s
        assertThat(s).isEqualTo(new SinkConfig.Email("smtp.example.com", 587, "starttls", Optional.of("exporter"),
                Optional.of("SMTP_PASSWORD"), Optional.empty(), "exporter@example.com",
                List.of("finance@example.com", "ceo@example.com"), List.of(), "Power BI export: {fileName}",
                25L * 1024 * 1024, Optional.empty(), Optional.empty(), Duration.ofSeconds(30), Duration.ofSeconds(60),
                Optional.empty()));
        assertThat(s.kind()).isEqualTo("email");
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void aUsernameNeedsExactlyOnePasswordSource() {
        assertThat(problems(EMAIL.replace("        passwordEnv: SMTP_PASSWORD\n", ""), ENV_WITH_PASSWORD))
                .containsExactly("sinks.targets.local.email needs a password (exactly one of passwordEnv or"
                        + " passwordFile) with a username, and neither without one; found username set and none");
        assertThat(problems(EMAIL.replace("        passwordEnv: SMTP_PASSWORD\n",
                "        passwordEnv: SMTP_PASSWORD\n        passwordFile: /run/secrets/smtp\n"), ENV_WITH_PASSWORD))
                .hasSize(1).first().asString().contains("found username set and passwordEnv and passwordFile");
    }

    @Test
    void anAddressThatIsNotOneIsNamedWithItsSetting() {
        assertThat(problems(EMAIL.replace("to: finance@example.com, ceo@example.com", "to: finance, ceo@example.com"),
                ENV_WITH_PASSWORD))
                .containsExactly("sinks.targets.local.email.to: 'finance' is not an e-mail address (name@domain)");
    }

    @Test
    void anUnknownSecurityIsRejectedAndNoneWarns() {
        assertThat(problems(EMAIL.replace("        from:", "        security: ssl\n        from:"), ENV_WITH_PASSWORD))
                .hasSize(1).first().asString().contains("sinks.targets.local.email.security");
        LoadedConfig loaded = ConfigLoader.loadFromString(EMAIL.replace("        from:",
                "        security: none\n        from:"), true, "test.yaml", ENV_WITH_PASSWORD);
        assertThat(loaded.warnings()).containsExactly("sinks.targets.local.email.security is none: the password and"
                + " the files cross the network in clear; use starttls or tls");
    }

    @Test
    void theLinkSinkMustBeAnotherConfiguredSinkThatStoresFiles() {
        String withLink = EMAIL.replace("        from:", "        linkSink: archive\n        from:")
                + "    archive:\n      filesystem:\n        root: /var/exports\n  defaultSink: local\n";
        SinkConfig.Email ok = (SinkConfig.Email) ConfigTexts.load(withLink, ENV_WITH_PASSWORD).sinks().targets()
                .get("local");
        assertThat(ok.linkSink()).contains("archive");

        assertThat(problems(withLink.replace("linkSink: archive", "linkSink: missing"), ENV_WITH_PASSWORD))
                .containsExactly("sinks.targets.local.email.linkSink names 'missing', which is not a configured"
                        + " sink; configured: local, archive");
        assertThat(problems(withLink.replace("linkSink: archive", "linkSink: local"), ENV_WITH_PASSWORD))
                .containsExactly("sinks.targets.local.email.linkSink names 'local', an e-mail sink; name a sink"
                        + " that stores files (filesystem, azureBlob, sftp or s3)");
    }

    @Test
    void readsSizesDurationsAndPaths() {
        String yaml = EMAIL.replace("        from:", "        port: 465\n        security: tls\n"
                + "        attachmentMaxBytes: 10MiB\n        trustStore: /etc/pbi/smtp-ca.pem\n        timeout: 5s\n"
                + "        spoolDirectory: /var/spool/pbi\n        cc: audit@example.com\n        from:");

        SinkConfig.Email s = (SinkConfig.Email) ConfigTexts.load(yaml, ENV_WITH_PASSWORD).sinks().targets()
                .get("local");

        assertThat(s.port()).isEqualTo(465);
        assertThat(s.security()).isEqualTo("tls");
        assertThat(s.attachmentMaxBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(s.trustStore()).contains(Path.of("/etc/pbi/smtp-ca.pem"));
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.spoolDirectory()).contains(Path.of("/var/spool/pbi"));
        assertThat(s.cc()).containsExactly("audit@example.com");
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
