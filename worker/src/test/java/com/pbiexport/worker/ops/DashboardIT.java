package com.pbiexport.worker.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.app.WorkerApp;
import com.pbiexport.worker.it.Lane;
import com.pbiexport.worker.it.WorkerHarness;
import com.pbiexport.worker.metrics.CacheName;
import com.pbiexport.worker.metrics.MeterCatalogue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static com.pbiexport.worker.it.ScenarioIds.*;
import static org.awaitility.Awaitility.await;

/**
 * The worker under load on the devstack (real broker, Entra ID and Power BI simulator; a few dozen requests,
 * successes, throttling, every kind of failure, a dead letter), scraped every second by a real Prometheus that
 * also loads the alert rules. Then: every query of every dashboard panel is evaluated through Prometheus's HTTP
 * API and must parse and return at least one series; the {@code /metrics} page passes {@code promtool check
 * metrics}; every catalogue meter is on it; every alert rule evaluates without error against the real series.
 */
class DashboardIT {
    /** What the test puts in for Grafana's variables: a concrete window, and each variable's "All" value. */
    static final Map<String, String> VARIABLES = Map.of(
            "$__rate_interval", "2m", "$__interval", "15s", "$__range", "5m", "$tenant", ".+", "$instance", ".+");

    static final Path ROOT = Tool.repoRoot();
    static final Path DASHBOARD = ROOT.resolve("deploy/grafana/dashboards/export-worker.json");
    static final Path ALERTS = ROOT.resolve("deploy/prometheus/alerts.yml");

    static WorkerHarness harness;
    static Lane lane;
    static WorkerApp worker;
    static PrometheusServer prometheus;
    static Path scrapeFile;
    static String scrape;

