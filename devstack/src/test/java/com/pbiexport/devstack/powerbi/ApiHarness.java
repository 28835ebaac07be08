package com.pbiexport.devstack.powerbi;

import com.pbiexport.devstack.sim.ManualClock;
import com.pbiexport.devstack.sim.Realism;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.AccessTokens;
import com.pbiexport.devstack.sim.Cloud;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.devstack.sim.Faults;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The simulated Power BI API on a real loopback HttpServer, with a hand-moved clock, live faults, counters, a
 * token minter (the same {@link AccessTokens} the Entra simulator would use) and an HTTP client.
 */
final class ApiHarness implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    // default scenario (devstack/src/main/resources/scenarios/default.json)
    static final String CONTOSO = "4a1f0c2e-0000-4000-a000-000000000001";
    static final String FABRIKAM = "4a1f0c2e-0000-4000-a000-000000000002";
    static final String NORTHWIND = "4a1f0c2e-0000-4000-a000-000000000003";
    static final String APP = "c11e7700-0000-4000-a000-000000000001";
    static final String APP_OID = "0b1ec700-0000-4000-a000-000000000001";
    static final String PROFILE = "9f0f11e0-0000-4000-a000-000000000001";
    static final String FABRIKAM_APP = "c11e7700-0000-4000-a000-000000000011";
    static final String NORTHWIND_APP = "c11e7700-0000-4000-a000-000000000021";
    static final String WS_SALES = "3d5e0000-0000-4000-a000-000000000001";
    static final String WS_FINANCE_NO_ACCESS = "3d5e0000-0000-4000-a000-000000000002";
    static final String WS_SHARED = "3d5e0000-0000-4000-a000-000000000003";
    static final String WS_PPU = "3d5e0000-0000-4000-a000-000000000004";
    static final String WS_OPS = "3d5e0000-0000-4000-a000-000000000005";
    static final String WS_FABRIKAM = "3d5e0000-0000-4000-a000-000000000011";
    static final String WS_NORTHWIND = "3d5e0000-0000-4000-a000-000000000021";
    static final String CAP_F64 = "ca000000-0000-4000-a000-000000000001";
    static final String CAP_PPU = "ca000000-0000-4000-a000-000000000002";
    static final String CAP_A1 = "ca000000-0000-4000-a000-000000000003";
    static final String RPT_SALES = "7e000000-0000-4000-a000-000000000001";
    static final String RPT_PAGINATED = "7e000000-0000-4000-a000-000000000002";
    static final String RPT_LABELLED = "7e000000-0000-4000-a000-000000000003";
    static final String RPT_60_PAGES = "7e000000-0000-4000-a000-000000000004";
    static final String RPT_OPS = "7e000000-0000-4000-a000-000000000005";
    static final String RPT_FINANCE = "7e000000-0000-4000-a000-000000000006";
    static final String RPT_SHARED = "7e000000-0000-4000-a000-000000000007";
    static final String RPT_PPU_PBI = "7e000000-0000-4000-a000-000000000008";
    static final String RPT_PPU_PAGINATED = "7e000000-0000-4000-a000-000000000009";
    static final String RPT_FABRIKAM = "7e000000-0000-4000-a000-000000000011";
    static final String RPT_NORTHWIND = "7e000000-0000-4000-a000-000000000021";

    // tenant added by the tests: PDF/PPTX export off, service principals allowed only for one app ("group")
    static final String TAILSPIN = "4a1f0c2e-0000-4000-a000-0000000000aa";
    static final String TS_APP_IN_GROUP = "c11e7700-0000-4000-a000-0000000000a1";
    static final String TS_APP_NOT_IN_GROUP = "c11e7700-0000-4000-a000-0000000000a2";
    static final String WS_TAILSPIN = "3d5e0000-0000-4000-a000-0000000000a1";
    static final String RPT_TAILSPIN = "7e000000-0000-4000-a000-0000000000a1";

    private static final String EXTRA_TENANT = """
            {
              "id": "4a1f0c2e-0000-4000-a000-0000000000aa",
              "domain": "tailspin.onmicrosoft.com",
              "settings": { "servicePrincipalsCanUseApis": true, "exportPdfPptx": false, "exportImages": true,
                            "servicePrincipalGroupMembers": [ "c11e7700-0000-4000-a000-0000000000a1" ] },
              "apps": [
                { "clientId": "c11e7700-0000-4000-a000-0000000000a1", "secrets": [ { "value": "s1" } ] },
                { "clientId": "c11e7700-0000-4000-a000-0000000000a2", "secrets": [ { "value": "s2" } ] }
              ],
              "capacities": [ { "id": "ca000000-0000-4000-a000-0000000000a1", "sku": "F2" } ],
              "workspaces": [
                { "id": "3d5e0000-0000-4000-a000-0000000000a1", "name": "Tailspin", "capacityId": "ca000000-0000-4000-a000-0000000000a1",
                  "members": [ "c11e7700-0000-4000-a000-0000000000a1", "c11e7700-0000-4000-a000-0000000000a2" ] }
              ],
              "reports": [
                { "id": "7e000000-0000-4000-a000-0000000000a1", "name": "Tailspin Ops", "workspaceId": "3d5e0000-0000-4000-a000-0000000000a1",
                  "type": "PowerBIReport", "pages": 2 }
              ]
            }
            """;

    /** Builds the engine under test from the simulator's shared parts. */
    @FunctionalInterface
    interface EngineFactory {
        ExportEngine create(Scenario scenario, Faults faults, Counters counters, ManualClock clock);
    }

    /** Records every wait the API asks for, and really waits (so latency and pacing are observable). */
    static final class RecordingSleeper implements Sleeper {
        final List<Duration> waits = new CopyOnWriteArrayList<>();
        /** False: record the waits without waiting (tests of answer shapes, not of timing). */
        volatile boolean waitForReal = true;

        @Override
        public void sleep(Duration d) throws InterruptedException {
            waits.add(d);
            if (waitForReal) {
                SYSTEM.sleep(d);
            }
        }

        Duration total() {
            return waits.stream().reduce(Duration.ZERO, Duration::plus);
        }
    }

    /** One HTTP answer. */
    record Reply(int status, HttpHeaders headers, byte[] body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("body is not JSON: " + new String(body, StandardCharsets.UTF_8), e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String errorCode() {
            return json().path("error").path("code").asText(null);
        }
    }

    final ManualClock clock = new ManualClock(Instant.parse("2025-03-01T10:00:00Z"));
    /** RSA key generation is slow on a small machine: one signer for every harness (each has its own clock). */
    private static final AccessTokens SHARED_TOKENS = new AccessTokens();

    final AccessTokens tokens = SHARED_TOKENS;
    final Faults faults = new Faults(clock);
    final Counters counters = new Counters();
    final RecordingSleeper sleeper = new RecordingSleeper();
    final Scenario scenario = testScenario();
    final ExportEngine engine;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final String baseUrl;

    private ApiHarness(EngineFactory engineFactory, Realism realism) {
        this.engine = engineFactory.create(scenario, faults, counters, clock);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", new PowerBiApi(scenario, Cloud.PUBLIC, tokens, engine, faults, counters, clock, sleeper,
                new com.pbiexport.devstack.sim.ForeignHosts(), realism));
        server.setExecutor(executor);
        server.start();
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The clean profile: one deterministic answer per situation, for tests that assert it. */
    static ApiHarness withFakeEngine() {
        return withFakeEngine(Realism.clean());
    }

    /** With a profile: {@link Realism#realistic(long)} to see the observed variety of error answers. */
    static ApiHarness withFakeEngine(Realism realism) {
        return new ApiHarness((s, f, c, clock) -> new FakeExportEngine(clock), realism);
    }

    /** The clean profile, with the engine under test. */
    static ApiHarness withEngine(EngineFactory factory) {
        return withEngine(factory, Realism.clean());
    }

    static ApiHarness withEngine(EngineFactory factory, Realism realism) {
        return new ApiHarness(factory, realism);
    }

    /** The real engine and API in the realistic profile with this seed (latency really waits). */
    static ApiHarness realistic(long seed) {
        com.pbiexport.devstack.sim.Realism realism = com.pbiexport.devstack.sim.Realism.realistic(seed);
        return new ApiHarness((s, f, c, clock) -> new com.pbiexport.devstack.powerbi.engine.SimExportEngine(
                s, f, c, clock, realism), realism);
    }

    FakeExportEngine fake() {
        return (FakeExportEngine) engine;
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- tokens ----------------------------------------------------------------------------------

    /** An app-only Power BI token as the Entra simulator issues it. */
    String token(String tenantId, String clientId) {
        return token(tenantId, clientId, c -> { });
    }

    String token(String tenantId, String clientId, Consumer<Map<String, Object>> tweak) {
        long now = clock.instant().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", Cloud.PUBLIC.powerBiResource());
        claims.put("iss", "https://sts.windows.net/" + tenantId + "/");
        claims.put("iat", now - 300);
        claims.put("nbf", now - 300);
        claims.put("exp", now + 3600);
        claims.put("appid", clientId);
        claims.put("azp", clientId);
        claims.put("idtyp", "app");
        claims.put("oid", clientId.replace("c11e7700", "0b1ec700"));
        claims.put("tid", tenantId);
        claims.put("ver", "1.0");
        tweak.accept(claims);
        return tokens.sign(claims);
    }

    String contosoToken() {
        return token(CONTOSO, APP);
    }

    // ---- requests --------------------------------------------------------------------------------

    static String groupReport(String groupId, String reportId) {
        return "/v1.0/myorg/groups/" + groupId + "/reports/" + reportId;
    }

    /**
     * POSTs a body. Every ExportTo body the simulator accepts is also validated against the Swagger's
     * {@code ExportReportRequest}: the tests only get exports accepted with requests the real service documents.
     */
    Reply post(String path, String token, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body))
                .header("Content-Type", "application/json");
        Reply r = send(b, token, headers);
        if (r.status() == 202 && path.toLowerCase(java.util.Locale.ROOT).endsWith("/exportto")) {
            assertValidExportRequest(body);
        }
        return r;
    }

    Reply get(String path, String token, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET(), token, headers);
    }

    Reply send(HttpRequest.Builder b, String token, String... headers) {
        b.timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends a request byte for byte over a socket (for what {@link HttpClient} refuses to send: a chosen Host
     * header, malformed escapes). The answer is read until the server closes ({@code Connection: close}).
     */
    Reply raw(String method, String rawPath, String token, String host, String body) {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder req = new StringBuilder(method).append(' ').append(rawPath).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host == null ? "127.0.0.1:" + port() : host).append("\r\n")
                .append("Connection: close\r\nContent-Length: ").append(content.length).append("\r\n");
        if (token != null) {
            req.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        req.append("\r\n");
        try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().write(content);
            s.getOutputStream().flush();
            byte[] all = s.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int split = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, split).split("\r\n");
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new java.util.ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            byte[] payload = java.util.Arrays.copyOfRange(all, split + 4, all.length);
            return new Reply(status, HttpHeaders.of(headers, (a, b) -> true), payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts an export that must be accepted; returns the Export JSON. */
    JsonNode startExport(String groupId, String reportId, String token, String body, String... headers) {
        Reply r = post(groupReport(groupId, reportId) + "/ExportTo", token, body, headers);
        if (r.status() != 202) {
            throw new AssertionError("expected 202, got " + r.status() + " " + r.text());
        }
        return r.json();
    }

    private static volatile SwaggerSchemas swagger;

    static void assertValidExportRequest(String body) {
        if (swagger == null) {
            swagger = SwaggerSchemas.load();
        }
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(body);
            // the service binds the enum case-insensitively; the Swagger lists upper-case values
            node.put("format", node.path("format").asText().toUpperCase(java.util.Locale.ROOT));
            java.util.Set<String> errors = swagger.errors("ExportReportRequest", node);
            if (!errors.isEmpty()) {
                throw new AssertionError("request body does not conform to ExportReportRequest: " + errors + " " + body);
            }
        } catch (IOException e) {
            throw new AssertionError("request body is not JSON: " + body, e);
        }
    }

    private static Scenario testScenario() {
        try (InputStream in = Scenario.class.getResourceAsStream("/scenarios/default.json")) {
            ObjectNode root = (ObjectNode) JSON.readTree(in);
            ((ArrayNode) root.get("tenants")).add(JSON.readTree(EXTRA_TENANT));
            return Scenario.read(new ByteArrayInputStream(JSON.writeValueAsBytes(root))).validated();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
