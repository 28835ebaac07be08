package com.pbiexport.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.slf4j.LoggerFactory;

/**
 * The devstack's TLS identity ({@code --tls-dir}): a self-signed certificate made at start for the advertised host
 * (plus localhost and 127.0.0.1), so clients on other hosts reach the simulators over https with verification on.
 * The JDK has no public API that makes certificates, so its own {@code keytool} makes the key pair, in a private
 * temporary directory deleted right after loading; the private key never reaches the shared directory. What is
 * written there is public: the certificate as PEM ({@value #PEM}) and as a PKCS12 trust store ({@value #TRUST_STORE},
 * password {@value #TRUST_STORE_PASSWORD}).
 */
public final class TlsIdentity {
    /** File name of the certificate (PEM) in the TLS directory. */
    public static final String PEM = "devstack.pem";
    /** File name of the PKCS12 trust store in the TLS directory (only the certificate, no key). */
    public static final String TRUST_STORE = "truststore.p12";
    /** Password of the trust store: it guards nothing secret (a public certificate), the JDK wants one. */
    public static final String TRUST_STORE_PASSWORD = "devstack";
    private static final String ALIAS = "devstack";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    private final SSLContext sslContext;

    private TlsIdentity(SSLContext sslContext) {
        this.sslContext = sslContext;
    }

    /** The context the HTTPS servers serve with. */
    SSLContext sslContext() {
        return sslContext;
    }

    /** Makes a certificate for {@code host}, writes the PEM and trust store into {@code dir} (created if missing). */
    static TlsIdentity create(String host, Path dir) {
        Path work = null;
        try {
            Files.createDirectories(dir);
            work = Files.createTempDirectory("devstack-tls");
            Path keyStore = work.resolve("server.p12");
            char[] password = randomPassword();
            runKeytool(host, keyStore, password);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                ks.load(in, password);
            }
            Certificate cert = ks.getCertificate(ALIAS);
            writePublicFiles(cert, dir);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return new TlsIdentity(context);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the devstack's TLS certificate in " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the devstack's TLS certificate", e);
        } finally {
            deleteQuietly(work);
        }
    }

    /** The subject alternative names: the advertised host, localhost and 127.0.0.1 (a DNS name or an address). */
    static List<String> subjectAltNames(String host) {
        Set<String> names = new LinkedHashSet<>();
        names.add(entry(host));
        names.add("dns:localhost");
        names.add("ip:127.0.0.1");
        return new ArrayList<>(names);
    }

    private static String entry(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean address = bare.contains(":") || bare.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        return (address ? "ip:" : "dns:") + bare;
    }

    private static void runKeytool(String host, Path keyStore, char[] password) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                "-keyalg", "EC", "-keysize", "256", "-sigalg", "SHA256withECDSA", "-validity", "30",
                "-dname", "CN=devstack", "-ext", "SAN=" + String.join(",", subjectAltNames(host)),
                "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass:env", "DEVSTACK_TLS_PASS", "-keypass:env", "DEVSTACK_TLS_PASS");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DEVSTACK_TLS_PASS", new String(password)); // not on the command line (ps)
        Process p = pb.start();
        byte[] output = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while keytool ran", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(keytool + " failed (exit " + p.exitValue() + "): "
                    + new String(output, StandardCharsets.UTF_8).strip());
        }
    }

    private static void writePublicFiles(Certificate cert, Path dir) throws IOException, GeneralSecurityException {
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        Files.writeString(dir.resolve(PEM), pem, StandardCharsets.US_ASCII);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(ALIAS, cert);
        try (OutputStream out = Files.newOutputStream(dir.resolve(TRUST_STORE))) {
            trust.store(out, TRUST_STORE_PASSWORD.toCharArray());
        }
    }

    private static char[] randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LoggerFactory.getLogger(TlsIdentity.class).warn("could not delete {}: {}", dir, e.getMessage());
        }
    }
}
