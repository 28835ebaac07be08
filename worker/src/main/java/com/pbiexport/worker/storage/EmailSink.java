package com.pbiexport.worker.storage;

import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Date;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each file as one e-mail to fixed recipients over SMTP (Jakarta Mail, Angus implementation): attached when
 * it is at most {@link EmailSettings#attachmentMaxBytes()}, else stored in the link sink and the mail carries that
 * link instead (without a link sink a larger file fails as {@link StorageException.Kind#TOO_LARGE}).
 *
 * <h2>Streaming</h2>
 * The content is first spooled to a temporary file in {@link EmailSettings#spoolDirectory()} while its size and
 * SHA-256 are computed (the size decides attachment or link before anything is sent), then the message is written
 * to the server from that file, base64-encoded on the fly. Memory: a copy buffer and Jakarta Mail's line buffers,
 * whatever the file size. The spool file is deleted after every store.
 *
 * <h2>Never a partial message, duplicates recognisable</h2>
 * SMTP delivers a message only when the server accepts the end of DATA, so a broken connection delivers nothing.
 * The {@code Message-ID} is derived from the request id, the sender and the recipients: a retry after a lost final
 * answer (the only way SMTP can deliver twice) sends the same id, which mail clients and archives treat as the
 * same message.
 *
 * <h2>Security</h2>
 * {@code starttls} (default) requires the server's STARTTLS and never falls back to a clear connection;
 * {@code tls} speaks TLS from the first byte; either checks the certificate chain (optionally against
 * {@link EmailSettings#trustStore()}) and that it names the host. {@code none} sends in clear, with a warning.
 *
 * <h2>Result</h2>
 * The attachment's URI is {@code mid:<message-id>/<content-id>} (RFC 2392: that body part of that message); a
 * linked file's URI is the link sink's. Retries are the caller's; failures say whether one can help
 * ({@link EmailFailures}).
 */
public final class EmailSink implements FileSink {

    private static final Logger LOG = LoggerFactory.getLogger(EmailSink.class);
    private static final int BUFFER_BYTES = 32 * 1024;

    private final EmailSettings settings;
    private final Optional<FileSink> linkSink;
    private final Clock clock;
    private final Session session;
    private final InternetAddress from;
    private final InternetAddress[] to;
    private final InternetAddress[] cc;

    /**
     * @param linkSink where files above the attachment limit go (the mail then carries its URI)
     * @param clock    the messages' {@code Date}
     */
    public EmailSink(EmailSettings settings, Optional<FileSink> linkSink, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.linkSink = Objects.requireNonNull(linkSink, "linkSink");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.from = address(settings.from(), "from");
        this.to = settings.to().stream().map(a -> address(a, "to")).toArray(InternetAddress[]::new);
        this.cc = settings.cc().stream().map(a -> address(a, "cc")).toArray(InternetAddress[]::new);
        this.session = SmtpSessions.of(settings);
        if (settings.security() == EmailSettings.Security.NONE) {
            LOG.warn("INSECURE: the e-mail sink {} sends without TLS (security: none): the password and the files"
                    + " cross the network in clear; use starttls or tls", describe());
        }
    }

    @Override
    public String describe() {
        return "smtp:" + settings.security().text() + "://" + settings.username().map(u -> u + "@").orElse("")
                + settings.hostAndPort() + " to " + String.join(", ", settings.to());
    }

    /** Connects, says EHLO, secures the connection and logs in, sending nothing; checks the server's SIZE. */
    @Override
    public void checkReady() {
        if (!Files.isDirectory(settings.spoolDirectory()) || !Files.isWritable(settings.spoolDirectory())) {
            throw new StorageException(StorageException.Kind.REJECTED, "The spool directory "
                    + settings.spoolDirectory() + " of " + describe() + " is not a writable directory; create it or"
                    + " set sinks.*.email.spoolDirectory");
        }
        try (SMTPTransport t = connect()) {
            String size = t.getExtensionParameter("SIZE");
            long needed = encodedSize(settings.attachmentMaxBytes());
            if (size != null && size.strip().matches("[1-9]\\d{0,18}") && Long.parseLong(size.strip()) < needed) {
                throw new StorageException(StorageException.Kind.REJECTED, describe() + " accepts messages up to "
                        + size.strip() + " bytes (EHLO SIZE), but an attachment of sinks.*.email.attachmentMaxBytes ("
                        + settings.attachmentMaxBytes() + " bytes) makes a message of about " + needed + " bytes;"
                        + " lower attachmentMaxBytes to at most " + Math.max(1, largestAttachment(Long.parseLong(size.strip())))
                        + " and set sinks.*.email.linkSink for larger files");
            }
        } catch (MessagingException e) {
            throw EmailFailures.of("Cannot use " + describe(), e, settings);
        }
    }

    @Override
    public SinkResult store(StoreRequest request, InputStream content) {
        Objects.requireNonNull(content, "content");
        FileNames.requireSafeKey(request.fileName());
        String where = describe();
        DigestingInputStream.checkAnnouncedLength(request, where);
        if (linkSink.isEmpty() && request.expectedLength() > settings.attachmentMaxBytes()) {
            throw tooLarge(where, request.expectedLength()); // before spooling a byte
        }
        Spooled spooled = null;
        try {
            spooled = spool(request, content, where);
            Path spool = spooled.file();
            long size = spooled.size();
            String sha = spooled.sha256Hex();
            String leaf = FileNames.leafOf(request.fileName());
            Ids ids = Ids.of(request.requestId(), settings);
            if (size <= settings.attachmentMaxBytes()) {
                send(message(request, ids, attachment(spool, request, leaf, ids), null, size, sha));
                return new SinkResult(ids.uri(), size, sha, request.contentType(), leaf);
            }
            if (linkSink.isEmpty()) {
                throw tooLarge(where, size);
            }
            SinkResult linked;
            try (InputStream in = Files.newInputStream(spool)) {
                linked = linkSink.get().store(new StoreRequest(request.requestId(), request.tenant(),
                        request.fileName(), request.contentType(), size, request.maxBytes()), in);
            }
            if (!linked.sha256Hex().equals(sha) || linked.sizeBytes() != size) {
                throw new StorageException(StorageException.Kind.UNAVAILABLE, "The link sink "
                        + linkSink.get().describe() + " stored " + linked.sizeBytes() + " bytes with SHA-256 "
                        + linked.sha256Hex() + " instead of " + size + " bytes with " + sha + "; retried later");
            }
            send(message(request, ids, null, linked.uri(), size, sha));
            return new SinkResult(linked.uri(), size, sha, request.contentType(), leaf);
        } catch (IOException e) {
            throw new StorageException(StorageException.Kind.UNAVAILABLE, "Cannot spool the file for " + where
                    + " in " + settings.spoolDirectory() + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); check free space there or set sinks.*.email.spoolDirectory", e);
        } catch (MessagingException e) {
            throw EmailFailures.of("Could not send the file by " + where, e, settings);
        } finally {
            if (spooled != null) {
                try {
                    Files.deleteIfExists(spooled.file());
                } catch (IOException e) {
                    LOG.warn("Could not delete the spool file {}: {}", spooled.file(), e.toString());
                }
            }
        }
    }

    private StorageException tooLarge(String where, long size) {
        return new StorageException(StorageException.Kind.TOO_LARGE, "Not sent by " + where + ": the file is " + size
                + " bytes, above sinks.*.email.attachmentMaxBytes (" + settings.attachmentMaxBytes() + "); set"
                + " sinks.*.email.linkSink to send a link instead, or export fewer pages");
    }

    /** The spooled content: its file, size and SHA-256 (computed while it was written). */
    private record Spooled(Path file, long size, String sha256Hex) {
    }

    /** The content, read to its end into a fresh spool file; the stream's own failures become its kinds. */
    private Spooled spool(StoreRequest request, InputStream content, String where) throws IOException {
        DigestingInputStream digesting = new DigestingInputStream(content, request.maxBytes(),
                request.expectedLength());
        Path spool = Files.createTempFile(settings.spoolDirectory(), ".pbiexport-mail-", ".part");
        try (OutputStream out = Files.newOutputStream(spool)) {
            byte[] buffer = new byte[BUFFER_BYTES];
            int n;
            while ((n = digesting.read(buffer, 0, buffer.length)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            Files.deleteIfExists(spool);
            StorageException own = digesting.failureAsStorageException(where);
            if (own != null) {
                throw own;
            }
            throw e;
        }
        return new Spooled(spool, digesting.count(), digesting.sha256Hex());
    }

    private MimeBodyPart attachment(Path spool, StoreRequest request, String leaf, Ids ids) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new SpoolSource(spool, request.contentType(), leaf)));
        part.setFileName(leaf);
        part.setDisposition(Part.ATTACHMENT);
        part.setContentID(ids.contentId());
        // set here so that Jakarta Mail does not read the whole file to choose an encoding
        part.setHeader("Content-Transfer-Encoding", "base64");
        return part;
    }

    private MimeMessage message(StoreRequest request, Ids ids, MimeBodyPart attachment, URI link, long size,
                                String sha) throws MessagingException {
        String leaf = FileNames.leafOf(request.fileName());
        MimeMessage m = new FixedIdMessage(session, ids.messageId());
        m.setFrom(from);
        m.setRecipients(Message.RecipientType.TO, to);
        if (cc.length > 0) {
            m.setRecipients(Message.RecipientType.CC, cc);
        }
        m.setSubject(subject(request, leaf), StandardCharsets.UTF_8.name());
        m.setSentDate(Date.from(clock.instant()));
        m.setHeader("X-PbiExport-Request-Id", FileNames.headerSafe(request.requestId()));
        MimeBodyPart text = new MimeBodyPart();
        String body = (attachment != null ? "The Power BI export " + leaf + " is attached."
                : "The Power BI export " + leaf + " is larger than this mail's attachment limit ("
                + settings.attachmentMaxBytes() + " bytes); it is stored here:\r\n\r\n" + link)
                + "\r\n\r\nSize: " + size + " bytes\r\nSHA-256: " + sha + "\r\nRequest: " + request.requestId()
                + "\r\nTenant: " + request.tenant() + "\r\n";
        text.setText(body, StandardCharsets.UTF_8.name());
        MimeMultipart multipart = new MimeMultipart();
        multipart.addBodyPart(text);
        if (attachment != null) {
            multipart.addBodyPart(attachment);
        }
        m.setContent(multipart);
        m.saveChanges();
        return m;
    }

    private String subject(StoreRequest request, String leaf) {
        return settings.subjectTemplate().replace("{fileName}", leaf).replace("{requestId}", request.requestId())
                .replace("{tenant}", request.tenant()).replaceAll("[\\r\\n\\t]+", " ");
    }

    private void send(MimeMessage m) throws MessagingException {
        try (SMTPTransport t = connect()) {
            t.sendMessage(m, m.getAllRecipients());
        }
    }

    private SMTPTransport connect() throws MessagingException {
        SMTPTransport t = (SMTPTransport) session.getTransport("smtp");
        t.connect(settings.host(), settings.port(), settings.username().orElse(null),
                settings.password().orElse(null));
        return t;
    }

    /** The largest attachment whose message fits in {@code messageBytes} (the inverse of {@link #encodedSize}). */
    static long largestAttachment(long messageBytes) {
        return (messageBytes - 16_384) / 78 * 57;
    }

    /** A base64 message's size for an attachment of {@code bytes}: 4/3, line breaks, and room for headers. */
    static long encodedSize(long bytes) {
        long base64 = (bytes + 2) / 3 * 4;
        return base64 + base64 / 76 * 2 + 16_384;
    }

    private static InternetAddress address(String text, String setting) {
        try {
            InternetAddress a = new InternetAddress(text, true);
            a.validate();
            return a;
        } catch (AddressException e) {
            throw new IllegalArgumentException("sinks.*.email." + setting + ": '" + text + "' is not an e-mail"
                    + " address (" + e.getMessage() + ")", e);
        }
    }

    /** Message-ID and Content-ID of a request's mail, and the attachment's {@code mid:} URI. */
    record Ids(String messageId, String contentId, URI uri) {
        static Ids of(String requestId, EmailSettings s) {
            String key = requestId + "\n" + s.from() + "\n" + String.join(",", s.to()) + "\n" + String.join(",", s.cc());
            String hash;
            try {
                hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(key.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every Java platform must provide SHA-256", e);
            }
            String at = s.from().lastIndexOf('@') >= 0 ? s.from().substring(s.from().lastIndexOf('@') + 1) : "localhost";
            String domain = at.replaceAll("[^A-Za-z0-9.-]", "");
            String mid = "pbiexport." + hash + "@" + (domain.isEmpty() ? "localhost" : domain);
            String cid = "file." + hash + "@" + (domain.isEmpty() ? "localhost" : domain);
            return new Ids("<" + mid + ">", "<" + cid + ">", URI.create("mid:" + mid + "/" + cid));
        }
    }

    /** Keeps the request's Message-ID ({@link MimeMessage#saveChanges()} would otherwise make a random one). */
    private static final class FixedIdMessage extends MimeMessage {
        private final String id;

        FixedIdMessage(Session session, String id) {
            super(session);
            this.id = id;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", id);
        }
    }

    /** The spool file as the attachment's data, read afresh each time Jakarta Mail writes it. */
    private record SpoolSource(Path file, String contentType, String name) implements DataSource {
        @Override
        public InputStream getInputStream() throws IOException {
            return Files.newInputStream(file);
        }

        @Override
        public OutputStream getOutputStream() {
            throw new UnsupportedOperationException("read only");
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public String getName() {
            return name;
        }
    }
}
