package com.pbiexport.worker.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The e-mail sink against a scripted SMTP server on loopback: STARTTLS end to end (GreenMail has no STARTTLS),
 * the server's SIZE checked by {@code checkReady}, and the answers GreenMail does not give (421, 451, 550, 552),
 * each classified with SMTP's rule (4xx retryable, 5xx not) and the fix.
 */
class EmailRefusalsIT {

    @TempDir
    static Path certs;
    @TempDir
    Path spool;
    private static ScriptedSmtpServer.Identity identity;
    private ScriptedSmtpServer server;

    @BeforeAll
    static void makeCertificate() throws Exception {
        identity = ScriptedSmtpServer.Identity.create(certs);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private EmailSink sink(EmailSettings.Security security, long attachmentMax, Map<String, String> replies,
                           long advertisedSize) throws Exception {
        server = new ScriptedSmtpServer(identity.context(), true, advertisedSize, replies);
        return new EmailSink(new EmailSettings("127.0.0.1", server.port(), security, Optional.of("exporter"),
                Optional.of(ScriptedSmtpServer.PASSWORD), "exporter@example.com", List.of("finance@example.com"),
                List.of(), "Export {fileName}", attachmentMax, Optional.of(identity.pem()), Duration.ofSeconds(5),
                Duration.ofSeconds(10), spool), Optional.empty(), Clock.systemUTC());
    }

    private static StoreRequest request(int length) {
        return new StoreRequest("req-r", "contoso", "contoso/req-r.pdf", "application/pdf", length, 1 << 20);
    }

    @Test
    void starttlsEncryptsBeforeTheLoginAndTheAttachmentArrivesIntact() throws Exception {
        EmailSink sink = sink(EmailSettings.Security.STARTTLS, 1 << 20, Map.of(), 0);
        byte[] content = FilesystemSinkTest.randomBytes(200_000, 51);

        SinkResult r = sink.store(request(content.length), new ByteArrayInputStream(content));

        assertThat(server.transcript).containsSubsequence("EHLO", "STARTTLS", "TLS", "EHLO", "AUTH", "MAIL", "DATA");
        assertThat(server.transcript.indexOf("TLS")).isLessThan(server.transcript.indexOf("AUTH"));
        assertThat(server.messages).hasSize(1);
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(server.messages.get(0)));
        byte[] back;
        try (InputStream in = EmailSinkIT.attachmentOf(m).getInputStream()) {
            back = in.readAllBytes();
        }
        assertThat(back).isEqualTo(content);
        assertThat(r.sha256Hex()).isEqualTo(FilesystemSinkTest.sha256(content));
    }

    @Test
    void checkReadyOverStarttlsSendsNothing() throws Exception {
        EmailSink sink = sink(EmailSettings.Security.STARTTLS, 1 << 20, Map.of(), 0);

        sink.checkReady();

        assertThat(server.transcript).contains("TLS", "AUTH").doesNotContain("MAIL", "DATA");
    }

    @Test
    void checkReadyFailsWhenTheServersSizeLimitIsBelowTheAttachmentLimit() throws Exception {
        // 1 MiB attachments make messages of about 1.4 MB (base64), above the advertised 1,000,000 bytes
        EmailSink sink = sink(EmailSettings.Security.STARTTLS, 1 << 20, Map.of(), 1_000_000);

        assertThatThrownBy(sink::checkReady).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
            assertThat(e.getMessage()).contains("accepts messages up to 1000000 bytes (EHLO SIZE)")
                    .contains("attachmentMaxBytes");
        });
    }

    @Test
    void aMessageTooLargeForTheServer552IsRejectedNamingTheAttachmentLimitAndTheLinkSink() throws Exception {
        EmailSink sink = sink(EmailSettings.Security.STARTTLS, 1 << 20,
                Map.of("DATA-END", "552 5.3.4 Message size exceeds fixed maximum message size"), 0);

        assertThatThrownBy(() -> sink.store(request(5000), new ByteArrayInputStream(new byte[5000])))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
                    assertThat(e.getMessage()).contains("answered 552").contains("attachmentMaxBytes")
                            .contains("linkSink");
                });
        assertThat(server.messages).isEmpty();
        assertThat(spool).isEmptyDirectory();
    }

    @Test
    void aRefusedRecipient550IsRejectedNamingTheRecipientAndTheSetting() throws Exception {
        EmailSink sink = sink(EmailSettings.Security.STARTTLS, 1 << 20,
                Map.of("RCPT", "550 5.1.1 <finance@example.com>: Recipient address rejected: User unknown"), 0);

        assertThatThrownBy(() -> sink.store(request(10), new ByteArrayInputStream(new byte[10])))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
                    assertThat(e.getMessage()).contains("refused the recipient finance@example.com (550")
                            .contains("sinks.*.email.to / cc");
                });
        assertThat(server.transcript).doesNotContain("DATA");
    }

    @Test
    void aServerThatIsBusy421AtTheGreetingIsUnavailableAndRetryable() throws Exception {
        EmailSink sink = sink(EmailSettings.Security.STARTTLS, 1 << 20,
                Map.of("GREETING", "421 4.3.2 Service not available, closing transmission channel"), 0);

        assertThatThrownBy(() -> sink.store(request(10), new ByteArrayInputStream(new byte[10])))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.UNAVAILABLE);
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void aTemporaryFailureAfterTheData451IsUnavailableAndRetryable() throws Exception {
        EmailSink sink = sink(EmailSettings.Security.STARTTLS, 1 << 20,
                Map.of("DATA-END", "451 4.3.0 Temporary local problem, try again later"), 0);

        assertThatThrownBy(() -> sink.store(request(10), new ByteArrayInputStream(new byte[10])))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("answered 451");
                });
        assertThat(server.messages).isEmpty();
    }
}
