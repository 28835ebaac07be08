package com.pbiexport.devstack.entra;

import com.fasterxml.jackson.databind.JsonNode;
import com.pbiexport.devstack.sim.Cloud;
import com.pbiexport.devstack.sim.FaultSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import static com.pbiexport.devstack.entra.EntraHttp.form;
import static com.pbiexport.devstack.entra.EntraHttp.json;
import static com.pbiexport.devstack.entra.EntraHttp.post;
import static com.pbiexport.devstack.entra.EntraTestServer.CONTOSO_DOMAIN;
import static com.pbiexport.devstack.entra.EntraTestServer.CONTOSO_ID;
import static com.pbiexport.devstack.entra.EntraTestServer.DISABLED_APP;
import static com.pbiexport.devstack.entra.EntraTestServer.EXPIRED_APP;
import static com.pbiexport.devstack.entra.EntraTestServer.EXPORTER;
import static com.pbiexport.devstack.entra.EntraTestServer.EXPORTER_OBJECT_ID;
import static com.pbiexport.devstack.entra.EntraTestServer.EXPORTER_SECRET;
import static com.pbiexport.devstack.entra.EntraTestServer.FABRIKAM_ID;
import static com.pbiexport.devstack.entra.EntraTestServer.GOV_HIGH_APP;
import static com.pbiexport.devstack.entra.EntraTestServer.GOV_HIGH_ID;
import static com.pbiexport.devstack.entra.EntraTestServer.GOV_HIGH_SECRET;
import static com.pbiexport.devstack.entra.EntraTestServer.POWER_BI;
import static com.pbiexport.devstack.entra.EntraTestServer.tokenPath;
import static org.assertj.core.api.Assertions.assertThat;

/** The token endpoint over real HTTP: success shape, every error of the table, faults and counters. */
class EntraSimulatorTest {
    private static final String PBI_SCOPE = POWER_BI + "/.default";
    private static EntraTestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = EntraTestServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void resetFaultsAndCounters() {
        server.faults.set(FaultSettings.none());
        server.counters.reset();
    }

    private static String secretForm(String clientId, String secret, String scope) {
        return form("grant_type", "client_credentials", "client_id", clientId, "client_secret", secret, "scope", scope);
    }

    private static HttpResponse<String> token(String tenant, String body, String... headers) throws Exception {
        return post(server.uri(tokenPath(tenant)), body, headers);
    }

    // ---- success -----------------------------------------------------------------------------------------

    @Test
    void issuesPowerBiTokenForClientSecret() throws Exception {
        Instant before = Instant.now();
        HttpResponse<String> r = token(CONTOSO_ID, secretForm(EXPORTER, EXPORTER_SECRET, PBI_SCOPE));

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(3599);
        assertThat(body.get("ext_expires_in").asLong()).isEqualTo(3599);
        assertThat(body.has("refresh_in")).as("no refresh_in below two hours").isFalse();

        String jwt = body.get("access_token").asText();
        assertThat(server.tokens.verify(jwt)).as("signed with the shared AccessTokens").isPresent();
        Map<String, Object> claims = TestJwts.payload(jwt);
        assertThat(claims).containsEntry("aud", POWER_BI)
                .containsEntry("iss", "https://sts.windows.net/" + CONTOSO_ID + "/")
                .containsEntry("idp", "https://sts.windows.net/" + CONTOSO_ID + "/")
                .containsEntry("tid", CONTOSO_ID)
                .containsEntry("appid", EXPORTER)
                .containsEntry("azp", EXPORTER)
                .containsEntry("appidacr", "1")
                .containsEntry("idtyp", "app")
                .containsEntry("oid", EXPORTER_OBJECT_ID)
                .containsEntry("sub", EXPORTER_OBJECT_ID)
                .containsEntry("ver", "1.0")
                .containsKeys("aio", "rh", "uti");
        long exp = ((Number) claims.get("exp")).longValue();
        long iat = ((Number) claims.get("iat")).longValue();
        assertThat(claims.get("nbf")).isEqualTo(claims.get("iat"));
        assertThat(exp - before.getEpochSecond()).isBetween(3599L - 2, 3599L + 2);
        assertThat(iat).as("iat back-dated by five minutes").isLessThanOrEqualTo(before.getEpochSecond() - 299);

        assertThat(r.headers().firstValue("x-ms-request-id")).isPresent();
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store, no-cache");
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(server.counters.get("tokenRequests")).isEqualTo(1);
        assertThat(server.counters.get("tokenRequests." + CONTOSO_ID)).isEqualTo(1);
        assertThat(server.counters.get("tokensIssued." + CONTOSO_ID)).isEqualTo(1);
        assertThat(server.counters.get("tokenErrors")).isZero();
    }

