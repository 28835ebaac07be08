package com.pbiexport.worker.it;

import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.contracts.OutputSpec;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.config.Sinks;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One export end to end by e-mail: real broker, real simulator, real SMTP server (GreenMail) on loopback. */
class EmailExportIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    @Test
    void exportsAPdfByMailAndTheEventsHashMatchesTheReceivedAttachment() throws Exception {
        Path passwordFile = Files.writeString(temp.resolve("smtp-password"), "mail-pw\n");
        GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort())
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("exporter@example.com", "exporter",
                        "mail-pw"));
        mail.start();
        try (WorkerHarness harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(200))) {
            SinkConfig email = new SinkConfig.Email("127.0.0.1", mail.getSmtp().getPort(), "none",
                    Optional.of("exporter"), Optional.empty(), Optional.of(passwordFile), "exporter@example.com",
                    List.of("finance@example.com"), List.of(), "Export {fileName} ({requestId})",
                    SinkConfig.Email.DEFAULT_ATTACHMENT_MAX_BYTES, Optional.empty(), Optional.empty(),
                    Duration.ofSeconds(10), Duration.ofSeconds(20), Optional.of(temp));
            try (Lane lane = harness.lane("email", cfg -> cfg.withSinks(Sinks.single("finance", email)))) {
                lane.startWorker();
                String requestId = "it-" + UUID.randomUUID();
                ExportRequested r = ExportRequested.builder(requestId, DemoStack.CONTOSO, SALES_WS, SALES_REPORT,
                        ExportFormat.PDF).output(OutputSpec.fileName("Sales by mail")).build();

                ExportCompleted c = lane.publishAndAwait(r, TIMEOUT).completed();

                assertThat(mail.waitForIncomingEmail(10_000, 1)).isTrue();
                MimeMessage received = mail.getReceivedMessages()[0];
                assertThat(received.getSubject()).contains("Sales by mail").contains(requestId);
                URI uri = URI.create(c.file().uri());
                assertThat(uri.getScheme()).isEqualTo("mid");
                assertThat("<" + uri.getSchemeSpecificPart().split("/")[0] + ">").isEqualTo(received.getMessageID());
                byte[] bytes;
                try (InputStream in = attachment(received).getInputStream()) {
                    bytes = in.readAllBytes();
                }
                assertThat(ItFiles.sha256(bytes)).isEqualTo(c.file().sha256());
                assertThat(bytes.length).isEqualTo((int) c.file().sizeBytes());
                assertThat(new String(bytes, 0, 5, StandardCharsets.ISO_8859_1)).isEqualTo("%PDF-");
                assertThat(c.file().fileName()).contains("Sales by mail");
            }
        } finally {
            mail.stop();
        }
    }

    private static BodyPart attachment(MimeMessage m) throws Exception {
        Multipart mp = (Multipart) m.getContent();
        for (int i = 0; i < mp.getCount(); i++) {
            if (Part.ATTACHMENT.equalsIgnoreCase(mp.getBodyPart(i).getDisposition())) {
                return mp.getBodyPart(i);
            }
        }
        throw new AssertionError("no attachment");
    }
}
