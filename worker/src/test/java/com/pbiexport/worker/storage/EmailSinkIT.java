package com.pbiexport.worker.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The e-mail sink against a real SMTP server (GreenMail: SMTP and SMTPS with AUTH) on loopback ports. */
class EmailSinkIT {

    private static final long MiB = 1024 * 1024;
    private static final String USER = "exporter";
    private static final String PASSWORD = "s3cret-smtp-pw";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path temp;
    private GreenMail mail;

    @AfterEach
    void stop() {
        if (mail != null) {
            mail.stop();
        }
    }

    private GreenMail start(String protocol) {
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", protocol).dynamicPort())
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("exporter@example.com", USER, PASSWORD));
        mail.start();
        return mail;
    }

    private int port() {
        return mail.getSmtp() != null ? mail.getSmtp().getPort() : mail.getSmtps().getPort();
    }

    private EmailSettings settings(EmailSettings.Security security, String password, long attachmentMax,
                                   Optional<Path> trustStore) {
        return new EmailSettings("127.0.0.1", port(), security, Optional.of(USER), Optional.of(password),
                "exporter@example.com", List.of("finance@example.com"), List.of("audit@example.com"),
                "Report {fileName} for {tenant}", attachmentMax, trustStore, Duration.ofSeconds(5),
                Duration.ofSeconds(10), temp);
    }

    private static StoreRequest request(String requestId, long length) {
        return new StoreRequest(requestId, "contoso", "contoso/2026/12/04/" + requestId + "-Sales.pdf",
                "application/pdf", length, 64 * MiB);
    }

    @Test
    void sendsTheFileAsAnAttachmentToEveryRecipientAndTheBytesAndHashMatch() throws Exception {
        start("smtp");
        EmailSink sink = new EmailSink(settings(EmailSettings.Security.NONE, PASSWORD, 10 * MiB, Optional.empty()),
                Optional.empty(), CLOCK);
        byte[] content = FilesystemSinkTest.randomBytes((int) (3 * MiB + 5), 41);

        SinkResult result = sink.store(request("req-1", content.length), new ByteArrayInputStream(content));

        assertThat(mail.waitForIncomingEmail(10_000, 2)).isTrue(); // one copy per recipient (to + cc)
        MimeMessage received = mail.getReceivedMessages()[0];
        assertThat(received.getSubject()).isEqualTo("Report req-1-Sales.pdf for contoso");
        assertThat(received.getFrom()[0].toString()).isEqualTo("exporter@example.com");
        assertThat(received.getRecipients(Message.RecipientType.TO)[0].toString()).isEqualTo("finance@example.com");
        assertThat(received.getRecipients(Message.RecipientType.CC)[0].toString()).isEqualTo("audit@example.com");
        BodyPart attachment = attachmentOf(received);
        assertThat(attachment.getFileName()).isEqualTo("req-1-Sales.pdf");
        assertThat(attachment.getContentType()).startsWith("application/pdf");
        byte[] back;
        try (InputStream in = attachment.getInputStream()) {
            back = in.readAllBytes();
        }
        assertThat(back).isEqualTo(content);
        assertThat(result.sha256Hex()).isEqualTo(FilesystemSinkTest.sha256(content));
        assertThat(result.sizeBytes()).isEqualTo(content.length);
        assertThat(result.fileName()).isEqualTo("req-1-Sales.pdf");
        String messageId = received.getMessageID();
        assertThat(messageId).matches("<pbiexport\\.[0-9a-f]{32}@example\\.com>");
        assertThat(result.uri().getScheme()).isEqualTo("mid");
        assertThat(result.uri().toString()).startsWith("mid:" + messageId.substring(1, messageId.length() - 1) + "/");
        assertThat(textOf(received)).contains(result.sha256Hex()).contains("req-1");
        assertThat(spoolLeftovers()).isEmpty();
    }

    @Test
    void sendingTheSameRequestAgainReusesItsMessageIdSoTheCopyIsRecognisable() throws Exception {
        start("smtp");
        EmailSink sink = new EmailSink(settings(EmailSettings.Security.NONE, PASSWORD, MiB, Optional.empty()),
                Optional.empty(), CLOCK);
        byte[] content = "%PDF-1.7 tiny".getBytes(StandardCharsets.US_ASCII);

        SinkResult first = sink.store(request("req-2", content.length), new ByteArrayInputStream(content));
        SinkResult again = sink.store(request("req-2", content.length), new ByteArrayInputStream(content));
        SinkResult other = sink.store(request("req-3", content.length), new ByteArrayInputStream(content));

        assertThat(mail.waitForIncomingEmail(10_000, 6)).isTrue();
        List<String> ids = new java.util.ArrayList<>();
        for (MimeMessage m : mail.getReceivedMessages()) {
            ids.add(m.getMessageID());
        }
        String firstId = "<" + first.uri().getSchemeSpecificPart().split("/")[0] + ">";
        String otherId = "<" + other.uri().getSchemeSpecificPart().split("/")[0] + ">";
        assertThat(ids).hasSize(6).containsOnly(firstId, otherId).filteredOn(firstId::equals).hasSize(4);
        assertThat(first.uri()).isEqualTo(again.uri()).isNotEqualTo(other.uri());
    }

    @Test
    void aFileAboveTheAttachmentLimitIsStoredInTheLinkSinkAndTheMailCarriesItsLink() throws Exception {
        start("smtp");
        FilesystemSink files = new FilesystemSink(Files.createDirectories(temp.resolve("linked")));
        EmailSink sink = new EmailSink(settings(EmailSettings.Security.NONE, PASSWORD, MiB, Optional.empty()),
                Optional.of(files), CLOCK);
        byte[] content = FilesystemSinkTest.randomBytes((int) (2 * MiB), 42);

        SinkResult result = sink.store(request("req-4", content.length), new ByteArrayInputStream(content));

        Path stored = temp.resolve("linked/contoso/2026/12/04/req-4-Sales.pdf");
        assertThat(Files.readAllBytes(stored)).isEqualTo(content);
        assertThat(result.uri()).isEqualTo(stored.toUri());
        assertThat(result.sha256Hex()).isEqualTo(FilesystemSinkTest.sha256(content));
        assertThat(mail.waitForIncomingEmail(10_000, 2)).isTrue();
        MimeMessage received = mail.getReceivedMessages()[0];
        assertThat(textOf(received)).contains(stored.toUri().toString()).contains(result.sha256Hex());
        assertThat(((Multipart) received.getContent()).getCount()).isEqualTo(1); // no attachment
    }

    @Test
    void aFileAboveTheAttachmentLimitWithoutALinkSinkIsTooLargeAndNothingIsSent() {
        start("smtp");
        EmailSink sink = new EmailSink(settings(EmailSettings.Security.NONE, PASSWORD, 1000, Optional.empty()),
                Optional.empty(), CLOCK);

        // announced length: refused before spooling; unknown length: refused once spooled
        for (long announced : new long[] {1001, StoreRequest.UNKNOWN_LENGTH}) {
            assertThatThrownBy(() -> sink.store(request("req-5", announced), new ByteArrayInputStream(new byte[1001])))
                    .isInstanceOfSatisfying(StorageException.class, e -> {
                        assertThat(e.kind()).isEqualTo(StorageException.Kind.TOO_LARGE);
                        assertThat(e.getMessage()).contains("1001 bytes").contains("attachmentMaxBytes")
                                .contains("linkSink");
                    });
        }
        assertThat(mail.getReceivedMessages()).isEmpty();
        assertThat(spoolLeftovers()).isEmpty();
    }

    @Test
    void aWrongPasswordIsRejectedNamingTheLoginAndNeverTheSecret() {
        start("smtp");
        EmailSink sink = new EmailSink(settings(EmailSettings.Security.NONE, "wrong-pw-xyz", MiB, Optional.empty()),
                Optional.empty(), CLOCK);

        assertThatThrownBy(() -> sink.store(request("req-6", 3), new ByteArrayInputStream(new byte[3])))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
                    assertThat(e.getMessage()).contains("refused the login of user 'exporter'")
                            .doesNotContain("wrong-pw-xyz");
                });
        assertThatThrownBy(sink::checkReady).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED));
        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    @Test
    void checkReadyLogsInWithoutSendingAnything() {
        start("smtp");
        EmailSink sink = new EmailSink(settings(EmailSettings.Security.NONE, PASSWORD, MiB, Optional.empty()),
                Optional.empty(), CLOCK);

        sink.checkReady();

        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    @Test
    void starttlsIsNeverDowngradedWhenTheServerDoesNotOfferIt() {
        start("smtp"); // GreenMail's SMTP has no STARTTLS
        EmailSink sink = new EmailSink(settings(EmailSettings.Security.STARTTLS, PASSWORD, MiB, Optional.empty()),
                Optional.empty(), CLOCK);

        assertThatThrownBy(() -> sink.store(request("req-7", 3), new ByteArrayInputStream(new byte[3])))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
                    assertThat(e.getMessage()).contains("does not offer STARTTLS");
                });
        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    @Test
    void aTlsServerWhoseCertificateIsNotTrustedIsRejected() {
        start("smtps");
        EmailSink sink = new EmailSink(settings(EmailSettings.Security.TLS, PASSWORD, MiB, Optional.empty()),
                Optional.empty(), CLOCK);

        assertThatThrownBy(sink::checkReady).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
            assertThat(e.getMessage()).contains("TLS handshake").contains("trustStore");
        });
    }

    @Test
    void aTrustedTlsCertificateThatDoesNotNameTheHostIsRejected() throws Exception {
        start("smtps"); // GreenMail's certificate names "GreenMail selfsigned Test Certificate", not 127.0.0.1
        EmailSink sink = new EmailSink(settings(EmailSettings.Security.TLS, PASSWORD, MiB,
                Optional.of(greenMailCertificatePem())), Optional.empty(), CLOCK);

        assertThatThrownBy(() -> sink.store(request("req-8", 3), new ByteArrayInputStream(new byte[3])))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
                    assertThat(e.getMessage()).contains("TLS handshake").contains("name 127.0.0.1");
                });
        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    @Test
    void aServerThatIsDownIsUnavailableAndRetryable() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        EmailSettings down = new EmailSettings("127.0.0.1", closed, EmailSettings.Security.STARTTLS,
                Optional.empty(), Optional.empty(), "exporter@example.com", List.of("finance@example.com"), List.of(),
                "Export {fileName}", MiB, Optional.empty(), Duration.ofSeconds(2), Duration.ofSeconds(2),
                temp);
        EmailSink sink = new EmailSink(down, Optional.empty(), CLOCK);

        assertThatThrownBy(() -> sink.store(request("req-9", 3), new ByteArrayInputStream(new byte[3])))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.UNAVAILABLE);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("refused the connection");
                });
        assertThat(spoolLeftovers()).isEmpty();
    }

    /** GreenMail's bundled certificate as PEM (its key store's password is GreenMail's published default). */
    private Path greenMailCertificatePem() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = GreenMail.class.getClassLoader().getResourceAsStream("greenmail.p12")) {
            ks.load(in, "changeit".toCharArray());
        }
        String alias = ks.aliases().nextElement();
        String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(ks.getCertificate(alias).getEncoded()) + "\n-----END CERTIFICATE-----\n";
        return Files.writeString(temp.resolve("greenmail.pem"), pem);
    }

    static BodyPart attachmentOf(MimeMessage m) throws Exception {
        Multipart mp = (Multipart) m.getContent();
        for (int i = 0; i < mp.getCount(); i++) {
            if (Part.ATTACHMENT.equalsIgnoreCase(mp.getBodyPart(i).getDisposition())) {
                return mp.getBodyPart(i);
            }
        }
        throw new AssertionError("no attachment in the message");
    }

    static String textOf(MimeMessage m) throws Exception {
        return (String) ((Multipart) m.getContent()).getBodyPart(0).getContent();
    }

    private List<Path> spoolLeftovers() {
        try (Stream<Path> s = Files.list(temp)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".pbiexport-mail-")).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
