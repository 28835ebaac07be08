package com.pbiexport.devstack.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static com.pbiexport.devstack.powerbi.ApiHarness.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every response shape the simulator produces validates against the official Swagger definitions, and every
 * request body the tests send validates against {@code ExportReportRequest}.
 */
class SwaggerConformanceTest {
    /**
     * The Swagger defines no error schema (its paths list only 2xx answers); error bodies are checked against the
     * shapes the reference document records: {@code {"error":{"code","message"?,"pbi.error"?}}} and the
     * My-workspace {@code {"Message": "..."}}.
     */
    static final String ERROR_SCHEMA = """
            {"$schema": "http://json-schema.org/draft-04/schema#",
             "oneOf": [
               {"type": "object", "required": ["error"], "additionalProperties": false,
                "properties": {"error": {"type": "object", "required": ["code"], "additionalProperties": false,
                  "properties": {"code": {"type": "string", "minLength": 1}, "message": {"type": "string"},
                    "pbi.error": {"type": "object", "required": ["code"],
                      "properties": {"code": {"type": "string"}, "parameters": {"type": "object"},
                                     "details": {"type": "array"}, "exceptionCulprit": {"type": "integer"}}}}}}},
               {"type": "object", "required": ["Message"], "additionalProperties": false,
                "properties": {"Message": {"type": "string"}}}
             ]}
            """;

    /** Every request body the simulator tests send (also kept here so the list is checked in one place). */
    static final List<String> REQUEST_BODIES = List.of(
            "{\"format\":\"PDF\"}",
            "{\"format\":\"pptx\",\"powerBIReportConfiguration\":{\"pages\":[{\"pageName\":\"p1\"},{\"pageName\":\"p2\"}]}}",
            "{\"format\":\"PNG\"}",
            "{\"format\":\"PPTX\"}",
            "{\"format\":\"XLSX\"}",
            "{\"format\":\"PDF\",\"powerBIReportConfiguration\":{\"settings\":{\"locale\":\"de-DE\",\"includeHiddenPages\":false},"
                    + "\"defaultBookmark\":{\"name\":\"Bookmark1\"},\"reportLevelFilters\":[{\"filter\":\"Store/Territory in ('NC','TN')\"}],"
                    + "\"pages\":[{\"pageName\":\"ReportSection1\",\"visualName\":\"v1\",\"bookmark\":{\"state\":\"H4sIA\"}}],"
                    + "\"identities\":[{\"username\":\"alice@contoso.com\",\"roles\":[\"Sales\"],\"datasets\":[\"da000000-0000-4000-a000-000000000001\"]}]}}",
            "{\"format\":\"XLSX\",\"paginatedReportConfiguration\":{\"parameterValues\":[{\"name\":\"Region\",\"value\":\"West\"},"
                    + "{\"name\":\"Region\",\"value\":\"East\"}],\"formatSettings\":{\"StartPage\":\"1\",\"EndPage\":\"2\"},"
                    + "\"identities\":[{\"username\":\"bob@contoso.com\"}]}}",
            "{\"format\":\"IMAGE\",\"paginatedReportConfiguration\":{\"formatSettings\":{\"OutputFormat\":\"PNG\"}}}",
            pages(50));

    /**
     * Simulated routes the cut Swagger contract does not have, each with the reason; the shape of each is pinned by
     * its own test instead. Keep it short: an export route belongs in the contract.
     */
    static final Map<String, String> NOT_IN_CONTRACT = Map.of(
            "/v1.0/myorg/admin/groups",
            "GetGroupsAsAdmin is not in the cut export contract; its shape follows Microsoft's REST reference "
                    + "(Admin - Groups GetGroupsAsAdmin) and AdminGroupsApiTest pins it");

    /** Every route the simulator serves, by its {@link ApiRoute} type, as Swagger path templates. */
    private static final Map<Class<?>, List<String>> ROUTE_PATHS = Map.of(
            ApiRoute.ExportTo.class, List.of("/v1.0/myorg/groups/{groupId}/reports/{reportId}/ExportTo",
                    "/v1.0/myorg/reports/{reportId}/ExportTo"),
            ApiRoute.ExportStatus.class, List.of("/v1.0/myorg/groups/{groupId}/reports/{reportId}/exports/{exportId}",
                    "/v1.0/myorg/reports/{reportId}/exports/{exportId}"),
            ApiRoute.ExportFileRoute.class, List.of("/v1.0/myorg/groups/{groupId}/reports/{reportId}/exports/{exportId}/file",
                    "/v1.0/myorg/reports/{reportId}/exports/{exportId}/file"),
            ApiRoute.ListGroups.class, List.of("/v1.0/myorg/groups"),
            ApiRoute.ListReports.class, List.of("/v1.0/myorg/groups/{groupId}/reports"),
            ApiRoute.GetReport.class, List.of("/v1.0/myorg/groups/{groupId}/reports/{reportId}",
                    "/v1.0/myorg/reports/{reportId}"),
            ApiRoute.ListCapacities.class, List.of("/v1.0/myorg/capacities"),
            ApiRoute.AdminGroups.class, List.of("/v1.0/myorg/admin/groups"));

