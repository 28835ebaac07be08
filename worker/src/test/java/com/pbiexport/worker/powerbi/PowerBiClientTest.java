package com.pbiexport.worker.powerbi;

import static com.pbiexport.worker.auth.RecordingServer.respond;
import static com.pbiexport.worker.auth.RecordingServer.respondBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.worker.auth.FakeTokenSource;
import com.pbiexport.worker.auth.RecordingServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Power BI client against a real in-process HTTP server: one test per outcome, Retrofit-style. */
class PowerBiClientTest {

    static final String WS = "11111111-1111-1111-1111-111111111111";
    static final String REPORT = "22222222-2222-2222-2222-222222222222";
    static final String EXPORT_ID = "Mi9C5419i/abc+def==";
    static final String BASE = "/v1.0/myorg/groups/" + WS + "/reports/" + REPORT;
    static final Instant NOW = Instant.parse("2025-01-01T10:00:00Z");

    final ObjectMapper json = new ObjectMapper();
    final ExportTarget target = new ExportTarget(WS, REPORT);
    RecordingServer api;
    FakeTokenSource tokens;
    PowerBiClient client;

    @BeforeEach
    void start() {
        api = RecordingServer.start();
        tokens = new FakeTokenSource("contoso");
        client = newClient(api.uri(), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        client.close();
        api.close();
    }

    PowerBiClient newClient(URI root, Duration responseTimeout) {
        return new PowerBiClient(new PowerBiEndpoint(root), tokens,
                new PowerBiHttpSettings(Duration.ofSeconds(2), responseTimeout, 8), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static String export(String status) {
        return "{\"id\":\"" + EXPORT_ID + "\",\"reportId\":\"" + REPORT + "\",\"status\":\"" + status
                + "\",\"percentComplete\":40,\"ResourceFileExtension\":\".pdf\"}";
    }

    @Test
    void startExportPostsTheBodyToTheGroupsRouteWithTheTenantsToken() throws Exception {
        api.on("POST", BASE + "/ExportTo", (ex, req) -> respond(ex, 202, "application/json", export("NotStarted"),
                "RequestId", "req-1", "Retry-After", "30"));
        JsonNode body = json.readTree("{\"format\":\"PDF\"}");

        ApiResponse<ExportJob> answer = client.startExport(target, body);

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.value().id()).isEqualTo(EXPORT_ID);
        assertThat(answer.value().status()).isEqualTo(new ExportStatus.NotStarted());
        assertThat(answer.requestId()).contains("req-1");
        assertThat(answer.retryAfter()).contains(Duration.ofSeconds(30));
        RecordingServer.Recorded sent = api.requests().get(0);
        assertThat(sent.header("Authorization")).isEqualTo("Bearer contoso-token-1");
        assertThat(sent.header("Content-Type")).startsWith("application/json");
        assertThat(json.readTree(sent.body())).isEqualTo(body);
        assertThat(sent.header(PowerBiClient.PROFILE_HEADER)).isNull();
    }

    @Test
    void pollEncodesTheOpaqueExportIdAsOnePathSegment() {
        api.on("GET", BASE + "/exports/" + EXPORT_ID, (ex, req) -> respond(ex, 200, "application/json",
                export("Running")));

        ApiResponse<ExportJob> answer = client.getExportStatus(target, EXPORT_ID);

        assertThat(answer.value().status()).isEqualTo(new ExportStatus.Running(40));
        assertThat(answer.retryAfter()).isEmpty();
    }

    @Test
    void http404WithPowerBIEntityNotFound() {
        api.on("GET", BASE + "/exports/" + EXPORT_ID, (ex, req) -> respond(ex, 404, "application/json",
                "{\"error\":{\"code\":\"PowerBIEntityNotFound\",\"pbi.error\":{\"code\":\"PowerBIEntityNotFound\"}}}",
                "RequestId", "req-404"));

        assertThatThrownBy(() -> client.getExportStatus(target, EXPORT_ID))
                .isInstanceOfSatisfying(PowerBiException.class, e -> {
                    PowerBiFailure.Http http = (PowerBiFailure.Http) e.failure();
                    assertThat(http.operation()).isEqualTo("poll");
                    assertThat(http.status()).isEqualTo(404);
                    assertThat(http.errorCode()).isEqualTo("PowerBIEntityNotFound");
                    assertThat(http.requestId()).contains("req-404");
                    assertThat(e.getMessage()).isEqualTo(
                            "Power BI poll answered HTTP 404 PowerBIEntityNotFound (RequestId req-404)");
                });
    }

    @Test
    void http429KeepsRetryAfter() {
        api.on("POST", BASE + "/ExportTo", (ex, req) -> respond(ex, 429, "application/json",
                "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"You have exceeded the amount of requests\"}}",
                "Retry-After", "17"));

        assertThatThrownBy(() -> client.startExport(target, json.createObjectNode().put("format", "PDF")))
                .isInstanceOfSatisfying(PowerBiException.class, e -> {
                    PowerBiFailure.Http http = (PowerBiFailure.Http) e.failure();
                    assertThat(http.status()).isEqualTo(429);
                    assertThat(http.retryAfter()).contains(Duration.ofSeconds(17));
                    assertThat(http.message()).isEqualTo("You have exceeded the amount of requests");
                });
        assertThat(api.requests()).hasSize(1); // no hidden retry by the HTTP library
    }

    @Test
    void transportProblemWhenTheServerClosesTheConnection() throws Exception {
        try (ServerSocket rude = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (Socket s = rude.accept()) {
                    s.getInputStream().read(new byte[1024]); // read the request, answer nothing
                } catch (IOException ignored) {
                    // test ends either way
                }
            });
            acceptor.start();
            try (PowerBiClient c = newClient(URI.create("http://127.0.0.1:" + rude.getLocalPort()),
                    Duration.ofSeconds(5))) {
                assertThatThrownBy(() -> c.getExportStatus(target, EXPORT_ID))
                        .isInstanceOfSatisfying(PowerBiException.class, e ->
                                assertThat(e.failure()).isInstanceOf(PowerBiFailure.Transport.class)
                                        .extracting(PowerBiFailure::operation).isEqualTo("poll"));
            }
            acceptor.join(5000);
        }
    }

