package com.pbiexport.devstack.powerbi;

import com.pbiexport.devstack.sim.AccessTokens;
import com.pbiexport.devstack.sim.Cloud;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static com.pbiexport.devstack.powerbi.ApiHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Bearer-token checks, answered the way Power BI answers them. */
class TokenCheckTest {
    private static final String EXPORT = groupReport(WS_SALES, RPT_SALES) + "/ExportTo";
    private static final String PDF = "{\"format\":\"PDF\"}";

    // clean profile: each token mistake is asserted with its one deterministic answer (401 nested body)
    private final ApiHarness api = ApiHarness.withFakeEngine();

    @AfterEach
    void stop() {
        api.close();
    }

    private static void assertNotAuthorized(Reply r) {
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.errorCode()).isEqualTo("PowerBINotAuthorizedException");
        assertThat(r.json().path("error").path("pbi.error").path("code").asText()).isEqualTo("PowerBINotAuthorizedException");
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer ");
    }

    @Test
    void missingAuthorizationHeaderAnswers401NotAuthorized() {
        assertNotAuthorized(api.post(EXPORT, null, PDF));
    }

    @Test
    void malformedTokenAnswers401NotAuthorized() {
        assertNotAuthorized(api.post(EXPORT, "not.a-jwt", PDF));
        assertNotAuthorized(api.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.baseUrl + EXPORT))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(PDF)), null, "Authorization", "Basic dXNlcjpwYXNz"));
    }

    @Test
    void tokenNotIssuedByThisSimulatorAnswers401() {
        String foreign = new AccessTokens().sign(java.util.Map.of("aud", Cloud.PUBLIC.powerBiResource(), "tid", CONTOSO,
                "appid", APP, "exp", api.clock.instant().getEpochSecond() + 3600));

        assertNotAuthorized(api.post(EXPORT, foreign, PDF));
    }

    @Test
    void graphTokenAnswers401() {
        String graph = api.token(CONTOSO, APP, c -> c.put("aud", Cloud.GRAPH_AUDIENCE));
        String graphAppId = api.token(CONTOSO, APP, c -> c.put("aud", Cloud.GRAPH_APP_ID));

        assertNotAuthorized(api.post(EXPORT, graph, PDF));
        assertNotAuthorized(api.post(EXPORT, graphAppId, PDF));
    }

    @Test
    void anotherCloudsPowerBiTokenAnswers401() {
        String gov = api.token(CONTOSO, APP, c -> c.put("aud", Cloud.US_GOV.powerBiResource()));

        assertNotAuthorized(api.post(EXPORT, gov, PDF));
    }

    @Test
    void expiredTokenAnswers403TokenExpiredWithTheObservedBody() throws Exception {
        String token = api.contosoToken();
        api.clock.advance(Duration.ofMinutes(61));

        Reply r = api.post(EXPORT, token, PDF);

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json()).isEqualTo(JSON.readTree(
                "{\"error\":{\"code\":\"TokenExpired\",\"message\":\"Access token has expired, resubmit with a new access token\"}}"));
        assertThat(api.fake().starts()).isEmpty();
    }

    @Test
    void tokenIsValidUntilItsExpiryByTheInjectedClock() {
        String token = api.contosoToken();
        api.clock.advance(Duration.ofMinutes(59));

        assertThat(api.post(EXPORT, token, PDF).status()).isEqualTo(202);
    }

    @Test
    void tokenOfAnotherTenantNeverReachesThisTenantsWorkspace() {
        String fabrikam = api.token(FABRIKAM, FABRIKAM_APP);

        assertNotAuthorized(api.post(EXPORT, fabrikam, PDF));
        assertNotAuthorized(api.get(groupReport(WS_SALES, RPT_SALES), fabrikam));
        assertThat(api.fake().starts()).isEmpty();
    }

    @Test
    void tokenOfAnUnknownTenantAnswers401() {
        assertNotAuthorized(api.post(EXPORT, api.token("4a1f0c2e-0000-4000-a000-0000000000ff", APP), PDF));
    }

    @Test
    void tokenNotYetValidAnswers401() {
        String future = api.token(CONTOSO, APP, c -> c.put("nbf", api.clock.instant().getEpochSecond() + 3600));

        assertNotAuthorized(api.post(EXPORT, future, PDF));
    }
}
