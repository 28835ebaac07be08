package com.pbiexport.devstack.entra;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test certificates made the way an operator makes them: a PKCS#12 file from the JDK's {@code keytool}.
 * Created once per test JVM (keytool takes about a second each).
 */
final class TestCertificates {
    static final char[] PASSWORD = "devstack-test-pass".toCharArray();

    /** A key pair plus its self-signed certificate and the PKCS#12 file bytes. */
    record Credential(byte[] pkcs12, PrivateKey privateKey, X509Certificate certificate) {
        String base64Der() {
            try {
                return Base64.getEncoder().encodeToString(certificate.getEncoded());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static Credential registered;
    private static Credential unregistered;

    private TestCertificates() {
    }

    /** The certificate registered on the scenario's certificate app. */
    static synchronized Credential registered() {
        if (registered == null) {
            registered = generate("CN=devstack-entra-registered");
        }
        return registered;
    }

    /** A certificate the scenario does not know. */
    static synchronized Credential unregistered() {
        if (unregistered == null) {
            unregistered = generate("CN=devstack-entra-stranger");
        }
        return unregistered;
    }

    private static Credential generate(String dname) {
        try {
            Path dir = Files.createTempDirectory("entra-cert");
            Path p12 = dir.resolve("client.p12");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process process = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "client",
                    "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA", "-dname", dname,
                    "-validity", "2", "-startdate", "-1d", "-storetype", "PKCS12", "-keystore", p12.toString(),
                    "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD), "-noprompt"))
                    .redirectErrorStream(true)
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not finish in 60 s");
            }
            String output = new String(process.getInputStream().readAllBytes());
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            byte[] bytes = Files.readAllBytes(p12);
            Files.delete(p12);
            Files.delete(dir);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(bytes), PASSWORD);
            return new Credential(bytes, (PrivateKey) ks.getKey("client", PASSWORD),
                    (X509Certificate) ks.getCertificate("client"));
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a test certificate", e);
        }
    }
}
