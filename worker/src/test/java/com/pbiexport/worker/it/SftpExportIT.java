package com.pbiexport.worker.it;

import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.contracts.OutputSpec;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.app.WorkerApp;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.config.Sinks;
import com.pbiexport.worker.storage.SftpTestServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One export end to end into an SFTP server: real broker, real simulator, real SSH server on loopback; the worker's
 * shutdown closes the sink, so its pooled SSH connections end with it.
 */
class SftpExportIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    @Test
    void exportsAPdfToTheSftpServerAndTheEventPointsAtTheUploadedFile() throws Exception {
        Path passwordFile = Files.writeString(temp.resolve("sftp-password"), SftpTestServer.PASSWORD + "\n");
        try (SftpTestServer server = SftpTestServer.start(Files.createDirectories(temp.resolve("server")));
             WorkerHarness harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(200))) {
            SinkConfig sftp = new SinkConfig.Sftp("127.0.0.1", server.port(), SftpTestServer.USER, "/drop",
                    Optional.empty(), Optional.of(passwordFile), Optional.empty(), Optional.empty(),
                    Optional.of(server.knownHosts(temp)), false, Duration.ofSeconds(20), 2);
            try (Lane lane = harness.lane("sftp", cfg -> cfg.withSinks(Sinks.single("partner", sftp)))) {
                WorkerApp worker = lane.startWorker();
                ExportRequested r = ExportRequested.builder("it-" + UUID.randomUUID(), DemoStack.CONTOSO, SALES_WS,
                        SALES_REPORT, ExportFormat.PDF).output(OutputSpec.fileName("Sales over SFTP")).build();

                ExportCompleted c = lane.publishAndAwait(r, TIMEOUT).completed();

                URI uri = URI.create(c.file().uri());
                assertThat(uri.getScheme()).isEqualTo("sftp");
                assertThat(uri.getPort()).isEqualTo(server.port());
                assertThat(uri.getPath()).startsWith("/drop/");
                byte[] bytes = Files.readAllBytes(server.root().resolve(uri.getPath().substring(1)));
                assertThat(ItFiles.sha256(bytes)).isEqualTo(c.file().sha256());
                assertThat(bytes.length).isEqualTo((int) c.file().sizeBytes());
                assertThat(new String(bytes, 0, 5, StandardCharsets.ISO_8859_1)).isEqualTo("%PDF-");
                assertThat(c.file().fileName()).contains("Sales over SFTP");

                assertThat(server.openSessions()).as("the sink's pool keeps its connection while the worker runs")
                        .isPositive();
                worker.close();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.openSessions())
                        .as("SSH sessions after the worker stopped").isZero());
            }
        }
    }
}
