package com.pbiexport.worker.auth;

import static com.pbiexport.worker.auth.RecordingServer.respond;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real msal4j against a real HTTP server posing as the Entra token endpoint (reached through the authority
 * override, while msal4j keeps the real https authority).
 */
class MsalTokenSourceTest {

    static final String TENANT = "contoso-tenant-id";
    static final String TOKEN_PATH = "/" + TENANT + "/oauth2/v2.0/token";
    static final String SCOPE = "https://analysis.windows.net/powerbi/api/.default";
    static final String SECRET = "s3cr3t-value-never-logged";

    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final AtomicInteger issued = new AtomicInteger();
    final AtomicReference<String> secret = new AtomicReference<>(SECRET);
    RecordingServer entra;
    final List<MsalTokenSource> sources = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        entra = RecordingServer.start();
        entra.on("POST", TOKEN_PATH, (ex, req) -> respond(ex, 200, "application/json",
                "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"at-"
                        + issued.incrementAndGet() + "\"}"));
    }

    @AfterEach
    void stop() {
        sources.forEach(MsalTokenSource::close);
        scheduler.shutdownNow();
        entra.close();
    }

    MsalTokenSource source(CredentialSource credential, URI override) {
        TenantCredentials tenant = new TenantCredentials("contoso", TENANT, "client-id-1",
                URI.create("https://login.microsoftonline.com/"), SCOPE, credential, Optional.of(override));
        MsalTokenSource s = new MsalTokenSource(tenant, new TokenPolicy(0.75, Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(60)), Clock.systemUTC(), scheduler);
        sources.add(s);
        return s;
    }

    MsalTokenSource secretSource() {
        return source(new CredentialSource.Secret(secret::get), entra.uri());
    }

    static Map<String, String> form(RecordingServer.Recorded request) {
        Map<String, String> form = new HashMap<>();
        for (String pair : request.bodyText().split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return form;
    }

    @Test
    void getsATokenFromTheOverrideWithTheClientCredentialsGrantAndNothingElse() {
        AccessToken token = secretSource().token();

        assertThat(token.value()).isEqualTo("at-1");
        assertThat(token.expiresOn()).isAfter(Clock.systemUTC().instant().plus(Duration.ofMinutes(55)));
        assertThat(entra.requests()).hasSize(1); // no instance discovery, no metadata call
        Map<String, String> form = form(entra.requests().get(0));
        assertThat(form).containsEntry("grant_type", "client_credentials")
                .containsEntry("client_id", "client-id-1")
                .containsEntry("client_secret", SECRET);
        assertThat(form.get("scope")).contains(SCOPE);
    }

    @Test
    void fiftyConcurrentCallersOnAColdCacheMakeOneTokenRequest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        entra.on("POST", TOKEN_PATH, (ex, req) -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(ex, 200, "application/json", "{\"token_type\":\"Bearer\",\"expires_in\":3599,"
                    + "\"access_token\":\"at-" + issued.incrementAndGet() + "\"}");
        });
        MsalTokenSource source = secretSource();
        ExecutorService callers = Executors.newFixedThreadPool(50);
        try {
            List<Future<AccessToken>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                results.add(callers.submit(source::token));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> entra.count("POST", TOKEN_PATH) == 1);
            release.countDown();
            for (Future<AccessToken> r : results) {
                assertThat(r.get(10, TimeUnit.SECONDS).value()).isEqualTo("at-1");
            }
        } finally {
            release.countDown();
            callers.shutdownNow();
        }
        assertThat(entra.count("POST", TOKEN_PATH)).isEqualTo(1);
        assertThat(source.fetchesStarted()).isEqualTo(1);
    }

    @Test
    void mapsAadstsFromARealMsalServiceException() {
        entra.on("POST", TOKEN_PATH, (ex, req) -> respond(ex, 401, "application/json",
                "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided. "
                        + "Ensure the secret being sent in the request is the client secret value.\","
                        + "\"error_codes\":[7000215],\"timestamp\":\"2025-01-01 10:00:00Z\",\"trace_id\":\"t\","
                        + "\"correlation_id\":\"c\"}"));

        assertThatThrownBy(() -> secretSource().token()).isInstanceOfSatisfying(TokenAcquisitionException.class, e -> {
            TokenFailure f = e.failure();
            assertThat(f.kind()).isEqualTo(TokenFailure.Kind.REJECTED);
            assertThat(f.httpStatus()).contains(401);
            assertThat(f.oauthError()).contains("invalid_client");
            assertThat(f.aadsts()).contains(7000215);
            assertThat(f.description()).startsWith("AADSTS7000215: Invalid client secret provided.");
            assertThat(e.getMessage()).doesNotContain(SECRET);
        });
        assertThat(entra.requests()).hasSize(1); // msal4j's internal retry is off
    }

    @Test
    void throttledAnswerKeepsRetryAfter() {
        entra.on("POST", TOKEN_PATH, (ex, req) -> respond(ex, 429, "application/json",
                "{\"error\":\"temporarily_unavailable\",\"error_description\":\"AADSTS90055: Too many requests.\","
                        + "\"error_codes\":[90055]}", "Retry-After", "7"));

        assertThatThrownBy(() -> secretSource().token()).isInstanceOfSatisfying(TokenAcquisitionException.class, e -> {
            assertThat(e.failure().kind()).isEqualTo(TokenFailure.Kind.THROTTLED);
            assertThat(e.failure().aadsts()).contains(90055);
            assertThat(e.failure().retryAfter()).contains(Duration.ofSeconds(7));
        });
    }

    @Test
    void outageIsUnavailableAndNotRetriedByMsal() {
        entra.on("POST", TOKEN_PATH, (ex, req) -> respond(ex, 503, "text/html", "<html>down</html>"));

        assertThatThrownBy(() -> secretSource().token()).isInstanceOfSatisfying(TokenAcquisitionException.class,
                e -> assertThat(e.failure().kind()).isEqualTo(TokenFailure.Kind.UNAVAILABLE));
        assertThat(entra.requests()).hasSize(1);
    }

    @Test
    void unreachableTokenEndpointIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        MsalTokenSource source = source(new CredentialSource.Secret(secret::get),
                URI.create("http://127.0.0.1:" + closedPort));

        assertThatThrownBy(source::token).isInstanceOfSatisfying(TokenAcquisitionException.class, e -> {
            assertThat(e.failure().kind()).isEqualTo(TokenFailure.Kind.UNAVAILABLE);
            assertThat(e.failure().httpStatus()).isEmpty();
            assertThat(source.health().healthy()).isFalse();
        });
    }

    @Test
    void aRotatedSecretIsPickedUpWithoutRestart() {
        MsalTokenSource source = secretSource();
        AccessToken first = source.token();

        secret.set("rotated-secret");
        source.invalidate(first);
        source.token();

        assertThat(entra.requests()).extracting(r -> form(r).get("client_secret"))
                .containsExactly(SECRET, "rotated-secret");
    }

    @Test
    void msalsOwnCacheHoldsOneAccessTokenPerTenantHoweverOftenItIsRefreshedOrTheSecretRotated() throws Exception {
        MsalTokenSource source = secretSource();
        for (int i = 0; i < 30; i++) {
            AccessToken t = source.token();
            if (i % 10 == 9) {
                secret.set("rotated-" + i); // a new msal4j application from the next fetch on
            }
            source.invalidate(t);
        }
        AccessToken last = source.token();

        assertThat(issued.get()).as("every invalidation fetched a new token").isEqualTo(31);
        com.fasterxml.jackson.databind.JsonNode cache = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(source.msalTokenCache());
        assertThat(cache.path("AccessToken").size()).as("msal4j's cache: one entry, the latest token").isOne();
        assertThat(cache.path("AccessToken").elements().next().path("secret").asText()).isEqualTo(last.value());
    }

    @Test
    void anEmptySecretIsCredentialUnreadableWithoutARequest() {
        secret.set(" ");

        assertThatThrownBy(() -> secretSource().token()).isInstanceOfSatisfying(TokenAcquisitionException.class, e -> {
            assertThat(e.failure().kind()).isEqualTo(TokenFailure.Kind.CREDENTIAL_UNREADABLE);
            assertThat(e.failure().description()).isEqualTo("the client secret is empty");
        });
        assertThat(entra.requests()).isEmpty();
    }

    @Test
    void theAssertionFileIsReadOnEveryRequest() throws Exception {
        Path file = dir.resolve("azure-identity-token");
        Files.writeString(file, "federated.jwt.one\n");
        MsalTokenSource source = source(new CredentialSource.AssertionFile(file), entra.uri());

        AccessToken first = source.token();
        Files.writeString(file, "federated.jwt.two");
        source.invalidate(first);
        source.token();

        assertThat(entra.requests()).extracting(r -> form(r).get("client_assertion"))
                .containsExactly("federated.jwt.one", "federated.jwt.two");
        assertThat(form(entra.requests().get(0))).containsEntry("client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    }

    @Test
    void aMissingAssertionFileIsCredentialUnreadable() {
        MsalTokenSource source = source(new CredentialSource.AssertionFile(dir.resolve("absent")), entra.uri());

        assertThatThrownBy(source::token).isInstanceOfSatisfying(TokenAcquisitionException.class,
                e -> assertThat(e.failure().kind()).isEqualTo(TokenFailure.Kind.CREDENTIAL_UNREADABLE));
    }

    @Test
    void aCertificateFileThatIsNotPkcs12IsCredentialUnreadable() throws Exception {
        Path file = dir.resolve("cert.pfx");
        Files.writeString(file, "not a keystore");
        MsalTokenSource source = source(new CredentialSource.Certificate(file, () -> "pw"), entra.uri());

        assertThatThrownBy(source::token).isInstanceOfSatisfying(TokenAcquisitionException.class, e -> {
            assertThat(e.failure().kind()).isEqualTo(TokenFailure.Kind.CREDENTIAL_UNREADABLE);
            assertThat(e.failure().description()).contains(file.toString()).doesNotContain("pw");
        });
        assertThat(entra.requests()).isEmpty();
    }

    @Test
    void plainHttpAuthorityOverrideIsOnlyForLoopback() {
        assertThatThrownBy(() -> new TenantCredentials("contoso", TENANT, "c", URI.create("https://login.microsoftonline.com/"),
                SCOPE, new CredentialSource.Secret(() -> "x"), Optional.of(URI.create("http://login.example.com"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tenants.contoso.authorityUrl must use https (plain http is allowed only for loopback "
                        + "hosts such as the local devstack), was http://login.example.com");
    }

    @Test
    void tokenServiceHandsOutTheSourceOfEachTenantAndNamesTheConfiguredOnes() {
        TenantCredentials a = new TenantCredentials("a", TENANT, "c", URI.create("https://login.microsoftonline.com/"),
                SCOPE, new CredentialSource.Secret(secret::get), Optional.of(entra.uri()));
        try (TokenService service = TokenService.create(List.of(a), TokenPolicy.defaults(), Clock.systemUTC())) {
            assertThat(service.forTenant("a").token().value()).isEqualTo("at-1");
            assertThat(service.health().get("a").healthy()).isTrue();
            assertThatThrownBy(() -> service.forTenant("b")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("unknown tenant 'b'; configured tenants: [a]");
        }
    }
}
