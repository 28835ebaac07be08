package com.pbiexport.worker.powerbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.pbiexport.worker.auth.FakeTokenSource;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Power BI export ids are standard base64 and can contain '/', '+' and '=' (Swagger example {@code Mi9C5419i....PS4=}):
 * the client must send one as a single percent-encoded path segment, or the service sees another route.
 */
class ExportIdPathEncodingTest {
    static final String WS = "11111111-1111-1111-1111-111111111111";
    static final String REPORT = "22222222-2222-2222-2222-222222222222";
    static final String EXPORT_ID = "Mi9C5419i/ab+c=PS4=";
    static final String ENCODED = "Mi9C5419i%2Fab%2Bc%3DPS4%3D";
    static final String BASE = "/v1.0/myorg/groups/" + WS + "/reports/" + REPORT;

    final List<String> rawPaths = new CopyOnWriteArrayList<>();
    HttpServer server;
    PowerBiClient client;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            rawPaths.add(ex.getRequestURI().getRawPath());
            byte[] body = ("{\"id\":\"" + EXPORT_ID + "\",\"status\":\"Running\",\"percentComplete\":10}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(202, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        URI root = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        client = new PowerBiClient(new PowerBiEndpoint(root), new FakeTokenSource("contoso"),
                new PowerBiHttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), 2),
                Clock.fixed(Instant.parse("2025-01-01T10:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    @Test
    void pollSendsSlashPlusAndEqualsOfTheExportIdPercentEncodedInOneSegment() {
        client.getExportStatus(new ExportTarget(WS, REPORT), EXPORT_ID);

        assertThat(rawPaths).containsExactly(BASE + "/exports/" + ENCODED);
    }
}
