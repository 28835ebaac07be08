package com.pbiexport.devstack.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static com.pbiexport.devstack.powerbi.ApiHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Get Groups (OData), Get Report(s), Get Capacities: only what the caller may see. */
class MetadataRoutesTest {
    // clean profile: these tests assert the one deterministic error answer of each refusal
    private final ApiHarness api = ApiHarness.withFakeEngine();

    @AfterEach
    void stop() {
        api.close();
    }

    private List<String> groupNames(String query, String... headers) {
        Reply r = api.get("/v1.0/myorg/groups" + query, api.contosoToken(), headers);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        r.json().get("value").forEach(g -> names.add(g.get("name").asText()));
        return names;
    }

    private static String filter(String expr) {
        return "?$filter=" + URLEncoder.encode(expr, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Test
    void listsOnlyWorkspacesTheCallerIsAMemberOf() {
        assertThat(groupNames("")).containsExactly("Sales (Premium)", "Team (shared capacity)", "Analysts (PPU)", "Ops (A1)");
    }

    @Test
    void aProfileSeesOnlyItsOwnWorkspaces() {
        assertThat(groupNames("", "X-PowerBI-Profile-Id", PROFILE)).containsExactly("Sales (Premium)");
    }

    @Test
    void groupsShowTheirCapacity() {
        JsonNode value = api.get("/v1.0/myorg/groups", api.contosoToken()).json().get("value");
        JsonNode sales = value.get(0);
        JsonNode team = value.get(1);

        assertThat(sales.get("id").asText()).isEqualTo(WS_SALES);
        assertThat(sales.get("isOnDedicatedCapacity").asBoolean()).isTrue();
        assertThat(sales.get("capacityId").asText()).isEqualTo(CAP_F64);
        assertThat(team.get("isOnDedicatedCapacity").asBoolean()).isFalse();
        assertThat(team.has("capacityId")).isFalse();
    }

    @Test
    void filtersGroupsByNameIdAndContains() {
        assertThat(groupNames(filter("name eq 'Ops (A1)'"))).containsExactly("Ops (A1)");
        assertThat(groupNames(filter("name eq 'ops (a1)'"))).containsExactly("Ops (A1)");
        assertThat(groupNames(filter("id eq '" + WS_PPU + "'"))).containsExactly("Analysts (PPU)");
        assertThat(groupNames(filter("contains(name,'Premium')"))).containsExactly("Sales (Premium)");
        assertThat(groupNames(filter("contains(name,'PPU') or name eq 'Ops (A1)'"))).containsExactly("Analysts (PPU)", "Ops (A1)");
        assertThat(groupNames(filter("isOnDedicatedCapacity eq true and not contains(name,'PPU')")))
                .containsExactly("Sales (Premium)", "Ops (A1)");
        assertThat(groupNames(filter("name eq 'Finance (no access)'"))).isEmpty();
    }

    @Test
    void pagesGroupsWithTopAndSkip() {
        assertThat(groupNames("?$top=2")).containsExactly("Sales (Premium)", "Team (shared capacity)");
        assertThat(groupNames("?$skip=1&$top=2")).containsExactly("Team (shared capacity)", "Analysts (PPU)");
        assertThat(groupNames("?$skip=10")).isEmpty();
    }

    @Test
    void listsTheReportsOfAWorkspace() {
        Reply r = api.get("/v1.0/myorg/groups/" + WS_SALES + "/reports", api.contosoToken());

        assertThat(r.status()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.json().get("value").forEach(rep -> ids.add(rep.get("id").asText()));
        assertThat(ids).containsExactly(RPT_SALES, RPT_PAGINATED, "7e000000-0000-4000-a000-000000000003", RPT_60_PAGES);
    }

    @Test
    void reportsOfAWorkspaceTheCallerCannotSeeAnswer404() {
        Reply r = api.get("/v1.0/myorg/groups/" + WS_FINANCE_NO_ACCESS + "/reports", api.contosoToken());

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("PowerBIEntityNotFound");
    }

    @Test
    void getsAReportWithItsType() {
        JsonNode pbi = api.get(groupReport(WS_SALES, RPT_SALES), api.contosoToken()).json();
        JsonNode paginated = api.get(groupReport(WS_SALES, RPT_PAGINATED), api.contosoToken()).json();

        assertThat(pbi.get("name").asText()).isEqualTo("Sales Overview");
        assertThat(pbi.get("reportType").asText()).isEqualTo("PowerBIReport");
        assertThat(pbi.get("datasetId").asText()).isEqualTo("da000000-0000-4000-a000-000000000001");
        assertThat(paginated.get("reportType").asText()).isEqualTo("PaginatedReport");
    }

    @Test
    void unknownReportAnswers404() {
        Reply r = api.get(groupReport(WS_SALES, "7e000000-0000-4000-a000-0000000000ff"), api.contosoToken());

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("PowerBIEntityNotFound");
    }

    @Test
    void listsOnlyCapacitiesTheCallerCanSee() {
        Reply contoso = api.get("/v1.0/myorg/capacities", api.contosoToken());
        Reply profile = api.get("/v1.0/myorg/capacities", api.contosoToken(), "X-PowerBI-Profile-Id", PROFILE);
        Reply fabrikam = api.get("/v1.0/myorg/capacities", api.token(FABRIKAM, FABRIKAM_APP));

        List<String> ids = new ArrayList<>();
        contoso.json().get("value").forEach(c -> ids.add(c.get("id").asText()));
        assertThat(ids).containsExactly(CAP_F64, CAP_PPU, CAP_A1);
        assertThat(profile.json().get("value")).hasSize(1);
        JsonNode p1 = fabrikam.json().get("value").get(0);
        assertThat(fabrikam.json().get("value")).hasSize(1);
        assertThat(p1.get("sku").asText()).isEqualTo("P1");
        assertThat(p1.get("state").asText()).isEqualTo("Active");
        assertThat(p1.get("region").asText()).isEqualTo("West Europe");
        assertThat(p1.get("displayName").asText()).isEqualTo("Fabrikam P1");
        assertThat(p1.get("admins").isArray()).isTrue();
    }

    @Test
    void metadataRoutesNeedAValidToken() {
        assertThat(api.get("/v1.0/myorg/groups", null).status()).isEqualTo(401);
        assertThat(api.get("/v1.0/myorg/capacities", api.token(NORTHWIND, NORTHWIND_APP)).status()).isEqualTo(401);
    }
}
