package com.pbiexport.devstack.entra;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static com.pbiexport.devstack.entra.EntraHttp.form;
import static com.pbiexport.devstack.entra.EntraHttp.json;
import static com.pbiexport.devstack.entra.EntraTestServer.ADATUM_DOMAIN;
import static com.pbiexport.devstack.entra.EntraTestServer.ADATUM_ID;
import static com.pbiexport.devstack.entra.EntraTestServer.CERT_APP;
import static com.pbiexport.devstack.entra.EntraTestServer.CONTOSO_ID;
import static com.pbiexport.devstack.entra.EntraTestServer.EXPORTER;
import static com.pbiexport.devstack.entra.EntraTestServer.FEDERATED_ASSERTION;
import static com.pbiexport.devstack.entra.EntraTestServer.POWER_BI;
import static com.pbiexport.devstack.entra.EntraTestServer.tokenPath;
import static org.assertj.core.api.Assertions.assertThat;

/** client_assertion over real HTTP: certificate-signed JWTs (RS256/PS256, x5t/x5t#S256) and federated tokens. */
class ClientAssertionTest {
    private static final String ENDPOINT = "https://login.microsoftonline.com/" + ADATUM_ID + "/oauth2/v2.0/token";
    private static EntraTestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = EntraTestServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static HttpResponse<String> withAssertion(String tenant, String clientId, String assertion) throws Exception {
        return EntraHttp.post(server.uri(tokenPath(tenant)), form("grant_type", "client_credentials",
                "client_id", clientId, "scope", POWER_BI + "/.default",
                "client_assertion_type", ClientAuthenticator.JWT_BEARER, "client_assertion", assertion));
    }

    private static String signed(String alg, boolean sha256, Map<String, Object> claims) {
        TestCertificates.Credential cert = TestCertificates.registered();
        return TestJwts.sign(TestJwts.header(alg, cert.certificate(), sha256), claims, cert.privateKey());
    }

    private static Map<String, Object> validClaims() {
        return TestJwts.assertionClaims(CERT_APP, ENDPOINT, Instant.now());
    }

    private static void assertRejected(HttpResponse<String> r, int status, String error, long code, String fragment) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode json = json(r);
        assertThat(json.get("error").asText()).isEqualTo(error);
        assertThat(json.get("error_codes").get(0).asLong()).isEqualTo(code);
        assertThat(json.get("error_description").asText()).contains(fragment);
    }

    @Test
    void acceptsRs256AssertionNamedBySha256Thumbprint() throws Exception {
        HttpResponse<String> r = withAssertion(ADATUM_ID, CERT_APP, signed("RS256", true, validClaims()));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(TestJwts.payload(json(r).get("access_token").asText()))
                .containsEntry("appidacr", "2").containsEntry("appid", CERT_APP).containsEntry("tid", ADATUM_ID)
                .containsEntry("aud", POWER_BI);
    }

    @Test
    void acceptsPs256AssertionNamedBySha1ThumbprintAndTheV1EndpointAudience() throws Exception {
        Map<String, Object> claims = validClaims();
        claims.put("aud", "https://login.microsoftonline.com/" + ADATUM_DOMAIN + "/oauth2/token");

        HttpResponse<String> r = withAssertion(ADATUM_DOMAIN, CERT_APP, signed("PS256", false, claims));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void rejectsAssertionSignedByAnotherKeyWith700027() throws Exception {
        X509Certificate registered = TestCertificates.registered().certificate();
        String forged = TestJwts.sign(TestJwts.header("RS256", registered, true), validClaims(),
                TestCertificates.unregistered().privateKey());

        assertRejected(withAssertion(ADATUM_ID, CERT_APP, forged), 401, "invalid_client", 700027,
                "Key was found, but use of the key to verify the signature failed");
    }

    @Test
    void rejectsAssertionFromUnknownCertificateWith700027() throws Exception {
        TestCertificates.Credential stranger = TestCertificates.unregistered();
        String assertion = TestJwts.sign(TestJwts.header("RS256", stranger.certificate(), false), validClaims(),
                stranger.privateKey());

        assertRejected(withAssertion(ADATUM_ID, CERT_APP, assertion), 401, "invalid_client", 700027,
                "The key was not found");
    }

    @Test
    void rejectsExpiredAssertionWith700024() throws Exception {
        Map<String, Object> claims = TestJwts.assertionClaims(CERT_APP, ENDPOINT, Instant.now().minusSeconds(3_600));

        assertRejected(withAssertion(ADATUM_ID, CERT_APP, signed("RS256", true, claims)), 401, "invalid_client", 700024,
                "not within its valid time range");
    }

    @Test
    void rejectsAssertionForAnotherTenantsEndpointWith700023() throws Exception {
        Map<String, Object> claims = validClaims();
        claims.put("aud", "https://login.microsoftonline.com/" + CONTOSO_ID + "/oauth2/v2.0/token");

        assertRejected(withAssertion(ADATUM_ID, CERT_APP, signed("RS256", true, claims)), 401, "invalid_client", 700023,
                "audience claim does not match");
    }

    @Test
    void rejectsAssertionIssuedForAnotherClientWith700021() throws Exception {
        Map<String, Object> claims = validClaims();
        claims.put("iss", EXPORTER);
        claims.put("sub", EXPORTER);

        assertRejected(withAssertion(ADATUM_ID, CERT_APP, signed("RS256", true, claims)), 401, "invalid_client", 700021,
                "doesn't match 'client_id'");
    }

    @Test
    void acceptsRegisteredFederatedAssertion() throws Exception {
        HttpResponse<String> r = withAssertion(CONTOSO_ID, EXPORTER, FEDERATED_ASSERTION);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(TestJwts.payload(json(r).get("access_token").asText())).containsEntry("appidacr", "2");
    }

    @Test
    void rejectsUnregisteredFederatedTokenWith700213() throws Exception {
        Map<String, Object> header = new LinkedHashMap<>(Map.of("alg", "RS256", "typ", "JWT", "kid", "k8s"));
        Map<String, Object> claims = validClaims();
        claims.put("iss", "https://oidc.example/k8s");
        claims.put("sub", "system:serviceaccount:exports:worker");
        String federated = TestJwts.sign(header, claims, TestCertificates.unregistered().privateKey());

        assertRejected(withAssertion(CONTOSO_ID, EXPORTER, federated), 401, "invalid_client", 700213,
                "'system:serviceaccount:exports:worker'");
    }

    @Test
    void rejectsAssertionThatIsNoJwtWith50027() throws Exception {
        assertRejected(withAssertion(CONTOSO_ID, EXPORTER, "not-a-jwt"), 401, "invalid_client", 50027,
                "JWT token is invalid or malformed");
    }

    @Test
    void requiresTheAssertionType() throws Exception {
        HttpResponse<String> r = EntraHttp.post(server.uri(tokenPath(CONTOSO_ID)), form("grant_type", "client_credentials",
                "client_id", EXPORTER, "scope", POWER_BI + "/.default", "client_assertion", FEDERATED_ASSERTION));

        assertRejected(r, 400, "invalid_request", 900144, "'client_assertion_type'");
    }
}
