package com.pbiexport.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.worker.config.SinkConfig;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The demo's mailbox: a GreenMail SMTP server on a loopback port of its choosing, the e-mail sink pointing at it, and
 * the reading back of what it received. GreenMail offers no STARTTLS, so the sink uses {@code security: none}: a
 * choice for this loopback demo only (the setting's default, {@code starttls}, never sends in clear).
 */
final class DemoMail implements AutoCloseable {
    /** The sink alias the e-mail sample request names. */
    static final String SINK = "mail";
    static final String FROM = "pbi-export@demo.example";
    static final String TO = "finance@demo.example";
    static final String SUBJECT = "Power BI export: {fileName} ({requestId})";
    /** Bounds the wait for the message after its completion event (the sink answers after the server's 250). */
    private static final long RECEIVE_WAIT_MILLIS = 10_000;

    private final GreenMail server;

    private DemoMail(GreenMail server) {
        this.server = server;
    }

    static DemoMail start() {
        GreenMail server = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        server.start();
        return new DemoMail(server);
    }

    int port() {
        return server.getSmtp().getPort();
    }

    /** The e-mail sink: no login, {@code security: none} (demo only: GreenMail has no STARTTLS). */
    SinkConfig.Email sink() {
        return new SinkConfig.Email("127.0.0.1", port(), "none", Optional.empty(), Optional.empty(), Optional.empty(),
                FROM, List.of(TO), List.of(), SUBJECT, SinkConfig.Email.DEFAULT_ATTACHMENT_MAX_BYTES, Optional.empty(),
                Optional.empty(), Duration.ofSeconds(10), Duration.ofSeconds(20), Optional.empty());
    }

    /** What the demo prints before it starts, so nobody copies {@code none} into production unawares. */
    String describe() {
        return "E-mail sink '" + SINK + "': GreenMail SMTP on 127.0.0.1:" + port() + " with security: none (demo only:"
                + " GreenMail has no STARTTLS; the default, starttls, never sends in clear)";
    }

    /**
     * Reads the message GreenMail received for a completed e-mail request and prints it; true when it is there and its
     * attachment's SHA-256 is the event's.
     */
    boolean printReceived(ExportCompleted completed, PrintWriter out, boolean json) {
        Received r;
        try {
            r = received(completed);
        } catch (MessagingException | IOException e) {
            out.printf(Locale.ROOT, "MAIL  %-34s NOT READ: %s%n", completed.requestId(), e.getMessage());
            out.flush();
            return false;
        }
        boolean matches = r != null && r.sha256().equals(completed.file().sha256());
        if (json) {
            ObjectNode line = JsonNodeFactory.instance.objectNode();
            line.put("type", "MailReceived");
            ObjectNode data = line.putObject("data");
            data.put("requestId", completed.requestId());
            data.put("received", r != null);
            if (r != null) {
                data.put("to", r.to());
                data.put("subject", r.subject());
                data.put("attachment", r.attachmentName());
                data.put("sizeBytes", r.size());
                data.put("sha256", r.sha256());
                data.put("sha256MatchesEvent", matches);
            }
            out.println(line);
        } else if (r == null) {
            out.printf(Locale.ROOT, "MAIL  %-34s NOT RECEIVED within %d s%n", completed.requestId(),
                    RECEIVE_WAIT_MILLIS / 1000);
        } else {
            out.printf(Locale.ROOT, "MAIL  %-34s to %s, \"%s\", attachment %s (%d B), SHA-256 %s the event's%n",
                    completed.requestId(), r.to(), r.subject(), r.attachmentName(), r.size(),
                    matches ? "matches" : "DOES NOT MATCH");
        }
        out.flush();
        return matches;
    }

    private record Received(String to, String subject, String attachmentName, long size, String sha256) { }

    /** The message carrying the request's id in its subject, or null when none arrived in time. */
    private Received received(ExportCompleted completed) throws MessagingException, IOException {
        long until = System.nanoTime() + RECEIVE_WAIT_MILLIS * 1_000_000;
        while (true) {
            for (MimeMessage m : server.getReceivedMessages()) {
                if (m.getSubject() != null && m.getSubject().contains(completed.requestId())) {
                    return read(m);
                }
            }
            long left = (until - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return null;
            }
            // wakes on the next message GreenMail receives (or when the time is up)
            server.waitForIncomingEmail(left, server.getReceivedMessages().length + 1);
        }
    }

    private static Received read(MimeMessage m) throws MessagingException, IOException {
        String to = Arrays.stream(Optional.ofNullable(m.getRecipients(Message.RecipientType.TO)).orElse(new Address[0]))
                .map(Address::toString).collect(Collectors.joining(", "));
        if (m.getContent() instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                Part p = mp.getBodyPart(i);
                if (Part.ATTACHMENT.equalsIgnoreCase(p.getDisposition())) {
                    try (InputStream in = p.getInputStream()) {
                        byte[] bytes = in.readAllBytes();
                        return new Received(to, m.getSubject(), p.getFileName(), bytes.length, sha256(bytes));
                    }
                }
            }
        }
        throw new MessagingException("the message " + m.getMessageID() + " has no attachment");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
