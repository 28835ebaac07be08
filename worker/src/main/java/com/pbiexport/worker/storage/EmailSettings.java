package com.pbiexport.worker.storage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how {@link EmailSink} sends. The password is held here already resolved by the composition root;
 * {@link #toString()} never prints it.
 *
 * @param host               SMTP server host name or address
 * @param port               SMTP port (587 for STARTTLS submission, 465 for implicit TLS, 25 for relays)
 * @param security           how the connection is protected; never downgraded
 * @param username           login name; empty: no AUTH (an open relay or IP-allow-listed submission)
 * @param password           the login's password, when {@code username} is set
 * @param from               the sender address (header {@code From} and envelope sender)
 * @param to                 fixed recipients (at least one)
 * @param cc                 fixed copy recipients
 * @param subjectTemplate    subject with {@code {fileName}}, {@code {requestId}} and {@code {tenant}} placeholders
 * @param attachmentMaxBytes largest file sent as an attachment; larger ones go by link (or fail without a link sink)
 * @param trustStore         PEM file of CA certificates the server's certificate must chain to; empty: the JVM's
 * @param connectTimeout     bound on connecting (TCP and TLS)
 * @param timeout            bound on each read and write of the SMTP conversation
 * @param spoolDirectory     where the file is spooled before sending (deleted after)
 */
public record EmailSettings(String host, int port, Security security, Optional<String> username,
                            Optional<String> password, String from, List<String> to, List<String> cc,
                            String subjectTemplate, long attachmentMaxBytes, Optional<Path> trustStore,
                            Duration connectTimeout, Duration timeout, Path spoolDirectory) {

    /** How the SMTP connection is protected. */
    public enum Security {
        /** Plain connection upgraded with STARTTLS before anything else is said; refused if the server lacks it. */
        STARTTLS,
        /** TLS from the first byte (SMTPS, usually port 465). */
        TLS,
        /** No encryption at all: password and files cross the network in clear. Loopback and tests only. */
        NONE;

        /** {@code starttls}, {@code tls} or {@code none}. */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Security of(String text) {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        }
    }

    public EmailSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(from, "from");
        to = List.copyOf(to);
        cc = List.copyOf(cc);
        Objects.requireNonNull(subjectTemplate, "subjectTemplate");
        Objects.requireNonNull(trustStore, "trustStore");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(spoolDirectory, "spoolDirectory");
        if (to.isEmpty()) {
            throw new IllegalArgumentException("at least one recipient (to) is required");
        }
        if (attachmentMaxBytes < 1) {
            throw new IllegalArgumentException("attachmentMaxBytes must be at least 1, was " + attachmentMaxBytes);
        }
        if (username.isPresent() && password.isEmpty()) {
            throw new IllegalArgumentException("a username needs a password");
        }
    }

    /** {@code host:port}, for messages. */
    public String hostAndPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return "EmailSettings[host=" + host + ", port=" + port + ", security=" + security.text() + ", username="
                + username.orElse("<none>") + ", password=" + password.map(p -> "***").orElse("<none>") + ", from="
                + from + ", to=" + to + ", cc=" + cc + ", attachmentMaxBytes=" + attachmentMaxBytes + ", trustStore="
                + trustStore.map(Path::toString).orElse("<JVM default>") + ", connectTimeout=" + connectTimeout
                + ", timeout=" + timeout + ", spoolDirectory=" + spoolDirectory + "]";
    }
}
