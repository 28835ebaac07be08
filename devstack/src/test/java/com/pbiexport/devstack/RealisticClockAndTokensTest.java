package com.pbiexport.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.FaultSettings;
import com.pbiexport.devstack.sim.ManualClock;
import com.pbiexport.devstack.sim.Realism;
import com.pbiexport.devstack.sim.SimProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole stack in the realistic profile: a seeded clock skew that Entra and Power BI share, and token lifetimes
 * of 60-90 minutes unless the scenario sets one. Transport faults are off here so the few calls are certain.
 */
class RealisticClockAndTokensTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POWER_BI_SCOPE = "https://analysis.windows.net/powerbi/api/.default";
    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private DevStack start(Scenario scenario, ManualClock clock, long seed) {
        return DevStack.builder().kafka(false).profile(SimProfile.REALISTIC).seed(seed).clock(clock)
                .faults(FaultSettings.none()).scenario(scenario.withPageRenderMillis(100)).start();
    }

    private JsonNode token(DevStack stack) throws Exception {
        DevStack.Defaults d = stack.defaults();
        String form = "grant_type=client_credentials&client_id=" + d.clientId() + "&client_secret="
                + URLEncoder.encode(d.clientSecret(), StandardCharsets.UTF_8) + "&scope="
                + URLEncoder.encode(POWER_BI_SCOPE, StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(stack.entraUrl() + "/" + d.tenantId()
                        + "/oauth2/v2.0/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static JsonNode claims(JsonNode token) throws Exception {
        String jwt = token.get("access_token").asText();
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    @Test
    void tokensLive60To90MinutesAndEntraAndPowerBiShareOneSkewedClock() throws Exception {
        ManualClock clock = new ManualClock(T0);
        try (DevStack stack = start(Scenario.defaultScenario(), clock, 77)) {
            Duration skew = stack.realism().clockSkew();
            Instant serverNow = T0.plus(skew);
            Set<Long> lifetimes = new HashSet<>();
            JsonNode token = null;
            for (int i = 0; i < 4; i++) {
                token = token(stack);
                long expiresIn = token.get("expires_in").asLong();
                // reference section 4: "lifetime varies, 60-90 minutes; never assume one hour"
                assertThat(expiresIn).isBetween(3600L, 5400L);
                lifetimes.add(expiresIn);
                JsonNode claims = claims(token);
                // Entra back-dates iat/nbf by 5 minutes; exp = server now + expires_in
                assertThat(claims.get("iat").asLong()).isEqualTo(serverNow.getEpochSecond() - 300);
                assertThat(claims.get("exp").asLong()).isEqualTo(serverNow.getEpochSecond() + expiresIn);
            }
            assertThat(lifetimes).as("drawn per token").hasSizeGreaterThan(1);

            DevStack.Defaults d = stack.defaults();
            String report = stack.powerBiUrl() + "/v1.0/myorg/groups/" + d.workspaceId() + "/reports/" + d.reportId();
            HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(report + "/ExportTo"))
                    .header("Authorization", "Bearer " + token.get("access_token").asText())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"format\":\"PDF\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(started.statusCode()).as("Power BI accepts the token on the same skewed clock").isEqualTo(202);
            assertThat(Instant.parse(JSON.readTree(started.body()).get("createdDateTime").asText())).isEqualTo(serverNow);
        }
    }

    @Test
    void aLifetimeTheScenarioSetsIsKeptExactly() throws Exception {
        try (DevStack stack = start(Scenario.defaultScenario().withTokenLifetimeSeconds(6), new ManualClock(T0), 77)) {
            assertThat(token(stack).get("expires_in").asLong()).isEqualTo(6);
        }
    }

    @Test
    void theClockSkewStaysWithin90SecondsAndTheSameSeedGivesTheSameSkew() {
        Set<Duration> skews = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            Duration skew = Realism.realistic(seed).clockSkew();
            assertThat(skew.abs()).isLessThanOrEqualTo(Duration.ofSeconds(90));
            assertThat(Realism.realistic(seed).clockSkew()).isEqualTo(skew);
            skews.add(skew);
        }
        assertThat(skews).hasSizeGreaterThan(100);
        assertThat(skews.stream().anyMatch(Duration::isNegative)).isTrue();
        assertThat(Realism.clean().clockSkew()).isZero();
    }
}
