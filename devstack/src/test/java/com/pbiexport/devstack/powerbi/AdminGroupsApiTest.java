package com.pbiexport.devstack.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static com.pbiexport.devstack.powerbi.ApiHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admin - Groups GetGroupsAsAdmin ({@code GET /v1.0/myorg/admin/groups}), the read-only admin API that tells
 * "workspace exists but the app is not a member" from "no such workspace", which Get Groups answers alike. The
 * shape is pinned here because the cut Swagger contract has no admin path (see SwaggerConformanceTest).
 */
class AdminGroupsApiTest {
    private static final String ADMIN_GROUPS = "/v1.0/myorg/admin/groups";
    /** contoso apps outside the read-only admin API setting's member list (default scenario) */
    private static final String CONTOSO_APP_2 = "c11e7700-0000-4000-a000-000000000002";
    private static final String UNKNOWN_WS = "3d5e0000-0000-4000-a000-0000000000ff";
    private static final String[] CONTOSO_WORKSPACES = {WS_SALES, WS_FINANCE_NO_ACCESS, WS_SHARED, WS_PPU, WS_OPS};

    // clean profile: these tests assert the admin route's one deterministic answer per refusal
    private final ApiHarness api = ApiHarness.withFakeEngine();

    @AfterEach
    void stop() {
        api.close();
    }

    private Reply admin(String query, String token, String... headers) {
        return api.get(ADMIN_GROUPS + query, token, headers);
    }

    private Reply contosoAdmin(String query) {
        return admin(query, api.contosoToken());
    }