    @BeforeAll
    static void runWorkerUnderLoadAndScrapeIt() throws Exception {
        Path promBinary = Tool.require("prometheus", "apt-get install prometheus");
        harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(150));
        harness.faults("{\"forced429Count\":3,\"forced429RetryAfterSeconds\":1}");
        lane = harness.lane("dashboard");
        worker = lane.startWorker();
        // Prometheus scrapes from before the load starts, so rate() windows hold the whole run
        prometheus = PrometheusServer.start(promBinary, "export-worker", worker.adminPort(),
                Files.exists(ALERTS) ? List.of(ALERTS) : List.of());
        awaitScrapes("pbiexport_requests_received_total", 3);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 18; i++) {
            ids.add(lane.publish(request("pdf-" + i, DemoStack.CONTOSO, SALES_WS, SALES_REPORT, ExportFormat.PDF)));
        }
        for (int i = 0; i < 4; i++) {
            ids.add(lane.publish(request("xlsx-" + i, DemoStack.CONTOSO, SALES_WS, INVOICE_PAGINATED, ExportFormat.XLSX)));
            ids.add(lane.publish(request("png-" + i, DemoStack.CONTOSO, SALES_WS, SALES_REPORT, ExportFormat.PNG)));
        }
        ids.add(lane.publish(request("not-member", DemoStack.CONTOSO, FINANCE_WS, FINANCE_REPORT, ExportFormat.PDF)));
        ids.add(lane.publish(request("shared", DemoStack.CONTOSO, TEAM_WS, TEAM_REPORT, ExportFormat.PDF)));
        ids.add(lane.publish(request("labelled", DemoStack.CONTOSO, SALES_WS, BOARD_PACK_LABELLED, ExportFormat.PDF)));
        ids.add(lane.publish(request("png-off", DemoStack.FABRIKAM, FABRIKAM_WS, FABRIKAM_REPORT, ExportFormat.PNG)));
        ids.add(lane.publish(request("sp-off", DemoStack.NORTHWIND, NORTHWIND_WS, NORTHWIND_REPORT, ExportFormat.PDF)));
        ids.add(lane.publish(request("graph", DemoStack.CONTOSO_GRAPH_SCOPE, SALES_WS, SALES_REPORT, ExportFormat.PDF)));
        ids.add(lane.publish(request("expired", DemoStack.CONTOSO_EXPIRED_SECRET, SALES_WS, SALES_REPORT, ExportFormat.PDF)));
        ids.add(lane.publish(request("unknown-tenant", "acme", SALES_WS, SALES_REPORT, ExportFormat.PDF)));
        lane.publishRaw("contoso", "{ not JSON".getBytes(StandardCharsets.UTF_8));

        lane.awaitOutcomes(ids, Duration.ofMinutes(3));
        lane.awaitDeadLetters(1, Duration.ofSeconds(60));
        // The lag panel reads records-lag-max, a windowed maximum the consumer records when a fetch brings records;
        // after a long run of exports the window holds none (NaN). One more request, answered at once (unknown
        // tenant), puts a fresh sample in the window before the final scrapes, as on a live worker under load.
        lane.awaitOutcomes(List.of(lane.publish(request("late-unknown-tenant", "acme", SALES_WS, SALES_REPORT,
                ExportFormat.PDF))), Duration.ofSeconds(60));

        scrape = get("http://127.0.0.1:" + worker.adminPort() + "/metrics").body();
        scrapeFile = Files.createTempFile("worker-metrics-", ".txt");
        Files.writeString(scrapeFile, scrape);
        // a copy for humans writing queries: the real names, as Prometheus sees them
        Files.writeString(Path.of(System.getProperty("java.io.tmpdir"), "pbiexport-worker-metrics.txt"), scrape);

        // a few more scrapes after the last outcome, so every series has its final value and rate() two samples
        awaitScrapes("pbiexport_dead_letters_total", 3);
    }

    /** Waits (bounded) until Prometheus holds at least {@code samples} scrapes of the series. */
    private static void awaitScrapes(String series, int samples) {
        await("Prometheus scraping " + series).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> prometheus.query("count_over_time(" + series + "[2m])")
                        .path("result").path(0).path("value").path(1).asDouble() >= samples);
    }

    @AfterAll
    static void stopEverything() throws IOException {
        if (prometheus != null) {
            prometheus.close();
        }
        if (lane != null) {
            lane.close();
        }
        if (harness != null) {
            harness.close();
        }
        if (scrapeFile != null) {
            Files.deleteIfExists(scrapeFile);
        }
    }

    @Test
    void everyDashboardPanelQueryParsesAndReturnsSeries() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> problems = new ArrayList<>();
        int evaluated = 0;
        for (Panels.Query q : Panels.queries(dashboard)) {
            String expr = Panels.substitute(q.expr(), VARIABLES);
            assertThat(expr).as("panel '%s' still has an unreplaced variable", q.panel()).doesNotContain("$");
            evaluated++;
            try {
                JsonNode result = prometheus.query(expr).path("result");
                if (result.isEmpty()) {
                    problems.add("panel '" + q.panel() + "' (" + q.refId() + "): no series for " + expr);
                } else if (allNaN(result)) {
                    problems.add("panel '" + q.panel() + "' (" + q.refId() + "): only NaN for " + expr);
                }
            } catch (IllegalArgumentException e) {
                problems.add("panel '" + q.panel() + "' (" + q.refId() + "): " + e.getMessage() + " in " + expr);
            }
        }
        assertThat(evaluated).as("queries in the dashboard").isGreaterThanOrEqualTo(12);
        assertThat(problems).as("panel queries that failed or came back empty").isEmpty();
    }

    @Test
    void metricsPagePassesPromtoolCheckMetrics() {
        Path promtool = Tool.require("promtool", "apt-get install prometheus");
        Tool.Result r = Tool.run(ROOT, scrapeFile, Duration.ofSeconds(30), List.of(promtool.toString(), "check", "metrics"));
        assertThat(r.output()).as("promtool check metrics findings").isEmpty();
        assertThat(r.exit()).isZero();
    }

    @Test
    void everyBoundedCacheReportsItsSizeOnTheMetricsPage() {
        for (CacheName c : CacheName.values()) {
            assertThat(scrape).as("size of cache %s", c.tag())
                    .contains("\npbiexport_cache_entries{cache=\"" + c.tag() + "\",");
        }
    }

    @Test
    void everyCatalogueMeterIsOnTheMetricsPage() {
        for (MeterCatalogue m : MeterCatalogue.values()) {
            String name = m.prometheusName();
            String sample = switch (m.type()) {
                case TIMER -> name + "_bucket{";
                case SUMMARY -> name + "_count{";
                default -> name + "{";
            };
            assertThat(scrape).as("%s (%s) on /metrics", m, name).contains("\n" + sample);
            assertThat(scrape).as("help text of %s", name).contains("# HELP " + name + " " + m.description());
        }
    }

    @Test
    void everyAlertRuleEvaluatesAgainstTheRealSeries() {
        JsonNode groups = prometheus.rules().path("groups");
        assertThat(groups.size()).as("rule groups loaded from %s", ALERTS).isPositive();
        await("every rule evaluated once").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> allRules(prometheus.rules().path("groups")).stream()
                        .allMatch(r -> !r.path("lastEvaluation").asText().startsWith("0001")));
        List<String> unhealthy = allRules(prometheus.rules().path("groups")).stream()
                .filter(r -> !"ok".equals(r.path("health").asText()))
                .map(r -> r.path("name").asText() + ": " + r.path("lastError").asText()).toList();
        assertThat(unhealthy).isEmpty();
    }

    @Test
    void readinessNamesEachCheckAndFlagsTheTenantWithoutATokenWhileKafkaIsFine() throws Exception {
        HttpResponse<String> r = get("http://127.0.0.1:" + worker.adminPort() + "/health/ready");
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertThat(body.path("checks").path("group").path("ok").asBoolean()).as(r.body()).isTrue();
        assertThat(body.path("checks").path("broker").path("ok").asBoolean()).as(r.body()).isTrue();
        // the expired-secret tenant failed to get a token: not ready, and the detail names it
        assertThat(body.path("checks").path("tokens").path("detail").asText()).contains(DemoStack.CONTOSO_EXPIRED_SECRET);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(get("http://127.0.0.1:" + worker.adminPort() + "/health/live").statusCode()).isEqualTo(200);
    }

    private static boolean allNaN(JsonNode result) {
        for (JsonNode series : result) {
            if (!"NaN".equals(series.path("value").path(1).asText())) {
                return false;
            }
        }
        return true;
    }

    private static List<JsonNode> allRules(JsonNode groups) {
        List<JsonNode> rules = new ArrayList<>();
        groups.forEach(g -> g.path("rules").forEach(rules::add));
        return rules;
    }

    private static ExportRequested request(String name, String tenant, String ws, String report, ExportFormat f) {
        return ExportRequested.builder("dash-" + name + "-" + UUID.randomUUID().toString().substring(0, 6), tenant, ws,
                report, f).build();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