    @Test
    void transportProblemWhenNoAnswerWithinTheResponseTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        api.on("GET", BASE + "/exports/" + EXPORT_ID, (ex, req) -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (PowerBiClient slow = newClient(api.uri(), Duration.ofMillis(300))) {
            assertThatThrownBy(() -> slow.getExportStatus(target, EXPORT_ID))
                    .isInstanceOfSatisfying(PowerBiException.class, e -> {
                        assertThat(e.failure()).isInstanceOf(PowerBiFailure.Transport.class);
                        assertThat(((PowerBiFailure.Transport) e.failure()).message()).contains("http.responseTimeout");
                    });
        } finally {
            release.countDown();
        }
    }

    @Test
    void decodingProblemWhenASuccessIsNotJson() {
        api.on("POST", BASE + "/ExportTo", (ex, req) -> respond(ex, 202, "text/html", "<html>gateway</html>",
                "RequestId", "req-html"));

        assertThatThrownBy(() -> client.startExport(target, json.createObjectNode()))
                .isInstanceOfSatisfying(PowerBiException.class, e -> {
                    PowerBiFailure.Decoding d = (PowerBiFailure.Decoding) e.failure();
                    assertThat(d.status()).isEqualTo(202);
                    assertThat(d.requestId()).contains("req-html");
                });
    }

    @Test
    void decodingProblemWhenTheExportHasNoId() {
        api.on("POST", BASE + "/ExportTo", (ex, req) -> respond(ex, 202, "application/json",
                "{\"status\":\"NotStarted\"}"));

        assertThatThrownBy(() -> client.startExport(target, json.createObjectNode()))
                .isInstanceOfSatisfying(PowerBiException.class, e ->
                        assertThat(e.failure()).isInstanceOfSatisfying(PowerBiFailure.Decoding.class,
                                d -> assertThat(d.message()).isEqualTo("the Export object has no id")));
    }

