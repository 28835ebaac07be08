package com.pbiexport.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The whole stack over real HTTP with the default scenario: token, export, poll, download; then a clean stop. */
class DevStackIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static DevStack stack;

    @BeforeAll
    static void start() {
        // default scenario, with the embedded Kafka broker; transport faults off: one dropped call would fail this
        // one-shot flow (the worker's ITs show surviving them), the rest of the realistic profile stays on
        stack = DevStack.builder().faults(com.pbiexport.devstack.sim.FaultSettings.none()).start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    static HttpResponse<byte[]> send(HttpRequest.Builder b) throws Exception {
        return HTTP.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static String token() throws Exception {
        DevStack.Defaults d = stack.defaults();
        String form = Map.of("grant_type", "client_credentials", "client_id", d.clientId(), "client_secret",
                        d.clientSecret(), "scope", "https://analysis.windows.net/powerbi/api/.default")
                .entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(
                        URI.create(stack.entraUrl() + "/" + d.tenantId() + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body()).path("access_token").asText();
    }

    @Test
    void defaultsNameTheDefaultScenariosHappyPath() {
        DevStack.Defaults d = stack.defaults();
        assertThat(d.tenantId()).isEqualTo("4a1f0c2e-0000-4000-a000-000000000001");
        assertThat(d.clientId()).isEqualTo("c11e7700-0000-4000-a000-000000000001");
        assertThat(d.clientSecret()).isEqualTo("devstack-secret-not-for-production");
        assertThat(d.workspaceId()).isEqualTo("3d5e0000-0000-4000-a000-000000000001");
        assertThat(d.reportId()).isEqualTo("7e000000-0000-4000-a000-000000000001");
        assertThat(d.paginatedReportId()).isEqualTo("7e000000-0000-4000-a000-000000000002");
        assertThat(stack.entraUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(stack.powerBiUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(stack.adminUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(stack.kafkaBootstrap()).matches("127\\.0\\.0\\.1:\\d+|localhost:\\d+");
    }

    @Test
    void exportsAReportEndToEndOverHttp() throws Exception {
        String token = token();
        DevStack.Defaults d = stack.defaults();
        String reportUrl = stack.powerBiUrl() + "/v1.0/myorg/groups/" + d.workspaceId() + "/reports/" + d.reportId();
        HttpResponse<byte[]> started = send(HttpRequest.newBuilder(URI.create(reportUrl + "/ExportTo"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"format\":\"PDF\"}")));
        assertThat(started.statusCode()).as(new String(started.body(), StandardCharsets.UTF_8)).isEqualTo(202);
        // realistic ids are standard base64 (with / + =): one path segment, percent-encoded
        String exportId = java.net.URLEncoder.encode(JSON.readTree(started.body()).path("id").asText(), StandardCharsets.UTF_8);
        assertThat(exportId).isNotBlank();

        AtomicReference<JsonNode> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            HttpResponse<byte[]> poll = send(HttpRequest.newBuilder(URI.create(reportUrl + "/exports/" + exportId))
                    .header("Authorization", "Bearer " + token).GET());
            assertThat(poll.statusCode()).isIn(200, 202);
            last.set(JSON.readTree(poll.body()));
            return "Succeeded".equals(last.get().path("status").asText());
        });
        assertThat(last.get().path("percentComplete").asInt()).isEqualTo(100);

        HttpResponse<byte[]> file = send(HttpRequest.newBuilder(URI.create(reportUrl + "/exports/" + exportId + "/file"))
                .header("Authorization", "Bearer " + token).GET());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/pdf"));
        String pdf = new String(file.body(), StandardCharsets.ISO_8859_1);
        assertThat(pdf).startsWith("%PDF-").contains("Report: Sales Overview").endsWith("%%EOF\n");

        HttpResponse<byte[]> counters = send(HttpRequest.newBuilder(URI.create(stack.adminUrl() + "/admin/counters")).GET());
        JsonNode c = JSON.readTree(counters.body());
        assertThat(c.path("exportToCalls").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(c.path("polls").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(c.path("fileDownloads").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(c.path("maxConcurrentExports.ca000000-0000-4000-a000-000000000001").asLong()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void kafkaBrokerTakesTopics() {
        stack.kafka().orElseThrow().createTopic("devstack-it", 1, Map.of());
        assertThat(stack.kafkaBootstrap()).isNotBlank();
    }

    @Test
    void closeStopsEveryServerAndIsIdempotent() throws Exception {
        DevStack other = DevStack.builder().kafka(false).start();
        String admin = other.adminUrl();
        assertThat(send(HttpRequest.newBuilder(URI.create(admin + "/admin/health")).GET()).statusCode()).isEqualTo(200);
        assertThatThrownBy(other::kafkaBootstrap).isInstanceOf(IllegalStateException.class).hasMessageContaining("without Kafka");
        other.close();
        other.close();
        assertThatThrownBy(() -> send(HttpRequest.newBuilder(URI.create(admin + "/admin/health")).GET()))
                .isInstanceOf(ConnectException.class);
    }
}
