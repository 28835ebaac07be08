package com.pbiexport.devstack.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.devstack.sim.Faults;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class AdminApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final Faults faults = new Faults(Clock.systemUTC());
    final Counters counters = new Counters();
    final AtomicInteger sweeps = new AtomicInteger();
    HttpServer server;
    String base;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", new AdminApi(Scenario.defaultScenario(), faults, counters, sweeps::incrementAndGet));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        return JSON.readTree(r.body());
    }

    @Test
    void healthSaysUp() throws Exception {
        HttpResponse<String> r = send("GET", "/admin/health", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("status").asText()).isEqualTo("UP");
    }

    @Test
    void putFaultsMergesAndGetShowsTheResult() throws Exception {
        HttpResponse<String> put = send("PUT", "/admin/faults", "{\"forced429Count\":2,\"powerBiErrorRate\":0.5}");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(json(put).path("forced429Count").asInt()).isEqualTo(2);
        send("PUT", "/admin/faults", "{\"powerBiLatencyMillis\":15}");
        JsonNode got = json(send("GET", "/admin/faults", null));
        assertThat(got.path("powerBiErrorRate").asDouble()).isEqualTo(0.5);
        assertThat(got.path("powerBiLatencyMillis").asLong()).isEqualTo(15);
        assertThat(faults.takeForced429()).as("the live object changed").isTrue();
    }

    @Test
    void unknownFaultKeyIs400NamingTheKey() throws Exception {
        HttpResponse<String> r = send("PUT", "/admin/faults", "{\"latency\":5}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).path("error").path("message").asText()).contains("'latency'");
        assertThat(json(r).path("error").path("code").asText()).isEqualTo("InvalidFaultSettings");
    }

    @Test
    void malformedOrEmptyFaultBodiesAre400() throws Exception {
        assertThat(send("PUT", "/admin/faults", "{oops").statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/admin/faults", "").statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/admin/faults", "{\"forced429Count\":\"x\"}").statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/admin/faults", "x".repeat(70_000)).statusCode()).isEqualTo(413);
        assertThat(send("GET", "/admin/health", null).statusCode()).as("still serving").isEqualTo(200);
    }

    @Test
    void countersAreReadAfterRefreshingGaugesAndCanBeReset() throws Exception {
        counters.add("polls", 7);
        counters.gauge("concurrentExports.cap", 3);
        JsonNode c = json(send("GET", "/admin/counters", null));
        assertThat(c.path("polls").asLong()).isEqualTo(7);
        assertThat(c.path("maxConcurrentExports.cap").asLong()).isEqualTo(3);
        assertThat(sweeps.get()).isEqualTo(1);

        HttpResponse<String> reset = send("POST", "/admin/counters/reset", null);
        assertThat(reset.statusCode()).isEqualTo(200);
        assertThat(counters.get("polls")).isZero();
        assertThat(json(reset).path("concurrentExports.cap").asLong()).as("live gauge kept").isEqualTo(3);
    }

    @Test
    void scenarioIsServedAsJson() throws Exception {
        JsonNode s = json(send("GET", "/admin/scenario", null));
        assertThat(s.path("name").asText()).isEqualTo("default");
        assertThat(s.path("tenants").get(0).path("domain").asText()).isEqualTo("contoso.onmicrosoft.com");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405() throws Exception {
        HttpResponse<String> nf = send("GET", "/admin/nope", null);
        assertThat(nf.statusCode()).isEqualTo(404);
        assertThat(json(nf).path("error").path("code").asText()).isEqualTo("NotFound");
        HttpResponse<String> na = send("DELETE", "/admin/faults", null);
        assertThat(na.statusCode()).isEqualTo(405);
        assertThat(na.headers().firstValue("Allow")).contains("GET, PUT");
    }
}