    private static String byId(String workspaceId) {
        return "?$top=100&$filter=" + URLEncoder.encode("id eq '" + workspaceId + "'", StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    private static List<String> ids(Reply r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.json().get("value").forEach(g -> ids.add(g.get("id").asText()));
        return ids;
    }

    private static void assertNotAuthorized(Reply r) {
        assertThat(r.status()).as(r.text()).isEqualTo(401);
        assertThat(r.errorCode()).isEqualTo("PowerBINotAuthorizedException");
        assertThat(r.json().path("error").path("pbi.error").path("code").asText()).isEqualTo("PowerBINotAuthorizedException");
    }

    private static void assertInvalidRequest(Reply r, String mentioned) {
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("InvalidRequest");
        assertThat(r.json().path("error").path("message").asText()).contains(mentioned);
    }

    @Test
    void memberAppFindsAWorkspaceItIsNotAMemberOfButNotAnUnknownOne() {
        Reply notMember = contosoAdmin(byId(WS_FINANCE_NO_ACCESS));
        Reply unknown = contosoAdmin(byId(UNKNOWN_WS));
        Reply viaGetGroups = api.get("/v1.0/myorg/groups" + byId(WS_FINANCE_NO_ACCESS), api.contosoToken());

        assertThat(ids(notMember)).containsExactly(WS_FINANCE_NO_ACCESS);
        assertThat(notMember.json().at("/value/0/name").asText()).isEqualTo("Finance (no access)");
        assertThat(ids(unknown)).isEmpty();
        assertThat(ids(viaGetGroups)).as("Get Groups cannot tell the two apart").isEmpty();
    }

    @Test
    void listsEveryWorkspaceOfTheTenantInTheAdminShape() {
        Reply r = contosoAdmin("?$top=5000");

        assertThat(ids(r)).containsExactly(CONTOSO_WORKSPACES);
        JsonNode body = r.json();
        assertThat(fields(body)).containsExactly("@odata.context", "value");
        assertThat(body.get("@odata.context").asText()).isEqualTo(api.baseUrl + "/v1.0/myorg/admin/$metadata#groups");
        JsonNode sales = body.at("/value/0");
        assertThat(fields(sales)).containsExactly("id", "name", "type", "state", "isReadOnly", "isOnDedicatedCapacity",
                "capacityId");
        assertThat(sales.get("name").asText()).isEqualTo("Sales (Premium)");
        assertThat(sales.get("type").asText()).isEqualTo("Workspace");
        assertThat(sales.get("state").asText()).isEqualTo("Active");
        assertThat(sales.get("isReadOnly").isBoolean()).isTrue();
        assertThat(sales.get("isReadOnly").asBoolean()).isFalse();
        assertThat(sales.get("isOnDedicatedCapacity").asBoolean()).isTrue();
        assertThat(sales.get("capacityId").asText()).isEqualTo(CAP_F64);
        JsonNode shared = body.at("/value/2");
        assertThat(shared.get("id").asText()).isEqualTo(WS_SHARED);
        assertThat(shared.get("isOnDedicatedCapacity").asBoolean()).isFalse();
        assertThat(shared.has("capacityId")).isFalse();
    }

    @Test
    void neverListsAnotherTenantsWorkspace() {
        assertThat(ids(contosoAdmin(byId(WS_FABRIKAM)))).isEmpty();
        assertThat(ids(contosoAdmin(byId(WS_TAILSPIN)))).isEmpty();
        assertThat(ids(contosoAdmin("?$top=5000"))).doesNotContain(WS_FABRIKAM, WS_NORTHWIND, WS_TAILSPIN);
    }

    @Test
    void pagesWithTopAndSkip() {
        assertThat(ids(contosoAdmin("?$top=2"))).containsExactly(WS_SALES, WS_FINANCE_NO_ACCESS);
        assertThat(ids(contosoAdmin("?$top=2&$skip=2"))).containsExactly(WS_SHARED, WS_PPU);
        assertThat(ids(contosoAdmin("?$skip=4&$top=2"))).containsExactly(WS_OPS);
        assertThat(ids(contosoAdmin("?$skip=5&$top=2"))).isEmpty();
    }

    @Test
    void filtersLikeGetGroupsPlusTypeAndState() {
        String query = "?$top=10&$filter=" + URLEncoder.encode(
                "isOnDedicatedCapacity eq false or (contains(name,'Finance') and state eq 'Active' and type eq 'Workspace')",
                StandardCharsets.UTF_8).replace("+", "%20");

        assertThat(ids(contosoAdmin(query))).containsExactly(WS_FINANCE_NO_ACCESS, WS_SHARED);
        assertThat(ids(contosoAdmin("?$top=10&$filter=state%20eq%20'Deleted'"))).isEmpty();
    }

    @Test
    void appOutsideTheSettingsMemberListAnswers401() {
        Reply r = admin("?$top=10", api.token(CONTOSO, CONTOSO_APP_2));

        assertNotAuthorized(r);
        assertThat(r.header("X-PowerBI-Error-Info")).isNull();
        assertThat(api.get("/v1.0/myorg/groups", api.token(CONTOSO, CONTOSO_APP_2)).status())
                .as("the same app may still use the ordinary APIs").isEqualTo(200);
    }

    @Test
    void tenantWithTheSettingOffAnswers401() {
        assertNotAuthorized(admin("?$top=10", api.token(FABRIKAM, FABRIKAM_APP)));
        assertNotAuthorized(admin("?$top=10", api.token(TAILSPIN, TS_APP_IN_GROUP)));
    }

    @Test
    void servicePrincipalsBarredFromFabricApisStillGetTheSharedAnswer() {
        Reply r = admin("?$top=10", api.token(NORTHWIND, NORTHWIND_APP));

        assertNotAuthorized(r);
        assertThat(r.header("X-PowerBI-Error-Info")).isEqualTo("ServicePrincipalIsNotAllowedByTenantAdminSwitch");
    }

    @Test
    void userTokenAnswers401BecauseTheScenarioHasNoFabricAdministrators() {
        String user = api.token(CONTOSO, APP, c -> {
            c.put("idtyp", "user");
            c.put("scp", "Tenant.Read.All");
            c.put("oid", "05e10000-0000-4000-a000-000000000001");
        });

        assertNotAuthorized(admin("?$top=10", user));
    }

    @Test
    void tokenProblemsAnswerAsOnEveryRoute() {
        assertNotAuthorized(admin("?$top=10", null));
        Reply expired = admin("?$top=10", api.token(CONTOSO, APP, c -> c.put("exp", 1)));

        assertThat(expired.status()).isEqualTo(403);
        assertThat(expired.errorCode()).isEqualTo("TokenExpired");
    }

    @Test
    void topIsMandatoryAndAtMost5000() {
        assertInvalidRequest(contosoAdmin(""), "$top");
        assertInvalidRequest(contosoAdmin("?$skip=1"), "$top");
        assertInvalidRequest(contosoAdmin("?$top=0"), "$top");
        assertInvalidRequest(contosoAdmin("?$top=5001"), "$top");
        assertInvalidRequest(contosoAdmin("?$top=ten"), "$top");
        assertThat(contosoAdmin("?$top=1").status()).isEqualTo(200);
    }

    @Test
    void expandBadFilterAndProfileHeaderAnswer400() {
        assertInvalidRequest(contosoAdmin("?$top=10&$expand=users"), "$expand");
        assertInvalidRequest(contosoAdmin("?$top=10&$filter=bogus%20eq%201"), "$filter");
        assertInvalidRequest(admin("?$top=10", api.contosoToken(), "X-PowerBI-Profile-Id", PROFILE), "X-PowerBI-Profile-Id");
    }

    @Test
    void onlyGetOnTheGroupsListIsServed() {
        Reply post = api.send(HttpRequest.newBuilder(URI.create(api.baseUrl + ADMIN_GROUPS + "?$top=1"))
                .POST(HttpRequest.BodyPublishers.noBody()), api.contosoToken());
        Reply single = api.get(ADMIN_GROUPS + "/" + WS_SALES, api.contosoToken());

        assertThat(post.status()).isEqualTo(405);
        assertThat(single.status()).isEqualTo(404);
        assertThat(single.errorCode()).isEqualTo("NotFound");
    }

    @Test
    void sixteenthCallInAMinuteAnswers429UntilTheOldestLeavesTheWindow() {
        for (int i = 0; i < 15; i++) {
            assertThat(contosoAdmin("?$top=1").status()).as("call " + (i + 1)).isEqualTo(200);
            api.clock.advance(Duration.ofSeconds(2));
        }
        // first call 30 s ago: the minute window frees in 30 s
        Reply throttled = contosoAdmin("?$top=1");

        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.errorCode()).isEqualTo("TooManyRequests");
        assertThat(throttled.header("Retry-After")).isEqualTo("30");
        assertThat(api.counters.get("adminApiCalls")).isEqualTo(16);
        assertThat(api.counters.get("adminApiThrottled")).isEqualTo(1);
        assertThat(api.counters.get("throttled429")).isEqualTo(1);

        api.clock.advance(Duration.ofSeconds(29));
        assertThat(contosoAdmin("?$top=1").status()).as("1 s early").isEqualTo(429);
        api.clock.advance(Duration.ofSeconds(1));
        assertThat(contosoAdmin("?$top=1").status()).isEqualTo(200);
        assertThat(api.counters.get("adminApiThrottled")).isEqualTo(2);
    }

    @Test
    void fiftyFirstCallInAnHourAnswers429WithTheHoursRetryAfter() {
        for (int i = 0; i < 50; i++) {
            assertThat(contosoAdmin("?$top=1").status()).as("call " + (i + 1)).isEqualTo(200);
            api.clock.advance(Duration.ofSeconds(5));  // 12 a minute: never the minute limit
        }
        // first call 250 s ago
        Reply throttled = contosoAdmin("?$top=1");

        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.header("Retry-After")).isEqualTo(String.valueOf(3600 - 250));
        api.clock.advance(Duration.ofSeconds(3600 - 250));
        assertThat(admin("?$top=1", api.contosoToken()).status()).isEqualTo(200);
    }

    @Test
    void refusedCallsDoNotUseTheTenantsQuota() {
        for (int i = 0; i < 20; i++) {
            assertNotAuthorized(admin("?$top=1", api.token(CONTOSO, CONTOSO_APP_2)));
        }

        assertThat(contosoAdmin("?$top=1").status()).isEqualTo(200);
        assertThat(api.counters.get("adminApiCalls")).isEqualTo(21);
        assertThat(api.counters.get("adminApiThrottled")).isZero();
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