    @Test
    void retryAfterSecondsAndHttpDate() {
        api.on("GET", BASE + "/exports/a", (ex, req) -> respond(ex, 202, "application/json", export("Running"),
                "Retry-After", "90"));
        api.on("GET", BASE + "/exports/b", (ex, req) -> respond(ex, 202, "application/json", export("Running"),
                "Retry-After", "Wed, 01 Jan 2025 10:02:05 GMT"));
        api.on("GET", BASE + "/exports/c", (ex, req) -> respond(ex, 202, "application/json", export("Running"),
                "Retry-After", "soon"));

        assertThat(client.getExportStatus(target, "a").retryAfter()).contains(Duration.ofSeconds(90));
        assertThat(client.getExportStatus(target, "b").retryAfter()).contains(Duration.ofSeconds(125));
        assertThat(client.getExportStatus(target, "c").retryAfter()).isEmpty();
    }

    @Test
    void tokenExpired403RefreshesAndRetriesOnce() {
        api.on("GET", BASE + "/exports/" + EXPORT_ID, (ex, req) -> {
            if (req.header("Authorization").equals("Bearer contoso-token-1")) {
                respond(ex, 403, "application/json", "{\"error\":{\"code\":\"TokenExpired\",\"message\":"
                        + "\"Access token has expired, resubmit with a new access token\"}}");
            } else {
                respond(ex, 200, "application/json", export("Succeeded"));
            }
        });

        ApiResponse<ExportJob> answer = client.getExportStatus(target, EXPORT_ID);

        assertThat(answer.value().status()).isEqualTo(new ExportStatus.Succeeded());
        assertThat(tokens.invalidated()).extracting(t -> t.value()).containsExactly("contoso-token-1");
        assertThat(api.requests()).extracting(r -> r.header("Authorization"))
                .containsExactly("Bearer contoso-token-1", "Bearer contoso-token-2");
    }

    @Test
    void unauthorized401AlsoRefreshesOnceAndASecondFailureSurfacesAsHttp() {
        api.on("GET", BASE, (ex, req) -> respond(ex, 401, "application/json",
                "{\"error\":{\"code\":\"PowerBINotAuthorizedException\",\"pbi.error\":{\"code\":\"PowerBINotAuthorizedException\"}}}"));

        assertThatThrownBy(() -> client.getReport(WS, REPORT))
                .isInstanceOfSatisfying(PowerBiException.class, e -> {
                    PowerBiFailure.Http http = (PowerBiFailure.Http) e.failure();
                    assertThat(http.status()).isEqualTo(401);
                    assertThat(http.errorCode()).isEqualTo("PowerBINotAuthorizedException");
                });
        assertThat(api.requests()).hasSize(2);
        assertThat(tokens.invalidated()).hasSize(1);
    }

    @Test
    void forbidden403WithoutTokenExpiredIsNotRetried() {
        api.on("POST", BASE + "/ExportTo", (ex, req) -> respond(ex, 403, null, ""));

        assertThatThrownBy(() -> client.startExport(target, json.createObjectNode()))
                .isInstanceOfSatisfying(PowerBiException.class, e -> {
                    PowerBiFailure.Http http = (PowerBiFailure.Http) e.failure();
                    assertThat(http.status()).isEqualTo(403);
                    assertThat(http.errorCode()).isNull();
                    assertThat(http.message()).isEqualTo("(empty body)");
                });
        assertThat(api.requests()).hasSize(1);
        assertThat(tokens.invalidated()).isEmpty();
    }

    @Test
    void resourceLocationOnOtherHostIsRefusedAndTokenNeverSent() {
        try (RecordingServer evil = RecordingServer.start()) {
            ExportJob job = jobWithLocation("http://localhost:" + evil.port() + BASE + "/exports/x/file");

            assertThatThrownBy(() -> client.downloadFile(target, job, body -> body.stream().readAllBytes()))
                    .isInstanceOfSatisfying(PowerBiException.class, e ->
                            assertThat(e.failure()).isInstanceOfSatisfying(PowerBiFailure.Refused.class, r ->
                                    assertThat(r.message()).contains("http://localhost:" + evil.port())
                                            .contains("the token is never sent there")));
            assertThat(evil.requests()).isEmpty();
            assertThat(api.requests()).isEmpty();
        }
    }

