package com.pbiexport.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.devstack.entra.EntraCredentials;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.ForeignHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The devstack's security-test hooks, over real HTTP: rotatable app credentials (Entra answers a removed secret
 * with AADSTS7000215 and an expired one with AADSTS7000222), the list of issued tokens, the foreign-tenant
 * counter, and the opt-in foreign resourceLocation / redirect (off by default).
 */
class SecurityHooksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTOSO = "4a1f0c2e-0000-4000-a000-000000000001";
    private static final String FABRIKAM = "4a1f0c2e-0000-4000-a000-000000000002";
    private static final String APP = "c11e7700-0000-4000-a000-000000000001";
    private static final String FABRIKAM_APP = "c11e7700-0000-4000-a000-000000000011";
    private static final String OLD_SECRET = "devstack-secret-not-for-production";
    private static final String SALES_WS = "3d5e0000-0000-4000-a000-000000000001";
    private static final String SALES_REPORT = "7e000000-0000-4000-a000-000000000001";
    private static final String FABRIKAM_WS = "3d5e0000-0000-4000-a000-000000000011";
    private static final String POWER_BI_SCOPE = "https://analysis.windows.net/powerbi/api/.default";

    private static DevStack stack;
    private static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        // clean profile: these tests count exact token issues and downloads, which realistic transport faults would vary
        stack = DevStack.builder().kafka(false).profile(com.pbiexport.devstack.sim.SimProfile.CLEAN)
                .scenario(Scenario.defaultScenario().withPageRenderMillis(10)).start();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @AfterEach
    void noHostileAnswers() {
        stack.foreignHosts().off();
    }

    @Test
    void aRotatedOutSecretIsRefusedWith7000215AndTheNewOneWorks() throws Exception {
        EntraCredentials creds = stack.entraCredentials();
        String fabrikamOld = "fabrikam-secret-not-for-production";
        assertThat(tokenRequest(FABRIKAM, FABRIKAM_APP, fabrikamOld).statusCode()).isEqualTo(200);

        long from = creds.nextSequence();
        creds.addSecret(FABRIKAM, FABRIKAM_APP, "fabrikam-rotated-secret", null);
        creds.removeSecret(FABRIKAM, FABRIKAM_APP, fabrikamOld);

        HttpResponse<String> old = tokenRequest(FABRIKAM, FABRIKAM_APP, fabrikamOld);
        assertThat(old.statusCode()).isEqualTo(401);
        assertThat(old.body()).contains("AADSTS7000215");
        assertThat(tokenRequest(FABRIKAM, FABRIKAM_APP, "fabrikam-rotated-secret").statusCode()).isEqualTo(200);

        List<EntraCredentials.Presentation> seen = creds.presentations().stream()
                .filter(p -> p.sequence() >= from).toList();
        assertThat(seen).extracting(EntraCredentials.Presentation::secretFingerprint, EntraCredentials.Presentation::accepted)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(EntraCredentials.fingerprint(fabrikamOld), false),
                        org.assertj.core.groups.Tuple.tuple(EntraCredentials.fingerprint("fabrikam-rotated-secret"), true));
        assertThat(seen).allSatisfy(p -> assertThat(p.toString()).doesNotContain(fabrikamOld));
    }

    @Test
    void anAddedSecretThatHasExpiredIsRefusedWith7000222() throws Exception {
        stack.entraCredentials().addSecret(CONTOSO, APP, "already-expired", Instant.parse("2020-01-01T00:00:00Z"));
        HttpResponse<String> r = tokenRequest(CONTOSO, APP, "already-expired");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("AADSTS7000222");
    }

    @Test
    void everyIssuedTokenIsListed() throws Exception {
        String token = accessToken(CONTOSO, APP, OLD_SECRET);
        assertThat(stack.accessTokens().issued()).contains(token);
        assertThat(stack.accessTokens().issuedCount()).isPositive();
    }

    @Test
    void aTokenOfOneTenantOnAnotherTenantsWorkspaceIsCountedAndRefused() throws Exception {
        long before = stack.counters().get("foreignTenantTokenRejected");
        HttpResponse<String> r = api("GET", "/v1.0/myorg/groups/" + FABRIKAM_WS + "/reports",
                accessToken(CONTOSO, APP, OLD_SECRET), null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(stack.counters().get("foreignTenantTokenRejected")).isEqualTo(before + 1);
    }

    @Test
    void resourceLocationIsOwnHostByDefaultAndForeignOnlyWhenStaged() throws Exception {
        String token = accessToken(CONTOSO, APP, OLD_SECRET);
        assertThat(finishedExport(token).get("resourceLocation").asText()).startsWith(stack.powerBiUrl() + "/v1.0/");

        stack.foreignHosts().set(new ForeignHosts.ForeignResourceLocation(URI.create("http://127.0.0.1:9")));
        String location = finishedExport(token).get("resourceLocation").asText();
        assertThat(location).startsWith("http://127.0.0.1:9/v1.0/myorg/groups/" + SALES_WS).endsWith("/file");
        assertThat(stack.counters().get("foreignResourceLocations")).isPositive();
    }

    @Test
    void aStagedRedirectAnswersTheDownloadWithALocationOnTheForeignHost() throws Exception {
        String token = accessToken(CONTOSO, APP, OLD_SECRET);
        String file = finishedExport(token).get("resourceLocation").asText();
        stack.foreignHosts().set(new ForeignHosts.RedirectDownload(URI.create("http://127.0.0.1:9"), 307));

        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(file))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(307);
        assertThat(r.headers().firstValue("Location")).hasValueSatisfying(l ->
                assertThat(l).startsWith("http://127.0.0.1:9/v1.0/").endsWith("/file"));

        stack.foreignHosts().off();
        HttpResponse<byte[]> normal = http.send(HttpRequest.newBuilder(URI.create(file))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(normal.statusCode()).isEqualTo(200);
    }

    // ---- helpers

    private static JsonNode finishedExport(String token) throws Exception {
        String prefix = "/v1.0/myorg/groups/" + SALES_WS + "/reports/" + SALES_REPORT;
        HttpResponse<String> started = api("POST", prefix + "/ExportTo", token, "{\"format\":\"PDF\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = JSON.readTree(started.body()).get("id").asText();
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = JSON.readTree(api("GET", prefix + "/exports/" + id, token, null).body());
            return "Succeeded".equals(last[0].path("status").asText());
        });
        return last[0];
    }

    private static HttpResponse<String> api(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(stack.powerBiUrl() + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10));
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String accessToken(String tenant, String clientId, String secret) throws Exception {
        HttpResponse<String> r = tokenRequest(tenant, clientId, secret);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    private static HttpResponse<String> tokenRequest(String tenant, String clientId, String secret) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + clientId + "&scope="
                + URLEncoder.encode(POWER_BI_SCOPE, StandardCharsets.UTF_8) + "&client_secret="
                + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(URI.create(stack.entraUrl() + "/" + tenant + "/oauth2/v2.0/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
