package com.pbiexport.worker.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.app.WorkerApp;
import com.pbiexport.worker.config.ConfigException;
import com.pbiexport.worker.config.KafkaSettings;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.config.Sinks;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.config.Topics;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.metrics.BrokerWatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Health that tells the truth (issue 13, item 4), with a real broker and the simulators: ready only once the
 * consumer joined its group (an instance beyond the partition count included) and a token was really acquired for
 * every tenant; an unreachable broker is named in the log within 10 s; an unwritable sink root fails start-up.
 */
class HealthIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static WorkerHarness harness;

    @BeforeAll
    static void start() {
        harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(200));
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    private static JsonNode ready(WorkerApp app) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + app.adminPort() + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(body.path("status").asText().equals("UP") ? 200 : 503);
        return body;
    }

    /** The demo configuration with only the tenants whose credentials work, on topics of {@code partitions}. */
    private static WorkerConfig config(Path dir, int partitions, String... aliases) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        Topics topics = new Topics("health." + id + ".requests", "health." + id + ".results",
                "health." + id + ".jobstate", "health." + id + ".deadletter");
        var kafka = harness.stack().kafka().orElseThrow();
        kafka.createTopic(topics.requests(), partitions, Map.of());
        kafka.createTopic(topics.results(), partitions, Map.of());
        kafka.createTopic(topics.jobState(), partitions, Map.of("cleanup.policy", "compact"));
        kafka.createTopic(topics.deadLetter(), 1, Map.of());
        WorkerConfig demo = DemoStack.config(harness.stack(), dir, "health-" + id).withTopics(topics);
        Map<String, TenantConfig> tenants = new LinkedHashMap<>();
        for (String a : aliases) {
            tenants.put(a, demo.tenants().get(a));
        }
        return demo.withTenants(tenants);
    }

    @Test
    void aStandByInstanceBeyondThePartitionCountIsReadyOnceItJoinedTheGroup(@TempDir Path dir) throws Exception {
        WorkerConfig cfg = config(dir, 1, DemoStack.CONTOSO);
        try (WorkerApp first = WorkerApp.start(cfg.withInstanceId("h-1"), Clock.systemUTC(), Map.of());
             WorkerApp second = WorkerApp.start(cfg.withInstanceId("h-2"), Clock.systemUTC(), Map.of())) {
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                assertThat(ready(first).path("status").asText()).as("first").isEqualTo("UP");
                assertThat(ready(second).path("status").asText()).as("second").isEqualTo("UP");
            });
            JsonNode a = ready(first).path("checks");
            JsonNode b = ready(second).path("checks");
            // one partition between two members: one holds it, the other stands by, and both are ready
            assertThat(a.path("group").path("detail").asText() + " | " + b.path("group").path("detail").asText())
                    .contains("1 partition(s) assigned").contains("0 partition(s) assigned (stand-by");
            assertThat(a.path("tokens").path("detail").asText()).isEqualTo("a token was acquired for every tenant");
            assertThat(a.path("topics").path("ok").asBoolean()).isTrue();
            assertThat(a.path("sinks").path("ok").asBoolean()).isTrue();
        }
    }

    @Test
    void aTenantWithAWrongSecretKeepsTheInstanceNotReadyAndIsNamed(@TempDir Path dir) throws Exception {
        WorkerConfig cfg = config(dir, 1, DemoStack.CONTOSO, DemoStack.CONTOSO_EXPIRED_SECRET);
        try (WorkerApp app = WorkerApp.start(cfg.withInstanceId("h-secret"), Clock.systemUTC(), Map.of())) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(ready(app)
                    .path("checks").path("tokens").path("detail").asText())
                    .isEqualTo("no token acquired yet for [" + DemoStack.CONTOSO_EXPIRED_SECRET + " (REJECTED)]"));
            assertThat(ready(app).path("status").asText()).isEqualTo("DOWN");
        }
    }

    @Test
    void anUnreachableBrokerIsNamedInTheLogWithinTenSecondsAndReadinessSaysSo(@TempDir Path dir) throws Exception {
        Logger watchLog = (Logger) LoggerFactory.getLogger(BrokerWatch.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        watchLog.addAppender(seen);
        WorkerConfig good = config(dir, 1, DemoStack.CONTOSO);
        String nowhere = "127.0.0.1:" + freePort();
        WorkerConfig cfg = good.withKafka(new KafkaSettings(nowhere, good.kafka().groupId(), Map.of(), Map.of(),
                Map.of("max.block.ms", "5000")));
        long started = System.nanoTime();
        try (WorkerApp app = WorkerApp.start(cfg.withInstanceId("h-nobroker"), Clock.systemUTC(), Map.of())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().contains("kafka.bootstrapServers (" + nowhere + ")")));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("first WARN after start")
                    .isLessThan(Duration.ofSeconds(15));
            JsonNode checks = ready(app).path("checks");
            assertThat(checks.path("broker").path("ok").asBoolean()).isFalse();
            assertThat(checks.path("broker").path("detail").asText()).contains("kafka.bootstrapServers");
            assertThat(checks.path("group").path("ok").asBoolean()).isFalse();
        } finally {
            watchLog.detachAppender(seen);
        }
    }

    @Test
    void anUnwritableFilesystemSinkRootFailsStartUpNamingTheSetting(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        WorkerConfig good = config(dir, 1, DemoStack.CONTOSO);
        String alias = good.sinks().targets().keySet().iterator().next();
        Map<String, SinkConfig> targets = new LinkedHashMap<>(good.sinks().targets());
        targets.put(alias, new SinkConfig.Filesystem(file.resolve("exports")));
        WorkerConfig bad = good.withSinks(new Sinks(good.sinks().defaultSink(), targets));
        assertThatThrownBy(() -> WorkerApp.start(bad, Clock.systemUTC(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sinks.targets." + alias + ".filesystem.root");
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
