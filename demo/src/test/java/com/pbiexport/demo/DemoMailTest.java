package com.pbiexport.demo;

import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.worker.config.SinkConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's mailbox on a real GreenMail server: the sink it hands the worker is explicit about {@code security: none},
 * and a received message is reported as matching only when its attachment hashes to the event's SHA-256. The event is
 * the contract's example, whose {@code sha256} is the SHA-256 of the four bytes "test"
 * ({@code printf test | sha256sum}).
 */
class DemoMailTest {
    private DemoMail mail;
    private final StringWriter printed = new StringWriter();

    @BeforeEach
    void start() {
        mail = DemoMail.start();
    }

    @AfterEach
    void stop() {
        mail.close();
    }

    @Test
    void sinkPointsAtTheLoopbackServerWithoutTlsAndSaysItIsDemoOnly() {
        SinkConfig.Email sink = mail.sink();
        assertThat(sink.host()).isEqualTo("127.0.0.1");
        assertThat(sink.port()).isEqualTo(mail.port()).isPositive();
        assertThat(sink.security()).isEqualTo("none").isNotEqualTo(SinkConfig.Email.DEFAULT_SECURITY);
        assertThat(sink.to()).containsExactly(DemoMail.TO);
        assertThat(mail.describe()).contains("127.0.0.1:" + mail.port()).contains("security: none (demo only")
                .contains("the default, starttls");
    }

    @Test
    void receivedAttachmentWithTheEventsHashIsReportedAsMatching() throws Exception {
        ExportCompleted event = example();
        send(event.requestId(), "test");

        assertThat(mail.printReceived(event, new PrintWriter(printed), false)).isTrue();

        assertThat(printed.toString()).startsWith("MAIL  " + event.requestId())
                .contains("to " + DemoMail.TO).contains("attachment invoice-may-2024.pdf (4 B)")
                .contains("SHA-256 matches the event's");
    }

    @Test
    void receivedAttachmentWithOtherBytesIsReportedAsNotMatching() throws Exception {
        ExportCompleted event = example();
        send(event.requestId(), "tesT");

        assertThat(mail.printReceived(event, new PrintWriter(printed), true)).isFalse();

        assertThat(printed.toString()).contains("\"type\":\"MailReceived\"").contains("\"received\":true")
                .contains("\"sha256MatchesEvent\":false").contains("\"sizeBytes\":4");
    }

    private void send(String requestId, String attachment) {
        GreenMailUtil.sendAttachmentEmail(DemoMail.TO, DemoMail.FROM, "Power BI export (" + requestId + ")", "demo",
                attachment.getBytes(StandardCharsets.US_ASCII), "application/pdf", "invoice-may-2024.pdf", "the file",
                new ServerSetup(mail.port(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    }

    private static ExportCompleted example() throws Exception {
        try (InputStream in = DemoMailTest.class.getResourceAsStream("/examples/ExportCompleted.pdf.json")) {
            assertThat(in).as("the contract's example").isNotNull();
            ExportCompleted event = EventCodec.shared().read(in.readAllBytes(), ExportCompleted.class);
            assertThat(event.file().sha256())
                    .isEqualTo("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
            return event;
        }
    }
}
