package com.pbiexport.worker.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.net.ProxyConfig;
import com.pbiexport.worker.storage.FileSink;
import com.pbiexport.worker.storage.SftpSink;
import com.pbiexport.worker.storage.SftpTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the composition root turns an SFTP sink's settings into a sink: where its secret comes from. */
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
}
