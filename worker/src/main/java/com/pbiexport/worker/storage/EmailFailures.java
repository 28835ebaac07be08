package com.pbiexport.worker.storage;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/**
 * Classifies what Jakarta Mail throws into {@link StorageException}s that say whether a retry can help and name
 * the fix. SMTP's own rule decides the kind where the server answered: 4xx is transient
 * ({@link StorageException.Kind#UNAVAILABLE}), 5xx permanent ({@link StorageException.Kind#REJECTED}). Refused
 * logins, refused recipients, messages over the server's size limit (552), a server without STARTTLS and
 * certificates that are not trusted or do not name the host are permanent; a server that is down, unreachable,
 * or too slow is transient. Messages never contain the password.
 */
final class EmailFailures {

    private static final Pattern REPLY_CODE = Pattern.compile("response: ([245]\\d\\d)|^([245]\\d\\d)[ -]");

    private EmailFailures() {
    }

    static StorageException of(String what, Exception e, EmailSettings s) {
        String server = "SMTP server " + s.hostAndPort();
        if (e instanceof AuthenticationFailedException) {
            return rejected(what + ": " + server + " refused the login of user '" + s.username().orElse("")
                    + "' (" + oneLine(e.getMessage()) + "); fix sinks.*.email.username or the password"
                    + " (sinks.*.email.passwordEnv / passwordFile)", e);
        }
        SMTPAddressFailedException address = Causes.ofType(e, SMTPAddressFailedException.class);
        if (address != null) {
            String text = server + " refused the recipient " + address.getAddress() + " ("
                    + address.getReturnCode() + " " + oneLine(address.getMessage()) + ")";
            return address.getReturnCode() / 100 == 4
                    ? unavailable(what + ": " + text + "; retried later", e)
                    : rejected(what + ": " + text + "; nothing was sent. Fix sinks.*.email.to / cc, or let the"
                    + " server's owner accept it (relaying for the sender)", e);
        }
        SMTPSenderFailedException sender = Causes.ofType(e, SMTPSenderFailedException.class);
        if (sender != null) {
            String text = server + " refused the sender " + sender.getAddress() + " (" + sender.getReturnCode()
                    + " " + oneLine(sender.getMessage()) + ")";
            return sender.getReturnCode() / 100 == 4 ? unavailable(what + ": " + text + "; retried later", e)
                    : rejected(what + ": " + text + "; set sinks.*.email.from to an address the login may send as",
                    e);
        }
        SMTPSendFailedException send = Causes.ofType(e, SMTPSendFailedException.class);
        if (send != null) {
            return byCode(what, server, send.getReturnCode(), oneLine(send.getMessage()), e, s);
        }
        String text = allMessages(e).toLowerCase(Locale.ROOT);
        if (text.contains("starttls is required")) {
            return rejected(what + ": " + server + " does not offer STARTTLS, and sinks.*.email.security is"
                    + " starttls: nothing was sent in clear. Use the server's submission port (587) or its TLS"
                    + " port with security: tls", e);
        }
        if (Causes.ofType(e, SSLException.class) != null || Causes.ofType(e, CertificateException.class) != null
                || text.contains("identity of server") || text.contains("not trusted")) {
            return rejected(what + ": the TLS handshake with " + server + " failed (" + Causes.rootMessage(e)
                    + "): its certificate must chain to a CA in sinks.*.email.trustStore (or the JVM's trust store)"
                    + " and name " + s.host() + "; with security: tls the port must speak TLS (465), with"
                    + " starttls plain SMTP (587)", e);
        }
        if (Causes.ofType(e, SocketTimeoutException.class) != null || text.contains("timed out")) {
            return unavailable(what + ": " + server + " did not answer within " + s.timeout()
                    + "; retried later. If it persists check the host, port, firewall and sinks.*.email.timeout", e);
        }
        if (Causes.ofType(e, UnknownHostException.class) != null) {
            return unavailable(what + ": cannot resolve the SMTP host " + s.host() + "; retried later. Check"
                    + " sinks.*.email.host and DNS", e);
        }
        if (Causes.ofType(e, ConnectException.class) != null || Causes.ofType(e, NoRouteToHostException.class) != null) {
            return unavailable(what + ": " + server + " refused the connection or could not be reached; retried"
                    + " later. If it persists check that the server is up and sinks.*.email.host and port", e);
        }
        Integer code = replyCode(e);
        if (code != null) {
            return byCode(what, server, code, oneLine(e.getMessage()), e, s);
        }
        return unavailable(what + ": the SMTP conversation with " + server + " failed (" + Causes.rootMessage(e)
                + "); retried later", e);
    }

    private static StorageException byCode(String what, String server, int code, String answer, Exception e,
                                           EmailSettings s) {
        String text = server + " answered " + code + " (" + answer + ")";
        if (code == 552 || code == 523) {
            return rejected(what + ": " + text + ": the message is larger than the server accepts. Lower"
                    + " sinks.*.email.attachmentMaxBytes (now " + s.attachmentMaxBytes() + " bytes; base64 makes a"
                    + " message about 4/3 of its attachment) below the server's limit and set sinks.*.email.linkSink"
                    + " so larger files go by link", e);
        }
        if (code / 100 == 4) {
            return unavailable(what + ": " + text + "; retried later", e);
        }
        return rejected(what + ": " + text + "; nothing was delivered. Fix what the answer names (sender,"
                + " recipients, policy) with the server's owner", e);
    }

    /** An SMTP reply code in the message (greetings and commands that Jakarta Mail reports as text). */
    static Integer replyCode(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                Matcher m = REPLY_CODE.matcher(t.getMessage().strip());
                if (m.find()) {
                    return Integer.valueOf(m.group(1) != null ? m.group(1) : m.group(2));
                }
            }
        }
        return null;
    }

    private static String allMessages(Exception e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            b.append(t.getMessage()).append(' ');
            if (t instanceof MessagingException m && m.getNextException() != null && m.getNextException() != t.getCause()) {
                b.append(m.getNextException().getMessage()).append(' ');
            }
        }
        return b.toString();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s+", " ");
    }

    private static StorageException rejected(String message, Exception e) {
        return new StorageException(StorageException.Kind.REJECTED, message, e);
    }

    private static StorageException unavailable(String message, Exception e) {
        return new StorageException(StorageException.Kind.UNAVAILABLE, message, e);
    }
}