    @Test
    void crossOriginRedirectIsRefusedAndNotFollowed() {
        try (RecordingServer evil = RecordingServer.start()) {
            api.on("GET", BASE + "/exports/" + EXPORT_ID + "/file", (ex, req) -> respond(ex, 302, null, "",
                    "Location", evil.uri() + "/steal"));

            assertThatThrownBy(() -> client.downloadFile(target, jobWithLocation(null),
                    body -> body.stream().readAllBytes()))
                    .isInstanceOfSatisfying(PowerBiException.class, e ->
                            assertThat(e.failure()).isInstanceOf(PowerBiFailure.Refused.class));
            assertThat(evil.requests()).isEmpty();
        }
    }

    @Test
    void downloadStreamsTheFileFromTheKnownRouteWithItsExtension() throws Exception {
        byte[] pdf = "%PDF-1.7 pretend".repeat(5000).getBytes(StandardCharsets.US_ASCII);
        api.on("GET", BASE + "/exports/" + EXPORT_ID + "/file", (ex, req) -> respondBytes(ex, 200,
                "application/pdf", pdf, "RequestId", "req-file"));

        ApiResponse<String> answer = client.downloadFile(target, jobWithLocation(null), body -> {
            assertThat(body.contentType()).contains("application/pdf");
            assertThat(body.contentLength()).hasValue(pdf.length);
            assertThat(body.fileExtension()).isEqualTo(".pdf");
            return HexFormat.of().formatHex(sha256().digest(body.stream().readAllBytes()));
        });

        assertThat(answer.value()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pdf)));
        assertThat(answer.requestId()).contains("req-file");
    }

    @Test
    void downloadUsesAResourceLocationOnTheApiOrigin() {
        api.on("GET", "/elsewhere/file", (ex, req) -> respond(ex, 200, "application/zip", "PK"));
        ExportJob job = new ExportJob(EXPORT_ID, Optional.empty(), Optional.empty(), new ExportStatus.Succeeded(),
                100, Optional.of(api.uri() + "/elsewhere/file"), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());

        ApiResponse<String> answer = client.downloadFile(target, job, body -> body.fileExtension());

        assertThat(answer.value()).isEqualTo(".zip");
        assertThat(api.count("GET", "/elsewhere/file")).isEqualTo(1);
    }

    @Test
    void downloadCutShortIsATransportProblem() {
        api.on("GET", BASE + "/exports/" + EXPORT_ID + "/file", (ex, req) -> {
            ex.getResponseHeaders().add("RequestId", "req-cut");
            ex.sendResponseHeaders(200, 100_000);
            OutputStream out = ex.getResponseBody();
            out.write(new byte[1000]);
            out.flush();
            ex.getHttpContext().getServer().stop(0); // drop the connection mid-body
        });

        assertThatThrownBy(() -> client.downloadFile(target, jobWithLocation(null),
                body -> body.stream().readAllBytes()))
                .isInstanceOfSatisfying(PowerBiException.class, e -> {
                    assertThat(e.failure()).isInstanceOf(PowerBiFailure.Transport.class);
                    assertThat(e.failure().requestId()).contains("req-cut");
                });
    }

    @Test
    void downloadHandlerIoFailureIsTheCallersNotTheNetworks() {
        api.on("GET", BASE + "/exports/" + EXPORT_ID + "/file", (ex, req) -> respond(ex, 200, "application/pdf", "x"));

        assertThatThrownBy(() -> client.downloadFile(target, jobWithLocation(null), body -> {
            throw new IOException("disk full");
        })).isInstanceOf(UncheckedIOException.class).hasMessageContaining("disk full");
    }

    @Test
    void profileHeaderIsSentOnAllCalls() {
        String profile = "33333333-3333-3333-3333-333333333333";
        ExportTarget withProfile = new ExportTarget(WS, REPORT, Optional.of(profile));
        api.on("POST", BASE + "/ExportTo", (ex, req) -> respond(ex, 202, "application/json", export("NotStarted")));
        api.on("GET", BASE + "/exports/" + EXPORT_ID, (ex, req) -> respond(ex, 200, "application/json",
                export("Succeeded")));
        api.on("GET", BASE + "/exports/" + EXPORT_ID + "/file", (ex, req) -> respond(ex, 200, "application/pdf", "x"));
        api.on("GET", BASE, (ex, req) -> respond(ex, 200, "application/json", "{\"id\":\"" + REPORT + "\"}"));
        api.on("GET", "/v1.0/myorg/groups", (ex, req) -> respond(ex, 200, "application/json", "{\"value\":[]}"));
        api.on("GET", "/v1.0/myorg/capacities", (ex, req) -> respond(ex, 200, "application/json", "{\"value\":[]}"));

        ExportJob job = client.startExport(withProfile, json.createObjectNode()).value();
        client.getExportStatus(withProfile, job.id());
        client.downloadFile(withProfile, jobWithLocation(null), body -> body.stream().readAllBytes());
        client.getReport(WS, REPORT, Optional.of(profile));
        client.listGroups(null, Optional.of(profile));
        client.listCapacities(Optional.of(profile));

        assertThat(api.requests()).hasSize(6)
                .allSatisfy(r -> assertThat(r.header(PowerBiClient.PROFILE_HEADER)).isEqualTo(profile));
    }

    @Test
    void listGroupsSendsTheODataFilterAndReadsCapacityFields() {
        api.on("GET", "/v1.0/myorg/groups", (ex, req) -> respond(ex, 200, "application/json",
                "{\"@odata.context\":\"x\",\"value\":[{\"id\":\"" + WS + "\",\"name\":\"Sales\","
                        + "\"isOnDedicatedCapacity\":true,\"capacityId\":\"CAP-1\",\"type\":\"Workspace\"},"
                        + "{\"name\":\"no id: skipped\"}]}"));

        List<GroupInfo> groups = client.listGroups("id eq '" + WS + "'").value();

        assertThat(groups).containsExactly(new GroupInfo(WS, "Sales", true, Optional.of("CAP-1")));
        assertThat(URI.create("http://x/?" + api.requests().get(0).query()).getQuery())
                .isEqualTo("$filter=id eq '" + WS + "'");
    }

    @Test
    void listGroupsAsAdminAsksTheAdminRouteWithTopAndFilterAndNeverAProfile() {
        api.on("GET", "/v1.0/myorg/admin/groups", (ex, req) -> respond(ex, 200, "application/json",
                "{\"@odata.context\":\"x\",\"value\":[{\"id\":\"" + WS + "\",\"name\":\"Finance\","
                        + "\"type\":\"Workspace\",\"state\":\"Active\",\"isReadOnly\":false,"
                        + "\"isOnDedicatedCapacity\":true,\"capacityId\":\"CAP-1\"}]}"));

        List<AdminGroupInfo> groups = client.listGroupsAsAdmin("id eq '" + WS + "'", 1).value();

        assertThat(groups).containsExactly(new AdminGroupInfo(WS, "Finance", Optional.of("Workspace"),
                Optional.of("Active")));
        assertThat(groups.get(0).active()).isTrue();
        RecordingServer.Recorded sent = api.requests().get(0);
        assertThat(URI.create("http://x/?" + sent.query()).getQuery()).isEqualTo("$top=1&$filter=id eq '" + WS + "'");
        assertThat(sent.header("Authorization")).isEqualTo("Bearer contoso-token-1");
        assertThat(sent.header(PowerBiClient.PROFILE_HEADER)).as("admin APIs do not act as profiles").isNull();
    }

    @Test
    void aRefusedAdminApiIsNotTakenForAnExpiredTokenSoTheTenantsTokenStays() {
        api.on("GET", "/v1.0/myorg/admin/groups", (ex, req) -> respond(ex, 401, "application/json",
                "{\"error\":{\"code\":\"PowerBINotAuthorizedException\"}}"));

        assertThatThrownBy(() -> client.listGroupsAsAdmin(null, 1))
                .isInstanceOfSatisfying(PowerBiException.class, e ->
                        assertThat(((PowerBiFailure.Http) e.failure()).status()).isEqualTo(401));
        assertThat(api.requests()).hasSize(1);
        assertThat(tokens.invalidated()).isEmpty();
    }

    @Test
    void anExpiredTokenOnTheAdminApiIsStillRefreshedOnce() {
        api.on("GET", "/v1.0/myorg/admin/groups", (ex, req) -> {
            if (req.header("Authorization").equals("Bearer contoso-token-1")) {
                respond(ex, 403, "application/json", "{\"error\":{\"code\":\"TokenExpired\"}}");
            } else {
                respond(ex, 200, "application/json", "{\"value\":[]}");
            }
        });

        assertThat(client.listGroupsAsAdmin(null, 5000).value()).isEmpty();
        assertThat(tokens.invalidated()).hasSize(1);
    }

    @Test
    void listGroupsAsAdminNeedsATopPowerBiAccepts() {
        assertThatThrownBy(() -> client.listGroupsAsAdmin(null, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("$top must be 1..5000, was 0");
        assertThatThrownBy(() -> client.listGroupsAsAdmin(null, 5001)).isInstanceOf(IllegalArgumentException.class);
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void listCapacitiesAndGetReportReadTheirFields() {
        api.on("GET", "/v1.0/myorg/capacities", (ex, req) -> respond(ex, 200, "application/json",
                "{\"value\":[{\"id\":\"CAP-1\",\"displayName\":\"A1 cap\",\"sku\":\"A1\",\"state\":\"Active\","
                        + "\"region\":\"West Europe\",\"admins\":[\"x\"]}]}"));
        api.on("GET", BASE, (ex, req) -> respond(ex, 200, "application/json",
                "{\"id\":\"" + REPORT + "\",\"name\":\"Invoices\",\"reportType\":\"PaginatedReport\","
                        + "\"datasetId\":null,\"webUrl\":\"https://app.powerbi.com/x\"}"));

        assertThat(client.listCapacities().value()).containsExactly(new CapacityInfo("CAP-1", "A1 cap",
                Optional.of("A1"), Optional.of("Active"), Optional.of("West Europe")));
        ReportInfo report = client.getReport(WS, REPORT).value();
        assertThat(report.isPaginated()).isTrue();
        assertThat(report.datasetId()).isEmpty();
        assertThat(report.webUrl()).contains("https://app.powerbi.com/x");
    }

    @Test
    void myWorkspaceTargetUsesTheMyorgReportsRoute() {
        api.on("POST", "/v1.0/myorg/reports/" + REPORT + "/ExportTo", (ex, req) -> respond(ex, 202,
                "application/json", export("NotStarted")));

        client.startExport(ExportTarget.myWorkspace(REPORT, Optional.empty()), json.createObjectNode());

        assertThat(api.count("POST", "/v1.0/myorg/reports/" + REPORT + "/ExportTo")).isEqualTo(1);
    }

    @Test
    void plainHttpApiRootIsRefusedUnlessLoopback() {
        assertThatThrownBy(() -> new PowerBiEndpoint(URI.create("http://api.powerbi.com")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("powerBiApiUrl must use https (plain http is allowed only for loopback hosts such as the "
                        + "local devstack), was http://api.powerbi.com");
        assertThat(new PowerBiEndpoint(URI.create("http://localhost:8080")).origin()).isEqualTo("http://localhost:8080");
        assertThat(PowerBiEndpoint.publicCloud().sameOrigin(URI.create("https://API.powerbi.com:443/v1.0/x"))).isTrue();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    ExportJob jobWithLocation(String location) {
        return new ExportJob(EXPORT_ID, Optional.of(REPORT), Optional.empty(), new ExportStatus.Succeeded(), 100,
                Optional.ofNullable(location), Optional.of(".pdf"), Optional.empty(), Optional.empty(),
                Optional.empty());
    }
}
