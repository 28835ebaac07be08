package com.pbiexport.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.devstack.sim.FaultSettings;
import com.pbiexport.devstack.sim.SimProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --tls-dir}: Entra ID and Power BI over https, trusted through the trust store the devstack writes. */
class DevStackTlsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aClientTrustingOnlyTheWrittenTrustStoreAcceptsTheAdvertisedHostAndNoOther(@TempDir Path dir) throws Exception {
        int entra = DevStackNetworkTest.freePort();
        try (DevStack stack = DevStack.builder().kafka(false).faults(FaultSettings.none())
                .advertisedHost("devstack.example").ports(new Ports(0, entra, 0, 0)).tls(dir.resolve("tls")).start()) {
            assertThat(stack.entraUrl()).isEqualTo("https://devstack.example:" + entra);
            assertThat(stack.powerBiUrl()).startsWith("https://devstack.example:");
            assertThat(stack.adminUrl()).startsWith("http://devstack.example:");  // the admin API stays http
            assertThat(DevStackMain.readyLine(stack)).contains("\"entraUrl\":\"https://devstack.example:" + entra + "\"");
            SSLContext trusting = trustingOnly(dir.resolve("tls"));
            // the name need not resolve: connect to the bind address and verify the certificate for the name
            assertThat(statusLine(trusting, entra, "devstack.example")).startsWith("HTTP/1.1 ");
            assertThatThrownBy(() -> statusLine(trusting, entra, "other.example"))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThatThrownBy(() -> statusLine(SSLContext.getDefault(), entra, "devstack.example"))
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void urlsHandedOutOverHttpsCarryHttpsAndTheTrustStoreHoldsThePemCertificate(@TempDir Path dir) throws Exception {
        // clean profile, faults off: one-shot calls, nothing may be dropped or delayed at random
        try (DevStack stack = DevStack.builder().kafka(false).profile(SimProfile.CLEAN).faults(FaultSettings.none())
                .advertisedHost("localhost").tls(dir).start()) {
            HttpClient trusting = HttpClient.newBuilder().sslContext(trustingOnly(dir))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            DevStack.Defaults d = stack.defaults();
            String form = "grant_type=client_credentials&client_id=" + d.clientId() + "&client_secret="
                    + URLEncoder.encode(d.clientSecret(), StandardCharsets.UTF_8)
                    + "&scope=" + URLEncoder.encode("https://analysis.windows.net/powerbi/api/.default", StandardCharsets.UTF_8);
            HttpResponse<String> token = trusting.send(HttpRequest.newBuilder(
                            URI.create(stack.entraUrl() + "/" + d.tenantId() + "/oauth2/v2.0/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(token.statusCode()).isEqualTo(200);
            String bearer = JSON.readTree(token.body()).path("access_token").asText();
            HttpResponse<String> groups = trusting.send(HttpRequest.newBuilder(
                            URI.create(stack.powerBiUrl() + "/v1.0/myorg/groups"))
                    .header("Authorization", "Bearer " + bearer).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(groups.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(groups.body());
            assertThat(body.path("@odata.context").asText()).startsWith(stack.powerBiUrl() + "/v1.0/myorg/")
                    .startsWith("https://localhost:");

            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(stack.powerBiUrl() + "/v1.0/myorg/groups")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding())).isInstanceOf(SSLHandshakeException.class);

            Certificate pem;
            try (InputStream in = Files.newInputStream(dir.resolve(TlsIdentity.PEM))) {
                pem = CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            assertThat(trustStore(dir).getCertificate(trustStore(dir).aliases().nextElement())).isEqualTo(pem);
            assertThat(trustStore(dir).isKeyEntry(trustStore(dir).aliases().nextElement())).isFalse();
        }
    }

    @Test
    void theCertificateNamesTheAdvertisedHostLocalhostAnd127001() {
        assertThat(TlsIdentity.subjectAltNames("devstack")).containsExactly("dns:devstack", "dns:localhost", "ip:127.0.0.1");
        assertThat(TlsIdentity.subjectAltNames("127.0.0.1")).containsExactly("ip:127.0.0.1", "dns:localhost");
        assertThat(TlsIdentity.subjectAltNames("10.1.2.3")).containsExactly("ip:10.1.2.3", "dns:localhost", "ip:127.0.0.1");
        assertThat(TlsIdentity.subjectAltNames("[fd00:0:0:0:0:0:0:1]"))
                .containsExactly("ip:fd00:0:0:0:0:0:0:1", "dns:localhost", "ip:127.0.0.1");
    }

    private static KeyStore trustStore(Path dir) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(TlsIdentity.TRUST_STORE))) {
            ks.load(in, TlsIdentity.TRUST_STORE_PASSWORD.toCharArray());
        }
        return ks;
    }

    private static SSLContext trustingOnly(Path dir) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore(dir));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** Connects to 127.0.0.1:port, verifies the server's certificate for {@code host} as https does, GETs /. */
    private static String statusLine(SSLContext context, int port, String host) throws Exception {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        plain.setSoTimeout(10_000);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true)) {
            SSLParameters params = socket.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.startHandshake();
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            byte[] head = socket.getInputStream().readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII);
        }
    }
}
