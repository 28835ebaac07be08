package com.pbiexport.worker.it;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.contracts.DeadLetterHeaders;
import com.pbiexport.contracts.ErrorCategory;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.ExportFailed;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.config.CredentialConfig;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.config.WorkerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static com.pbiexport.worker.it.ScenarioIds.BOARD_PACK_LABELLED;
import static com.pbiexport.worker.it.ScenarioIds.FABRIKAM_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.FABRIKAM_WS;
import static com.pbiexport.worker.it.ScenarioIds.FINANCE_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.FINANCE_WS;
import static com.pbiexport.worker.it.ScenarioIds.INVOICE_PAGINATED;
import static com.pbiexport.worker.it.ScenarioIds.NORTHWIND_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.NORTHWIND_WS;
import static com.pbiexport.worker.it.ScenarioIds.PPU_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.PPU_WS;
import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static com.pbiexport.worker.it.ScenarioIds.SIXTY_PAGES;
import static com.pbiexport.worker.it.ScenarioIds.TEAM_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.TEAM_WS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every misconfiguration the devstack models ends in its own {@code error.code} and category (table-driven: all
 * requests go to one worker at once, each case checks its own answer), and invalid or unparseable records get
 * an answer without stopping the worker.
 */
class MisconfigurationIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    static final String WRONG_SECRET = "contoso-wrong-secret";
    static final String DISABLED_APP = "contoso-disabled-app";
    static final String UNKNOWN_APP = "contoso-unknown-app";
    static final String UNKNOWN_TENANT_ID = "unknown-tenant-id";

    private static WorkerHarness harness;
    private static Lane lane;

    /** One misconfigured request and the answer it must get. */
    record Case(String name, String tenant, String workspaceId, String reportId, ExportFormat format,
                Consumer<ExportRequested.Builder> adjust, String code, ErrorCategory category) {
        @Override
        public String toString() {
            return name + " -> " + code;
        }

        String requestId() {
            return "misconfig-" + name;
        }

        ExportRequested request() {
            ExportRequested.Builder b = ExportRequested.builder(requestId(), tenant, workspaceId, reportId, format);
            adjust.accept(b);
            return b.build();
        }
    }

    static List<Case> cases() {
        Consumer<ExportRequested.Builder> none = b -> { };
        ObjectNode pages = JsonNodeFactory.instance.objectNode();
        pages.putArray("pages").addObject().put("pageName", "ReportSection1");
        ObjectNode params = JsonNodeFactory.instance.objectNode();
        params.putArray("parameterValues").addObject().put("name", "InvoiceNumber").put("value", "INV-1");
        return List.of(
                // Power BI hides workspaces from non-members (the same 404 as an unknown workspace); the read-only
                // admin API, allowed for contoso's main app, says the workspace exists (docs/TROUBLESHOOTING.md)
                new Case("not-a-member", DemoStack.CONTOSO, FINANCE_WS, FINANCE_REPORT, ExportFormat.PDF, none,
                        "PBI_NOT_WORKSPACE_MEMBER", ErrorCategory.PERMISSION),
                new Case("shared-capacity", DemoStack.CONTOSO, TEAM_WS, TEAM_REPORT, ExportFormat.PDF, none,
                        "PBI_NO_DEDICATED_CAPACITY", ErrorCategory.CAPACITY),
                new Case("ppu", DemoStack.CONTOSO, PPU_WS, PPU_REPORT, ExportFormat.PDF, none,
                        "PBI_PPU_NOT_SUPPORTED", ErrorCategory.CAPACITY),
                // capacity, PPU and membership ruled out by the worker's look-ups; no observed signal tells a label
                // from a format setting: the ambiguous code, candidates ranked by format (docs/TROUBLESHOOTING.md)
                new Case("sensitivity-label-pdf", DemoStack.CONTOSO, SALES_WS, BOARD_PACK_LABELLED, ExportFormat.PDF,
                        none, "PBI_EXPORT_FORBIDDEN_AMBIGUOUS", ErrorCategory.PERMISSION),
                // the request names no pages, so the count is unknown before the export: Power BI's 400, quoted
                new Case("more-than-50-pages", DemoStack.CONTOSO, SALES_WS, SIXTY_PAGES, ExportFormat.PDF, none,
                        "PBI_BAD_REQUEST", ErrorCategory.INVALID_REQUEST),
                new Case("png-disabled-by-tenant", DemoStack.FABRIKAM, FABRIKAM_WS, FABRIKAM_REPORT, ExportFormat.PNG,
                        none, "PBI_EXPORT_FORBIDDEN_AMBIGUOUS", ErrorCategory.PERMISSION),
                new Case("service-principals-not-allowed", DemoStack.NORTHWIND, NORTHWIND_WS, NORTHWIND_REPORT,
                        ExportFormat.PDF, none, "PBI_SERVICE_PRINCIPALS_DISABLED", ErrorCategory.PERMISSION),
                new Case("graph-audience-token", DemoStack.CONTOSO_GRAPH_SCOPE, SALES_WS, SALES_REPORT,
                        ExportFormat.PDF, none, "TOKEN_AUDIENCE_GRAPH", ErrorCategory.AUTH),
                new Case("expired-secret", DemoStack.CONTOSO_EXPIRED_SECRET, SALES_WS, SALES_REPORT, ExportFormat.PDF,
                        none, "AUTH_SECRET_EXPIRED", ErrorCategory.AUTH),
                new Case("wrong-secret", WRONG_SECRET, SALES_WS, SALES_REPORT, ExportFormat.PDF, none,
                        "AUTH_INVALID_SECRET", ErrorCategory.AUTH),
                new Case("disabled-app", DISABLED_APP, SALES_WS, SALES_REPORT, ExportFormat.PDF, none,
                        "AUTH_APP_DISABLED", ErrorCategory.AUTH),
                new Case("unknown-app", UNKNOWN_APP, SALES_WS, SALES_REPORT, ExportFormat.PDF, none,
                        "AUTH_APP_NOT_FOUND", ErrorCategory.AUTH),
                new Case("unknown-tenant-id", UNKNOWN_TENANT_ID, SALES_WS, SALES_REPORT, ExportFormat.PDF, none,
                        "AUTH_TENANT_NOT_FOUND", ErrorCategory.AUTH),
                new Case("unknown-tenant-alias", "acme", SALES_WS, SALES_REPORT, ExportFormat.PDF, none,
                        "INVALID_UNKNOWN_TENANT", ErrorCategory.INVALID_REQUEST),
                new Case("unknown-report-id", DemoStack.CONTOSO, SALES_WS, "7e000000-0000-4000-a000-0000000000ff",
                        ExportFormat.PDF, none, "PBI_REPORT_NOT_FOUND", ErrorCategory.NOT_FOUND),
                new Case("unknown-profile-id", DemoStack.CONTOSO, SALES_WS, SALES_REPORT, ExportFormat.PDF,
                        b -> b.profileId("9f0f11e0-0000-4000-a000-0000000000ff"), "PBI_PROFILE_NOT_FOUND",
                        ErrorCategory.NOT_FOUND),
                // the worker cannot know the report type: Power BI answers
                new Case("paginated-format-on-powerbi-report", DemoStack.CONTOSO, SALES_WS, SALES_REPORT,
                        ExportFormat.XLSX, none, "PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE",
                        ErrorCategory.INVALID_REQUEST),
                // the request itself says Power BI report: the worker refuses before calling Power BI
                new Case("paginated-format-with-powerbi-configuration", DemoStack.CONTOSO, SALES_WS, SALES_REPORT,
                        ExportFormat.XLSX, b -> b.powerBIReportConfiguration(pages), "INVALID_FORMAT_FOR_REPORT_TYPE",
                        ErrorCategory.INVALID_REQUEST),
                new Case("png-of-paginated-report", DemoStack.CONTOSO, SALES_WS, INVOICE_PAGINATED, ExportFormat.PNG,
                        none, "PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE", ErrorCategory.INVALID_REQUEST),
                new Case("invalid-guid", DemoStack.CONTOSO, "sales-workspace", SALES_REPORT, ExportFormat.PDF, none,
                        "INVALID_GUID", ErrorCategory.INVALID_REQUEST),
                new Case("both-configurations", DemoStack.CONTOSO, SALES_WS, SALES_REPORT, ExportFormat.PDF,
                        b -> b.powerBIReportConfiguration(pages).paginatedReportConfiguration(params),
                        "INVALID_CONFIGURATION", ErrorCategory.INVALID_REQUEST));
    }

    @BeforeAll
    static void publishEveryCase() {
        harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(200));
        lane = harness.lane("misconfig", MisconfigurationIT::withBrokenTenants);
        lane.startWorker();
        cases().forEach(c -> lane.publish(c.request()));
    }

    @AfterAll
    static void stop() {
        if (lane != null) {
            lane.close();
        }
        if (harness != null) {
            harness.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void misconfigurationEndsInItsOwnCode(Case c) {
        Outcome o = lane.awaitOutcome(c.requestId(), TIMEOUT);
        ExportFailed f = o.failed();
        assertThat(f.error().code()).as("error.code of %s: %s", c.name(), o.text()).isEqualTo(c.code());
        assertThat(f.error().category()).as("category of %s", c.name()).isEqualTo(c.category());
        assertThat(f.error().remediation()).as("remediation of %s", c.name()).isNotBlank();
        assertThat(f.requestId()).isEqualTo(c.requestId());
        assertThat(f.tenant()).isEqualTo(c.tenant());
    }

    @Test
    void aBurstOfJobsFailingOnOneInvisibleWorkspaceCostsOneReadOnlyAdminApiCall() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(lane.publish(ExportRequested.builder("misconfig-finance-burst-" + i, DemoStack.CONTOSO, FINANCE_WS,
                    FINANCE_REPORT, ExportFormat.PDF).build()));
        }

        Map<String, Outcome> outcomes = lane.awaitOutcomes(ids, TIMEOUT);

        assertThat(outcomes.values()).allSatisfy(o -> assertThat(o.failed().error().code())
                .isEqualTo("PBI_NOT_WORKSPACE_MEMBER"));
        // with the 'not-a-member' case: one question per tenant alias and workspace within WorkspaceProbe.TTL
        assertThat(harness.stack().counters().get("adminApiCalls")).isEqualTo(1);
    }

    @Test
    void unknownFormatIsRefusedAsInvalidFormat() {
        ObjectNode json = (ObjectNode) EventCodec.shared().mapper().valueToTree(ExportRequested.builder(
                "misconfig-unknown-format", DemoStack.CONTOSO, SALES_WS, SALES_REPORT, ExportFormat.PDF).build());
        json.put("format", "WORD");
        lane.publishRaw(DemoStack.CONTOSO, json.toString().getBytes(StandardCharsets.UTF_8));
        ExportFailed f = lane.awaitOutcome("misconfig-unknown-format", TIMEOUT).failed();
        assertThat(f.error().code()).isEqualTo("INVALID_FORMAT");
        assertThat(f.error().category()).isEqualTo(ErrorCategory.INVALID_REQUEST);
    }

    @Test
    void malformedJsonGoesToTheDeadLetterTopicAndTheWorkerKeepsRunning() {
        try (Lane own = harness.lane("malformed")) {
            own.startWorker();
            byte[] garbage = "{ this is not JSON".getBytes(StandardCharsets.UTF_8);
            own.publishRaw("contoso", garbage);
            ExportRequested valid = ExportRequested.builder("after-garbage-" + UUID.randomUUID(), DemoStack.CONTOSO,
                    SALES_WS, SALES_REPORT, ExportFormat.PDF).build();
            own.publish(valid);

            Outcome dead = own.awaitDeadLetters(1, TIMEOUT).get(0);
            assertThat(dead.header(DeadLetterHeaders.REASON)).isEqualTo("MALFORMED_JSON");
            assertThat(dead.header(DeadLetterHeaders.ERROR)).isNotBlank();
            assertThat(dead.header(DeadLetterHeaders.TOPIC)).isEqualTo(own.config().topics().requests());
            assertThat(dead.header(DeadLetterHeaders.PARTITION)).matches("\\d+");
            assertThat(dead.header(DeadLetterHeaders.OFFSET)).isEqualTo("0");
            assertThat(dead.value()).isEqualTo(garbage);
            assertThat(dead.key()).isEqualTo("contoso");
            own.awaitOutcome(valid.requestId(), TIMEOUT).completed();
            // the contract (DeadLetterHeaders.TIMESTAMP): the original record's timestamp in epoch milliseconds
            assertThat(dead.header(DeadLetterHeaders.TIMESTAMP)).as("dlq.timestamp").matches("\\d+");
        }
    }

    @Test
    void wronglyTypedRequestsGetExportFailedWithTheirRequestIdAndTheWorkerKeepsRunning() {
        try (Lane own = harness.lane("wrong-type")) {
            own.startWorker();
            String number = "{\"requestId\":\"wrong-type-1\",\"tenant\":\"contoso\",\"workspaceId\":42,"
                    + "\"reportId\":\"" + SALES_REPORT + "\",\"format\":\"PDF\"}";
            own.publishRaw("contoso", number.getBytes(StandardCharsets.UTF_8));
            String object = "{\"requestId\":\"wrong-type-2\",\"tenant\":\"contoso\",\"workspaceId\":{\"id\":1},"
                    + "\"reportId\":\"" + SALES_REPORT + "\",\"format\":\"PDF\"}";
            own.publishRaw("contoso", object.getBytes(StandardCharsets.UTF_8));
            ExportRequested valid = ExportRequested.builder("after-wrong-type-" + UUID.randomUUID(), DemoStack.CONTOSO,
                    SALES_WS, SALES_REPORT, ExportFormat.PDF).build();
            own.publish(valid);

            own.awaitOutcome(valid.requestId(), TIMEOUT).completed();
            // a JSON number where a string belongs reads as its text (Jackson's scalar coercion): not a GUID
            ExportFailed n = own.awaitOutcome("wrong-type-1", TIMEOUT).failed();
            assertThat(n.requestId()).isEqualTo("wrong-type-1");
            assertThat(n.error().category()).isEqualTo(ErrorCategory.INVALID_REQUEST);
            assertThat(n.error().code()).isEqualTo("INVALID_GUID");
            assertThat(n.error().message()).contains("workspaceId");
            // an object where a string belongs cannot be read beyond its requestId; the message must name the field
            ExportFailed o = own.awaitOutcome("wrong-type-2", TIMEOUT).failed();
            assertThat(o.requestId()).isEqualTo("wrong-type-2");
            assertThat(o.error().category()).isEqualTo(ErrorCategory.INVALID_REQUEST);
            assertThat(o.error().code()).isEqualTo("INVALID_REQUEST");
            assertThat(o.error().message()).contains("workspaceId");
        }
    }

    /** The demo tenants plus tenants whose credentials or ids are wrong on purpose. */
    private static WorkerConfig withBrokenTenants(WorkerConfig cfg) {
        TenantConfig contoso = cfg.tenants().get(DemoStack.CONTOSO);
        Map<String, TenantConfig> tenants = new LinkedHashMap<>(cfg.tenants());
        tenants.put(WRONG_SECRET, copy(contoso, contoso.tenantId(), contoso.clientId(),
                CredentialConfig.Secret.inline("not-the-secret")));
        tenants.put(DISABLED_APP, copy(contoso, contoso.tenantId(), ScenarioIds.CONTOSO_DISABLED_APP,
                CredentialConfig.Secret.inline("disabled-app-secret")));
        tenants.put(UNKNOWN_APP, copy(contoso, contoso.tenantId(), "c11e7700-0000-4000-a000-0000000000ff",
                CredentialConfig.Secret.inline("whatever")));
        tenants.put(UNKNOWN_TENANT_ID, copy(contoso, "4a1f0c2e-0000-4000-a000-0000000000ff", contoso.clientId(),
                contoso.credential()));
        return cfg.withTenants(tenants);
    }

    private static TenantConfig copy(TenantConfig t, String tenantId, String clientId, CredentialConfig credential) {
        return new TenantConfig(tenantId, clientId, t.cloud(), credential, t.scope(), t.authorityUrl(),
                t.powerBiApiUrl(), t.defaultProfileId());
    }
}