    @Test
    void acceptsTenantDomainAndWhatMsal4jAdds() throws Exception {
        String body = form("grant_type", "client_credentials", "client_id", EXPORTER, "client_secret", EXPORTER_SECRET,
                "scope", PBI_SCOPE + " openid profile offline_access", "client_info", "1", "x-client-SKU", "MSAL.Java");
        HttpResponse<String> r = token(CONTOSO_DOMAIN, body, "client-request-id", "0f0e0d0c-1111-4222-8333-444455556666",
                "x-client-OS", "Linux", "return-client-request-id", "true");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestJwts.payload(json(r).get("access_token").asText())).containsEntry("tid", CONTOSO_ID);
        assertThat(r.headers().firstValue("client-request-id")).hasValue("0f0e0d0c-1111-4222-8333-444455556666");
        assertThat(server.counters.get("tokenRequests." + CONTOSO_ID)).isEqualTo(1);
    }

    @Test
    void sendsRefreshInAsHalfTheLifetimeForLongLivedTokens() throws Exception {
        try (EntraTestServer longLived = EntraTestServer.start(EntraTestServer.scenario(7_200), java.time.Clock.systemUTC())) {
            HttpResponse<String> r = post(longLived.uri(tokenPath(CONTOSO_ID)), secretForm(EXPORTER, EXPORTER_SECRET, PBI_SCOPE));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r).get("expires_in").asLong()).isEqualTo(7_200);
            assertThat(json(r).get("refresh_in").asLong()).isEqualTo(3_600);
        }
    }

    @ParameterizedTest(name = "scope \"{0}\" gives aud {1}")
    @MethodSource("audiences")
    void scopeDecidesTheAudience(String scope, String audience) throws Exception {
        HttpResponse<String> r = token(CONTOSO_ID, secretForm(EXPORTER, EXPORTER_SECRET, scope));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(TestJwts.payload(json(r).get("access_token").asText())).containsEntry("aud", audience);
    }

    static Stream<Arguments> audiences() {
        return Stream.of(
                Arguments.of(PBI_SCOPE, POWER_BI),
                Arguments.of("HTTPS://analysis.windows.net/powerbi/api/.default", POWER_BI),
                Arguments.of(ScopeResolver.POWER_BI_APP_ID + "/.default", POWER_BI),
                // GCC shares the public authority, so its Power BI resource resolves in a public tenant
                Arguments.of("https://analysis.usgovcloudapi.net/powerbi/api/.default",
                        "https://analysis.usgovcloudapi.net/powerbi/api"),
                Arguments.of("https://graph.microsoft.com/.default", Cloud.GRAPH_AUDIENCE),
                Arguments.of(".default", Cloud.GRAPH_APP_ID),
                Arguments.of(".default openid profile offline_access", Cloud.GRAPH_APP_ID));
    }

    @Test
    void sovereignTenantGetsItsCloudsIssuerAndAudience() throws Exception {
        HttpResponse<String> r = token(GOV_HIGH_ID, secretForm(GOV_HIGH_APP, GOV_HIGH_SECRET,
                "https://high.analysis.usgovcloudapi.net/powerbi/api/.default"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(TestJwts.payload(json(r).get("access_token").asText()))
                .containsEntry("aud", "https://high.analysis.usgovcloudapi.net/powerbi/api")
                .containsEntry("iss", "https://login.microsoftonline.us/" + GOV_HIGH_ID + "/");

        HttpResponse<String> publicScope = token(GOV_HIGH_ID, secretForm(GOV_HIGH_APP, GOV_HIGH_SECRET, PBI_SCOPE));
        assertThat(publicScope.statusCode()).isEqualTo(400);
        assertThat(json(publicScope).get("error_codes").get(0).asLong()).isEqualTo(500011);
        assertThat(json(publicScope).get("error_uri").asText()).isEqualTo("https://login.microsoftonline.us/error?code=500011");
    }

    // ---- the error table ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void answersEachErrorWithTheRealStatusErrorAndCode(String name, String tenant, String body, int status,
                                                        String error, long code, String descriptionFragment)
            throws Exception {
        HttpResponse<String> r = token(tenant, body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode json = json(r);
        assertThat(json.get("error").asText()).isEqualTo(error);
        assertThat(json.get("error_codes").size()).isEqualTo(1);
        assertThat(json.get("error_codes").get(0).asLong()).isEqualTo(code);
        assertThat(json.get("error_description").asText())
                .startsWith("AADSTS" + code + ": ")
                .contains(descriptionFragment);
        assertThat(server.counters.get("tokenErrors")).isEqualTo(1);
        assertThat(server.counters.get("tokensIssued." + CONTOSO_ID)).isZero();
    }

    static Stream<Arguments> errors() {
        String cc = "client_credentials";
        return Stream.of(
                Arguments.of("unknown tenant", "9c7c0000-0000-4000-a000-00000000dead",
                        secretForm(EXPORTER, EXPORTER_SECRET, PBI_SCOPE), 400, "invalid_request", 90002L,
                        "Tenant '9c7c0000-0000-4000-a000-00000000dead' not found"),
                Arguments.of("unknown tenant domain", "nowhere.onmicrosoft.com",
                        secretForm(EXPORTER, EXPORTER_SECRET, PBI_SCOPE), 400, "invalid_request", 90002L, "not found"),
                Arguments.of("tenant that is no DNS name", "not%20a%20tenant!",
                        secretForm(EXPORTER, EXPORTER_SECRET, PBI_SCOPE), 400, "invalid_request", 900023L,
                        "neither a valid DNS name"),
                Arguments.of("client credentials on /common", "common",
                        secretForm(EXPORTER, EXPORTER_SECRET, PBI_SCOPE), 400, "invalid_request", 50059L,
                        "No tenant-identifying information"),
                Arguments.of("unknown app", CONTOSO_ID,
                        secretForm("deadbeef-0000-4000-a000-000000000000", "x", PBI_SCOPE), 400, "unauthorized_client",
                        700016L, "Application with identifier 'deadbeef-0000-4000-a000-000000000000' was not found in the directory"),
                Arguments.of("app of another tenant", FABRIKAM_ID,
                        secretForm(EXPORTER, EXPORTER_SECRET, PBI_SCOPE), 400, "unauthorized_client", 700016L,
                        "fabrikam.onmicrosoft.com"),
                Arguments.of("disabled app", CONTOSO_ID,
                        secretForm(DISABLED_APP, "disabled-app-secret", PBI_SCOPE), 400, "unauthorized_client",
                        7000112L, "(disabled-exporter) is disabled."),
                Arguments.of("wrong secret", CONTOSO_ID, secretForm(EXPORTER, "not-the-secret", PBI_SCOPE), 401,
                        "invalid_client", 7000215L, "Invalid client secret provided"),
                Arguments.of("expired secret", CONTOSO_ID, secretForm(EXPIRED_APP, "expired-secret", PBI_SCOPE), 401,
                        "invalid_client", 7000222L, "are expired"),
                Arguments.of("missing credential", CONTOSO_ID,
                        form("grant_type", cc, "client_id", EXPORTER, "scope", PBI_SCOPE), 401, "invalid_client",
                        7000218L, "'client_assertion' or 'client_secret'"),
                Arguments.of("empty secret", CONTOSO_ID, secretForm(EXPORTER, "", PBI_SCOPE), 401, "invalid_client",
                        7000218L, "'client_assertion' or 'client_secret'"),
                Arguments.of("missing client_id", CONTOSO_ID,
                        form("grant_type", cc, "client_secret", EXPORTER_SECRET, "scope", PBI_SCOPE), 400,
                        "invalid_request", 900144L, "'client_id'"),
                Arguments.of("missing grant_type", CONTOSO_ID,
                        form("client_id", EXPORTER, "client_secret", EXPORTER_SECRET, "scope", PBI_SCOPE), 400,
                        "invalid_request", 900144L, "'grant_type'"),
                Arguments.of("missing scope", CONTOSO_ID,
                        form("grant_type", cc, "client_id", EXPORTER, "client_secret", EXPORTER_SECRET), 400,
                        "invalid_request", 900144L, "'scope'"),
                Arguments.of("unsupported grant", CONTOSO_ID,
                        form("grant_type", "password", "client_id", EXPORTER, "scope", PBI_SCOPE), 400,
                        "unsupported_grant_type", 70003L, "'password'"),
                Arguments.of("scope without /.default", CONTOSO_ID,
                        secretForm(EXPORTER, EXPORTER_SECRET, POWER_BI + "/Report.Read.All"), 400, "invalid_scope",
                        1002012L, "Client credential flows must have a scope value with /.default"),
                Arguments.of("only OIDC scopes", CONTOSO_ID, secretForm(EXPORTER, EXPORTER_SECRET, "openid profile"),
                        400, "invalid_scope", 1002012L, "scope openid is not valid"),
                Arguments.of("two resources", CONTOSO_ID,
                        secretForm(EXPORTER, EXPORTER_SECRET, PBI_SCOPE + " https://graph.microsoft.com/.default"),
                        400, "invalid_scope", 70011L, "is not valid"),
                Arguments.of("garbage scope", CONTOSO_ID, secretForm(EXPORTER, EXPORTER_SECRET, "%%%/.default"),
                        400, "invalid_scope", 70011L, "The scope %%%/.default is not valid"),
                Arguments.of("unknown resource", CONTOSO_ID,
                        secretForm(EXPORTER, EXPORTER_SECRET, "https://example.com/api/.default"), 400,
                        "invalid_resource", 500011L, "resource principal named https://example.com/api was not found"),
                Arguments.of("other cloud's resource", CONTOSO_ID,
                        secretForm(EXPORTER, EXPORTER_SECRET, "https://analysis.chinacloudapi.cn/powerbi/api/.default"),
                        400, "invalid_resource", 500011L, "contoso.onmicrosoft.com"),
                Arguments.of("malformed percent escape", CONTOSO_ID, "grant_type=client_credentials&client_id=%zz", 400,
                        "invalid_request", 9002313L, "Request is malformed or invalid"),
                Arguments.of("duplicated parameter", CONTOSO_ID,
                        secretForm(EXPORTER, EXPORTER_SECRET, PBI_SCOPE) + "&scope=x", 400, "invalid_request",
                        9000411L, "The parameter 'scope' is duplicated"),
                Arguments.of("JSON instead of a form", CONTOSO_ID, "{\"grant_type\":\"client_credentials\"}", 400,
                        "invalid_request", 900144L, "'grant_type'"),
                Arguments.of("empty body", CONTOSO_ID, "", 400, "invalid_request", 900144L, "'grant_type'"));
    }

    @Test
    void errorBodyHasEntrasShapeAndEchoesTheClientRequestId() throws Exception {
        String correlation = "6d1b1b1a-2222-4333-8444-555566667777";
        HttpResponse<String> r = token(CONTOSO_ID, secretForm(EXPORTER, "wrong", PBI_SCOPE),
                "client-request-id", correlation);

        JsonNode json = json(r);
        assertThat(json.fieldNames()).toIterable().containsExactly("error", "error_description", "error_codes",
                "timestamp", "trace_id", "correlation_id", "error_uri");
        String traceId = json.get("trace_id").asText();
        String timestamp = json.get("timestamp").asText();
        assertThat(timestamp).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}Z");
        assertThat(json.get("correlation_id").asText()).isEqualTo(correlation);
        assertThat(json.get("error_description").asText())
                .endsWith(" Trace ID: " + traceId + " Correlation ID: " + correlation + " Timestamp: " + timestamp);
        assertThat(json.get("error_uri").asText()).isEqualTo("https://login.microsoftonline.com/error?code=7000215");
        assertThat(r.headers().firstValue("x-ms-request-id")).hasValue(traceId);
        assertThat(r.headers().firstValue("client-request-id")).hasValue(correlation);
        assertThat(r.body()).doesNotContain("wrong");
    }

    @Test
    void answersGetOnTheTokenEndpointWith900561() throws Exception {
        HttpResponse<String> r = EntraHttp.send(server.uri(tokenPath(CONTOSO_ID)), "GET", null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("error").asText()).isEqualTo("invalid_request");
        assertThat(json(r).get("error_codes").get(0).asLong()).isEqualTo(900561);
        assertThat(json(r).get("error_description").asText()).contains("Received a GET request");
    }

    @Test
    void answersUnknownPathsWithJson404() throws Exception {
        HttpResponse<String> r = EntraHttp.send(server.uri("/" + CONTOSO_ID + "/oauth2/v2.0/nothing"), "POST", new byte[0]);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).get("error").asText()).isEqualTo("invalid_request");
        assertThat(server.counters.get("tokenRequests")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000\u0001\u0002", "a=b=c&&&==&%", "grant_type=client_credentials&client_id=%E9",
            "scope=%2", "client_assertion_type=x&client_assertion=.&grant_type=client_credentials&client_id="
            + EXPORTER + "&scope=.default"})
    void neverCrashesOnGarbageAndAlwaysAnswersJson(String body) throws Exception {
        HttpResponse<String> r = EntraHttp.send(server.uri(tokenPath(CONTOSO_ID)), "POST",
                body.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(r.statusCode()).isBetween(400, 499);
        assertThat(json(r).get("error_codes").get(0).asLong()).isPositive();
    }

    // ---- faults ------------------------------------------------------------------------------------------

    @Test
    void throttlesWith429RetryAfterAnd90055ThenRecovers() throws Exception {
        server.faults.merge("{\"entraThrottleCount\":1,\"entraThrottleRetryAfterSeconds\":7}".getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> throttled = token(CONTOSO_ID, secretForm(EXPORTER, EXPORTER_SECRET, PBI_SCOPE));
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(json(throttled).get("error_codes").get(0).asLong()).isEqualTo(90055);

        HttpResponse<String> next = token(CONTOSO_ID, secretForm(EXPORTER, EXPORTER_SECRET, PBI_SCOPE));
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(server.counters.get("tokenRequests." + CONTOSO_ID)).isEqualTo(2);
        assertThat(server.counters.get("tokenErrors")).isEqualTo(1);
    }

    @Test
    void answers503DuringAnOutageWindow() throws Exception {
        server.faults.merge(("{\"entraOutageUntil\":\"" + Instant.now().plusSeconds(60) + "\"}").getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> r = token(CONTOSO_ID, secretForm(EXPORTER, EXPORTER_SECRET, PBI_SCOPE));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json(r).get("error").asText()).isEqualTo("temporarily_unavailable");
        assertThat(server.counters.get("tokensIssued." + CONTOSO_ID)).isZero();

        server.faults.merge(("{\"entraOutageUntil\":\"" + Instant.now().minusSeconds(1) + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(token(CONTOSO_ID, secretForm(EXPORTER, EXPORTER_SECRET, PBI_SCOPE)).statusCode()).isEqualTo(200);
    }

    @Test
    void addsConfiguredLatency() throws Exception {
        server.faults.merge("{\"entraLatencyMillis\":400}".getBytes(StandardCharsets.UTF_8));
        long start = System.nanoTime();
        HttpResponse<String> r = token(CONTOSO_ID, secretForm(EXPORTER, EXPORTER_SECRET, PBI_SCOPE));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(tookMillis).isGreaterThanOrEqualTo(400);
    }

    // ---- discovery ---------------------------------------------------------------------------------------

    @Test
    void servesOpenIdConfigurationPointingAtTheRealAuthority() throws Exception {
        HttpResponse<String> r = EntraHttp.send(server.uri("/" + CONTOSO_DOMAIN + "/v2.0/.well-known/openid-configuration"),
                "GET", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("token_endpoint").asText())
                .isEqualTo("https://login.microsoftonline.com/" + CONTOSO_ID + "/oauth2/v2.0/token");
        assertThat(json(r).get("issuer").asText()).isEqualTo("https://login.microsoftonline.com/" + CONTOSO_ID + "/v2.0");

        HttpResponse<String> unknown = EntraHttp.send(server.uri("/nowhere.example/v2.0/.well-known/openid-configuration"),
                "GET", null);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).get("error").asText()).isEqualTo("invalid_tenant");
        assertThat(json(unknown).get("error_codes").get(0).asLong()).isEqualTo(90002);
    }

    @Test
    void servesInstanceDiscovery() throws Exception {
        HttpResponse<String> r = EntraHttp.send(server.uri("/common/discovery/instance?api-version=1.1&authorization_endpoint="
                + "https%3A%2F%2Flogin.microsoftonline.com%2F" + CONTOSO_ID + "%2Foauth2%2Fv2.0%2Fauthorize"), "GET", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("tenant_discovery_endpoint").asText()).isEqualTo(
                "https://login.microsoftonline.com/" + CONTOSO_ID + "/v2.0/.well-known/openid-configuration");
        assertThat(json(r).get("metadata").get(0).get("aliases").toString()).contains("login.microsoftonline.com");
    }
}