    private static SwaggerSchemas swagger;
    // clean profile: success bodies are alike in both; the realistic error shapes are checked in RealisticErrorAnswersTest
    private final ApiHarness api = ApiHarness.withFakeEngine();

    @BeforeAll
    static void loadSwagger() {
        swagger = SwaggerSchemas.load();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    static String pages(int n) {
        return "{\"format\":\"PDF\",\"powerBIReportConfiguration\":{\"pages\":["
                + IntStream.range(0, n).mapToObj(i -> "{\"pageName\":\"Page" + i + "\"}").collect(Collectors.joining(","))
                + "]}}";
    }

    private static void assertConforms(String definition, JsonNode body) {
        assertThat(swagger.errors(definition, body)).as(definition + ": " + body).isEmpty();
    }

    /** Fields the Swagger's flat definition does not declare (the OData context is the service's own). */
    private static Set<String> undeclared(String definition, JsonNode body) {
        Set<String> fields = new TreeSet<>();
        body.fieldNames().forEachRemaining(fields::add);
        fields.removeAll(swagger.declaredProperties(definition));
        fields.remove("@odata.context");
        return fields;
    }

    @Test
    void everyExportAnswerConformsToTheExportDefinition() {
        String status = groupReport(WS_SALES, RPT_SALES) + "/exports/";
        Reply started = api.post(groupReport(WS_SALES, RPT_SALES) + "/ExportTo", api.contosoToken(), "{\"format\":\"PDF\"}");
        String id = started.json().get("id").asText();
        String failedId = api.startExport(WS_SALES, RPT_SALES, api.contosoToken(), "{\"format\":\"PDF\"}").get("id").asText();
        api.fake().running(id, 50);
        Reply running = api.get(status + id, api.contosoToken());
        api.fake().succeed(id, "%PDF".getBytes(StandardCharsets.US_ASCII));
        Reply succeeded = api.get(status + id, api.contosoToken());
        api.fake().fail(failedId, Optional.of(30));
        Reply failed = api.get(status + failedId, api.contosoToken());

        for (Reply r : List.of(started, running, succeeded, failed)) {
            assertConforms("Export", r.json());
            assertThat(undeclared("Export", r.json())).as(r.text()).isEmpty();
        }
        assertThat(succeeded.json().has("ResourceFileExtension")).isTrue();
    }

    @Test
    void groupListsConformToTheGroupsDefinition() {
        assertConforms("Groups", api.get("/v1.0/myorg/groups", api.contosoToken()).json());
        assertConforms("Groups", api.get("/v1.0/myorg/groups?$filter=contains(name,'PPU')&$top=1", api.contosoToken()).json());
        assertConforms("Groups", api.get("/v1.0/myorg/groups", api.contosoToken(), "X-PowerBI-Profile-Id", PROFILE).json());
    }

    @Test
    void reportsConformToTheReportAndReportsDefinitions() {
        assertConforms("Report", api.get(groupReport(WS_SALES, RPT_SALES), api.contosoToken()).json());
        assertConforms("Report", api.get(groupReport(WS_SALES, RPT_PAGINATED), api.contosoToken()).json());
        assertConforms("Reports", api.get("/v1.0/myorg/groups/" + WS_SALES + "/reports", api.contosoToken()).json());
    }

    @Test
    void capacityListsConformToTheCapacitiesDefinition() {
        JsonNode caps = api.get("/v1.0/myorg/capacities", api.contosoToken()).json();

        assertConforms("Capacities", caps);
        caps.get("value").forEach(c -> assertThat(undeclared("Capacity", c)).isEmpty());
    }

    @Test
    void everySimulatedRouteIsInTheSwaggerOrExcludedWithAReason() {
        assertThat(ROUTE_PATHS.keySet()).as("a route type without a path here")
                .containsExactlyInAnyOrder(ApiRoute.class.getPermittedSubclasses());
        ROUTE_PATHS.forEach((type, templates) -> templates.forEach(template -> {
            String path = template.replace("{groupId}", WS_SALES).replace("{reportId}", RPT_SALES)
                    .replace("{exportId}", "export-1");
            String method = template.endsWith("/ExportTo") ? "POST" : "GET";
            assertThat(ApiRoute.parse(method, path)).as(template).isInstanceOf(type);
            assertThat(swagger.paths().contains(template) || NOT_IN_CONTRACT.containsKey(template))
                    .as(template + " is neither in the Swagger nor excluded with a reason").isTrue();
        }));
        assertThat(NOT_IN_CONTRACT.keySet()).as("an exclusion the Swagger no longer needs")
                .doesNotContainAnyElementsOf(swagger.paths());
    }

    @Test
    void everyErrorBodyHasADocumentedShape() {
        String export = groupReport(WS_SALES, RPT_SALES) + "/ExportTo";
        String pdf = "{\"format\":\"PDF\"}";
        List<Reply> errors = new ArrayList<>(List.of(
                api.post(export, null, pdf),                                                           // 401
                api.post(groupReport(WS_NORTHWIND, RPT_NORTHWIND) + "/ExportTo", api.token(NORTHWIND, NORTHWIND_APP), pdf),
                api.post(export, api.token(CONTOSO, APP, c -> c.put("exp", 1)), pdf),                   // 403 TokenExpired
                api.post("/v1.0/myorg/reports/" + RPT_SALES + "/ExportTo", api.contosoToken(), pdf),   // 403 Message
                api.post(groupReport(WS_SHARED, RPT_SHARED) + "/ExportTo", api.contosoToken(), pdf),   // 403 capacity
                api.post(groupReport(WS_SALES, RPT_LABELLED) + "/ExportTo", api.contosoToken(), pdf),  // 403 label
                api.post(groupReport(WS_FABRIKAM, RPT_FABRIKAM) + "/ExportTo", api.token(FABRIKAM, FABRIKAM_APP), "{\"format\":\"PNG\"}"),
                api.post(export, api.contosoToken(), "{"),                                              // 400
                api.post(groupReport(WS_FINANCE_NO_ACCESS, RPT_FINANCE) + "/ExportTo", api.contosoToken(), pdf), // 404
                api.get("/v1.0/myorg/dashboards", api.contosoToken()),                                  // 404 route
                api.get("/v1.0/myorg/admin/groups", api.contosoToken()),                                // 400 no $top
                api.get("/v1.0/myorg/admin/groups?$top=1", api.token(FABRIKAM, FABRIKAM_APP)),         // 401 admin setting
                api.send(HttpRequest.newBuilder(URI.create(api.baseUrl + export)).PUT(HttpRequest.BodyPublishers.noBody()),
                        api.contosoToken())));                                                          // 405
        api.fake().throttleNext(1, 5);
        errors.add(api.post(export, api.contosoToken(), pdf));                                         // 429
        api.faults.merge("{\"powerBiErrorRate\":1.0}".getBytes(StandardCharsets.UTF_8));
        errors.add(api.get("/v1.0/myorg/groups", api.contosoToken()));                                 // 5xx

        Set<Integer> statuses = new TreeSet<>();
        for (Reply r : errors) {
            statuses.add(r.status());
            assertThat(r.status()).isGreaterThanOrEqualTo(400);
            assertThat(swagger.errorsAgainst(ERROR_SCHEMA, r.json())).as(r.status() + " " + r.text()).isEmpty();
        }
        assertThat(statuses).contains(400, 401, 403, 404, 405, 429);
    }

    @Test
    void requestBodiesTheTestsSendConformToExportReportRequest() throws Exception {
        for (String body : REQUEST_BODIES) {
            JsonNode node = JSON.readTree(body);
            // the service binds the enum case-insensitively; the Swagger lists upper-case values
            ((com.fasterxml.jackson.databind.node.ObjectNode) node).put("format", node.get("format").asText().toUpperCase());
            assertConforms("ExportReportRequest", node);
        }
    }

    @Test
    void theValidatorRejectsShapesThatBreakTheSwagger() throws Exception {
        assertThat(swagger.errors("Export", JSON.readTree("{\"id\":\"x\",\"status\":\"Bogus\",\"percentComplete\":101}")))
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(swagger.errors("ExportReportRequest", JSON.readTree("{\"format\":\"GIF\"}"))).isNotEmpty();
        assertThat(swagger.errors("ExportReportRequest", JSON.readTree("{\"powerBIReportConfiguration\":{}}"))).isNotEmpty();
        assertThat(swagger.errors("Capacities", JSON.readTree("{\"value\":[{\"id\":\"x\"}]}"))).isNotEmpty();
        assertThat(swagger.errors("Groups", JSON.readTree("{\"value\":[{\"name\":\"no id\"}]}"))).isNotEmpty();
    }

    @Test
    void swaggerIsFoundBesideTheRepoRoot() {
        assertThat(SwaggerSchemas.SWAGGER.toAbsolutePath().normalize().toString())
                .endsWith("shared/reference/powerbi-export-api.swagger.json".replace('/', java.io.File.separatorChar));
        assertThat(swagger.declaredProperties("Export")).contains("ResourceFileExtension", "resourceLocation");
    }
}
