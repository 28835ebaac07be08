package com.pbiexport.worker.storage;

import jakarta.mail.Session;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The Jakarta Mail session of an {@link EmailSink}: timeouts, STARTTLS required (never a clear fallback) or TLS
 * from the first byte, the server's identity checked, and the trust store's CAs when one is configured.
 */
final class SmtpSessions {

    private SmtpSessions() {
    }

    static Session of(EmailSettings settings) {
        return Session.getInstance(properties(settings, socketFactory(settings)));
    }

    private static Properties properties(EmailSettings s, SSLSocketFactory factory) {
        Properties p = new Properties();
        p.put("mail.smtp.host", s.host());
        p.put("mail.smtp.port", Integer.toString(s.port()));
        p.put("mail.smtp.from", s.from());
        p.put("mail.smtp.connectiontimeout", Long.toString(s.connectTimeout().toMillis()));
        p.put("mail.smtp.timeout", Long.toString(s.timeout().toMillis()));
        p.put("mail.smtp.writetimeout", Long.toString(s.timeout().toMillis()));
        p.put("mail.smtp.auth", Boolean.toString(s.username().isPresent()));
        p.put("mail.smtp.quitwait", "false");
        switch (s.security()) {
            case STARTTLS -> {
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
            }
            case TLS -> p.put("mail.smtp.ssl.enable", "true");
            case NONE -> p.put("mail.smtp.starttls.enable", "false");
        }
        if (s.security() != EmailSettings.Security.NONE) {
            p.put("mail.smtp.ssl.checkserveridentity", "true");
            p.put("mail.smtp.ssl.protocols", "TLSv1.3 TLSv1.2");
            if (factory != null) {
                p.put("mail.smtp.ssl.socketFactory", factory);
            }
        }
        return p;
    }

    /** A socket factory trusting the trust store's CAs, or null for the JVM's default trust. */
    private static SSLSocketFactory socketFactory(EmailSettings s) {
        if (s.trustStore().isEmpty()) {
            return null;
        }
        Path file = s.trustStore().get();
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new GeneralSecurityException("no certificate in the file");
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot read sinks.*.email.trustStore " + file + " ("
                    + e.getClass().getSimpleName() + "): it must be a readable PEM file of CA certificates", e);
        }
    }
}
