package com.pbiexport.worker.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin port over real HTTP on an ephemeral loopback port. */
class AdminServerTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicBoolean tokensOk = new AtomicBoolean(true);
    private AdminServer server;

    private AdminServer start(Map<String, Supplier<AdminServer.Check>> checks) throws IOException {
        server = new AdminServer("127.0.0.1", 0, registry, checks);
        return server;
    }

    private Map<String, Supplier<AdminServer.Check>> checks() {
        Map<String, Supplier<AdminServer.Check>> checks = new LinkedHashMap<>();
        checks.put("intake", () -> new AdminServer.Check(true, "consumer thread running"));
        checks.put("tokens", () -> new AdminServer.Check(tokensOk.get(), tokensOk.get() ? "all tenants have usable tokens"
                : "no token acquired yet for [contoso (pending)]"));
        return checks;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void servesTheCatalogueInPrometheusFormat() throws Exception {
        WorkerMetricsTest.exerciseEverything(new WorkerMetrics(registry));
        start(checks());

        HttpResponse<String> r = get("/metrics");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        for (MeterCatalogue meter : MeterCatalogue.values()) {
            assertThat(r.body()).contains("# HELP " + meter.prometheusName());
        }
        assertThat(r.body()).doesNotContain(WorkerMetricsTest.REQUEST_ID);
    }

    @Test
    void isLiveWhileRunning() throws Exception {
        start(checks());

        HttpResponse<String> r = get("/health/live");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void isReadyWhenEveryCheckPasses() throws Exception {
        start(checks());

        HttpResponse<String> r = get("/health/ready");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"UP\",\"checks\":{"
                + "\"intake\":{\"ok\":true,\"detail\":\"consumer thread running\"},"
                + "\"tokens\":{\"ok\":true,\"detail\":\"all tenants have usable tokens\"}}}");
    }

    @Test
    void answers503NamingTheFailingCheck() throws Exception {
        start(checks());
        tokensOk.set(false);

        HttpResponse<String> r = get("/health/ready");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).startsWith("{\"status\":\"DOWN\"")
                .contains("\"tokens\":{\"ok\":false,\"detail\":\"no token acquired yet for [contoso (pending)]\"}");
    }

    @Test
    void aCheckThatThrowsCountsAsFailed() throws Exception {
        Map<String, Supplier<AdminServer.Check>> checks = checks();
        checks.put("sinks", () -> {
            throw new IllegalStateException("disk gone");
        });
        start(checks);

        HttpResponse<String> r = get("/health/ready");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("\"sinks\":{\"ok\":false,\"detail\":\"IllegalStateException\"}")
                .doesNotContain("disk gone");
    }

    @Test
    void escapesCheckDetailsIntoValidJson() throws Exception {
        Map<String, Supplier<AdminServer.Check>> checks = new LinkedHashMap<>();
        checks.put("odd", () -> new AdminServer.Check(false, "quote \" backslash \\ newline \n end"));
        start(checks);

        HttpResponse<String> r = get("/health/ready");

        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).at("/checks/odd/detail").asText())
                .isEqualTo("quote \" backslash \\ newline   end");
    }

    @Test
    void refusesOtherMethods() throws Exception {
        start(checks());

        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/metrics")).POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(405);
    }
}
