package com.pbiexport.worker.powerbi;

import static com.pbiexport.worker.auth.RecordingServer.respond;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.pbiexport.worker.auth.FakeTokenSource;
import com.pbiexport.worker.auth.RecordingServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every signal of an error answer survives into {@link PowerBiFailure.Http}, whatever the body's shape and
 * Content-Type: the shapes the real service sends (empty, nested {@code pbi.error}, {@code error.code/message},
 * {@code {"Message"}}; no Content-Type, JSON, text/plain).
 */
class ErrorSignalsTest {
    static final String WS = "11111111-1111-1111-1111-111111111111";
    static final String REPORT = "22222222-2222-2222-2222-222222222222";
    static final String PATH = "/v1.0/myorg/groups/" + WS + "/reports/" + REPORT;

    RecordingServer api;
    FakeTokenSource tokens;
    PowerBiClient client;

    @BeforeEach
    void start() {
        api = RecordingServer.start();
        tokens = new FakeTokenSource("contoso");
        client = new PowerBiClient(new PowerBiEndpoint(api.uri()), tokens,
                new PowerBiHttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), 4),
                Clock.fixed(Instant.parse("2025-01-01T10:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        client.close();
        api.close();
    }

    private PowerBiFailure.Http failure() {
        PowerBiException e = catchThrowableOfType(() -> client.getReport(WS, REPORT), PowerBiException.class);
        return (PowerBiFailure.Http) e.failure();
    }

    @Test
    void keepsWwwAuthenticateErrorDetailsAndRequestIdOfAnEmptyBody() {
        api.on("GET", PATH, (ex, req) -> respond(ex, 401, null, null, "RequestId", "rid-1",
                "WWW-Authenticate", "Bearer authorization_uri=\"https://login.microsoftonline.com/common/oauth2/"
                        + "authorize\", error=\"invalid_token\", error_description=\"The access token is invalid\"",
                "X-PowerBI-Error-Details", "{\"code\":\"x\"}", "X-PowerBI-Error-Info", "GroupNotAccessible"));

        PowerBiFailure.Http h = failure();

        assertThat(h.status()).isEqualTo(401);
        assertThat(h.errorCode()).isNull();
        assertThat(h.message()).isEqualTo("(empty body)");
        assertThat(h.requestId()).contains("rid-1");
        assertThat(h.errorInfo()).contains("GroupNotAccessible");
        assertThat(h.signals().authError()).contains("invalid_token");
        assertThat(h.signals().authErrorDescription()).contains("The access token is invalid");
        assertThat(h.signals().errorDetails()).contains("{\"code\":\"x\"}");
        assertThat(h.signals().contentType()).isEmpty();
    }

    @Test
    void keepsTheNestedPbiErrorCodeAndDetails() {
        api.on("GET", PATH, (ex, req) -> respond(ex, 404, "application/json; charset=utf-8",
                "{\"error\":{\"code\":\"PowerBIEntityNotFound\",\"pbi.error\":{\"code\":\"PowerBIEntityNotFound\","
                        + "\"parameters\":{},\"details\":[{\"message\":\"m\"}],\"exceptionCulprit\":1}}}"));

        PowerBiFailure.Http h = failure();

        assertThat(h.errorCode()).isEqualTo("PowerBIEntityNotFound");
        assertThat(h.signals().pbiErrorCode()).contains("PowerBIEntityNotFound");
        assertThat(h.signals().pbiErrorDetails()).contains("[{\"message\":\"m\"}]");
        assertThat(h.signals().contentType()).contains("application/json; charset=utf-8");
    }

    @Test
    void readsTheMessageOfTheCapitalisedShapeAndOfPlainText() {
        api.on("GET", PATH, (ex, req) -> respond(ex, 403, "application/json",
                "{\"Message\":\"API is not accessible for application\"}"));
        assertThat(failure().message()).isEqualTo("API is not accessible for application");

        api.on("GET", PATH, (ex, req) -> respond(ex, 403, "text/plain", "Forbidden by policy"));
        PowerBiFailure.Http text = failure();
        assertThat(text.message()).contains("Forbidden by policy");
        assertThat(text.signals().contentType()).contains("text/plain");
    }

    @Test
    void aTokenExpiredHeaderOnAnEmptyForbiddenIsRefreshedAndRetriedOnce() {
        api.on("GET", PATH, (ex, req) -> respond(ex, 403, null, null, "X-PowerBI-Error-Info", "TokenExpired"));

        PowerBiFailure.Http h = failure();

        assertThat(h.status()).isEqualTo(403);
        assertThat(api.requests()).hasSize(2);
        assertThat(api.requests().get(1).header("Authorization")).isEqualTo("Bearer contoso-token-2");
    }

    @Test
    void aServerEchoingTheTokenInASignalNeverGetsItIntoTheFailure() {
        api.on("GET", PATH, (ex, req) -> respond(ex, 400, null, null, "X-PowerBI-Error-Details",
                "bad token " + req.header("Authorization")));

        PowerBiFailure.Http h = failure();

        assertThat(h.signals().errorDetails()).contains("bad token Bearer <redacted>");
    }

    @Test
    void aSignalIsBoundedAndOnOneLine() {
        ErrorSignals s = new ErrorSignals(Optional.of("a\nb" + "x".repeat(500)), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());

        assertThat(s.errorDetails().orElseThrow()).doesNotContain("\n").hasSize(ErrorSignals.MAX_VALUE + 3);
    }
}
