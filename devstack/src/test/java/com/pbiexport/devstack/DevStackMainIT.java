package com.pbiexport.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Runs the real {@code devstack.jar} as a separate JVM, the way scripts and the demo use it. */
class DevStackMainIT {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String END = new String("<end of stdout>");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    @TempDir
    Path tmp;
    Process process;

    @AfterEach
    void killLeftover() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    Process launch(String... args) throws Exception {
        String jar = System.getProperty("devstack.jar", "target/devstack.jar");
        assertThat(Path.of(jar)).as("built by mvn package").exists();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar));
        cmd.addAll(List.of(args));
        process = new ProcessBuilder(cmd).redirectError(tmp.resolve("stderr.log").toFile()).start();
        return process;
    }

    String stderr() throws Exception {
        return Files.readString(tmp.resolve("stderr.log"));
    }

    /** One reader drains stdout to its end: every line lands in the queue, then an end marker. */
    static BlockingQueue<String> stdoutLines(Process p) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = out.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (Exception e) {
                lines.add("read failed: " + e);
            } finally {
                lines.add(END);
            }
        }, "devstack-stdout");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    @Test
    void printsOneReadyLineServesAndExitsZeroOnSigterm() throws Exception {
        Process p = launch();
        BlockingQueue<String> lines = stdoutLines(p);
        String line = lines.poll(120, TimeUnit.SECONDS);
        assertThat(line).as(stderr()).isNotNull();
        JsonNode ready = JSON.readTree(line);
        assertThat(ready.path("kafkaBootstrap").asText()).contains(":");
        assertThat(ready.path("entraUrl").asText()).startsWith("http://127.0.0.1:");
        assertThat(ready.path("powerBiUrl").asText()).startsWith("http://127.0.0.1:");
        assertThat(ready.path("scenario").asText()).isEqualTo("default");
        assertThat(ready.path("defaults").path("clientSecret").asText()).isEqualTo("devstack-secret-not-for-production");
        assertThat(ready.path("defaults").path("paginatedReportId").asText()).isEqualTo("7e000000-0000-4000-a000-000000000002");

        String health = ready.path("adminUrl").asText() + "/admin/health";
        HttpResponse<String> h = HTTP.send(HttpRequest.newBuilder(URI.create(health)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(h.body()).contains("UP");

        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
        assertThat(p.exitValue()).as(stderr()).isZero();
        assertThat(lines.poll(10, TimeUnit.SECONDS)).as("nothing else on stdout").isSameAs(END);
        assertThat(p.descendants().count()).isZero();
        assertThatThrownBy(() -> HTTP.send(HttpRequest.newBuilder(URI.create(health)).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
    }

    @Test
    void listensOnFixedPortsAndHandsOutTheAdvertisedHost() throws Exception {
        int kafka = freePort();
        int entra = freePort();
        int powerBi = freePort();
        int admin = freePort();
        Process p = launch("--bind-address", "127.0.0.1", "--advertised-host", "localhost", "--kafka-port",
                String.valueOf(kafka), "--entra-port", String.valueOf(entra), "--powerbi-port", String.valueOf(powerBi),
                "--admin-port", String.valueOf(admin));
        String line = stdoutLines(p).poll(120, TimeUnit.SECONDS);
        assertThat(line).as(stderr()).isNotNull();
        JsonNode ready = JSON.readTree(line);
        assertThat(ready.path("kafkaBootstrap").asText()).isEqualTo("localhost:" + kafka);
        assertThat(ready.path("entraUrl").asText()).isEqualTo("http://localhost:" + entra);
        assertThat(ready.path("powerBiUrl").asText()).isEqualTo("http://localhost:" + powerBi);
        assertThat(ready.path("adminUrl").asText()).isEqualTo("http://localhost:" + admin);
        HttpResponse<String> h = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin
                + "/admin/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(h.body()).contains("UP");
        assertThat(stderr()).as("loopback is not exposed: no warning").doesNotContain("reachable from the network");

        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
    }

    /** A loopback port free right now: bind port 0 and release it. */
    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void badPortsExitTwoNamingTheOption() throws Exception {
        Process p = launch("--no-kafka", "--admin-port", "99999");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(stderr()).contains("--admin-port must be a port 1-65535");
    }

    @Test
    void badArgumentsExitTwoWithAMessage() throws Exception {
        Process p = launch("--no-such-option");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(stderr()).contains("unknown argument '--no-such-option'", "usage:");
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void badFaultsExitTwoNamingTheKey() throws Exception {
        Process p = launch("--no-kafka", "--faults", "{\"bogus\":1}");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(stderr()).contains("'bogus'");
    }
}
