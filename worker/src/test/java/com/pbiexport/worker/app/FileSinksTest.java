package com.pbiexport.worker.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.net.ProxyConfig;
import com.pbiexport.worker.storage.FileSink;
import com.pbiexport.worker.storage.SftpSink;
import com.pbiexport.worker.storage.SinkResult;
import com.pbiexport.worker.storage.StoreRequest;
import com.pbiexport.worker.storage.SftpTestServer;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the composition root turns a sink's settings into a sink: where its secret comes from, and an e-mail sink's
 * link sink.
 */
class FileSinksTest {

    @TempDir
    Path temp;

    @Test
    void aPasswordFileWithATrailingNewlineLogsIn() throws Exception {
        Path passwordFile = Files.writeString(temp.resolve("pw"), SftpTestServer.PASSWORD + "\n");
        try (SftpTestServer server = SftpTestServer.start(Files.createDirectories(temp.resolve("server")))) {
            FileSink sink = FileSinks.build(Map.of("partner", sftp(server.port(), Optional.empty(),
                    Optional.of(passwordFile), Optional.of(server.knownHosts(temp)))), Map.of(), ProxyConfig.direct(), FileSinks.Use.WORKER)
                    .get("partner");
            try {
                sink.checkReady();
                assertThat(server.root().resolve("in")).isDirectory();
            } finally {
                ((SftpSink) sink).close();
            }
        }
    }

    @Test
    void anUnsetPasswordVariableIsNamedAtStartUp() {
        SinkConfig s = sftp(22, Optional.of("SFTP_PW"), Optional.empty(), Optional.of(temp.resolve("known_hosts")));

        assertThatThrownBy(() -> FileSinks.build(Map.of("partner", s), Map.of(), ProxyConfig.direct(), FileSinks.Use.WORKER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SFTP sink 127.0.0.1: environment variable SFTP_PW (sftp.passwordEnv) is not set");
    }

    private static SinkConfig sftp(int port, Optional<String> pwEnv, Optional<Path> pwFile, Optional<Path> knownHosts) {
        return new SinkConfig.Sftp("127.0.0.1", port, SftpTestServer.USER, "/in", pwEnv, pwFile, Optional.empty(),
                Optional.empty(), knownHosts, false, Duration.ofSeconds(20), 1);
    }

    @Test
    void anEmailPasswordFileWithATrailingNewlineLogsInAndLargeFilesGoToTheLinkSink() throws Exception {
        Path passwordFile = Files.writeString(temp.resolve("smtp-pw"), "mail-pw\n");
        GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort())
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("exporter@example.com", "exporter",
                        "mail-pw"));
        mail.start();
        try {
            Map<String, SinkConfig> targets = new LinkedHashMap<>();
            targets.put("mail", email(mail.getSmtp().getPort(), Optional.empty(), Optional.of(passwordFile),
                    Optional.of("archive")));
            targets.put("archive", new SinkConfig.Filesystem(Files.createDirectories(temp.resolve("archive"))));
            Map<String, FileSink> sinks = FileSinks.build(targets, Map.of(), ProxyConfig.direct(), FileSinks.Use.WORKER);

            assertThat(sinks.keySet()).containsExactly("mail", "archive"); // configuration order kept
            sinks.get("mail").checkReady();
            SinkResult r = sinks.get("mail").store(new StoreRequest("req-1", "contoso", "contoso/req-1.pdf",
                    "application/pdf", 2000, 10_000), new ByteArrayInputStream(new byte[2000]));

            assertThat(r.uri()).isEqualTo(temp.resolve("archive/contoso/req-1.pdf").toUri());
            assertThat(mail.waitForIncomingEmail(10_000, 1)).isTrue();
        } finally {
            mail.stop();
        }
    }

    @Test
    void anUnsetEmailPasswordVariableIsNamedAtStartUp() {
        SinkConfig s = email(587, Optional.of("SMTP_PASSWORD"), Optional.empty(), Optional.empty());

        assertThatThrownBy(() -> FileSinks.build(Map.of("mail", s), Map.of(), ProxyConfig.direct(), FileSinks.Use.WORKER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("E-mail sink 127.0.0.1: environment variable SMTP_PASSWORD (email.passwordEnv) is not set");
    }

    private SinkConfig email(int port, Optional<String> pwEnv, Optional<Path> pwFile, Optional<String> linkSink) {
        return new SinkConfig.Email("127.0.0.1", port, "none", Optional.of("exporter"), pwEnv, pwFile,
                "exporter@example.com", List.of("finance@example.com"), List.of(), "Export {fileName}", 1000, linkSink,
                Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(10), Optional.of(temp));
    }
}
