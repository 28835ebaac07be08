package com.pbiexport.devstack.entra;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.devstack.scenario.App;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.scenario.Tenant;
import com.pbiexport.devstack.sim.AccessTokens;
import com.pbiexport.devstack.sim.Cloud;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.devstack.sim.Faults;
import com.pbiexport.devstack.sim.Realism;
import com.pbiexport.devstack.sim.RealisticDefaults;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Microsoft Entra ID token endpoint simulator (client credentials), mounted at "/" of an HttpServer.
 *
 * <ul>
 *   <li>{@code POST /{tenant}/oauth2/v2.0/token}: client secret, certificate-signed assertion or federated
 *       assertion; the scope decides the audience; every failure answers with Entra's status, {@code error},
 *       AADSTS code and body shape.</li>
 *   <li>{@code GET /{tenant}/v2.0/.well-known/openid-configuration}, {@code GET /{tenant}/.well-known/openid-configuration}
 *       and {@code GET /common/discovery/instance}: discovery documents, in case a client asks.</li>
 * </ul>
 * Faults: outage window (503), throttling (429 + Retry-After, AADSTS90055) and added latency, read live from
 * {@link Faults}. Counters: {@code tokenRequests}, {@code tokenRequests.<tenantId>}, {@code tokenErrors},
 * {@code tokensIssued.<tenantId>}. Close it to stop the latency scheduler.
 *
 * <p>Realistic profile ({@link RealisticDefaults}): every token answer takes 50-800 ms (long tail, on top of
 * {@code entraLatencyMillis}), and a token lives 60-90 minutes, drawn per token, unless the scenario sets
 * {@code tokenLifetimeSeconds}. The clean profile answers at once with {@link Scenario#DEFAULT_TOKEN_LIFETIME_SECONDS}.
 */
public final class EntraSimulator implements HttpHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EntraSimulator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_BYTES = 1 << 20;
    private static final DateTimeFormatter ERROR_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern TENANT_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Set<String> MULTI_TENANT_ALIASES = Set.of("common", "organizations", "consumers");

    private final Scenario scenario;
    private final Faults faults;
    private final Counters counters;
    private final Clock clock;
    private final TokenIssuer issuer;
    private final EntraCredentials credentials;
    private final ScheduledExecutorService delayer;
    private final Realism realism;
    private final java.util.concurrent.atomic.AtomicLong tokensDrawn = new java.util.concurrent.atomic.AtomicLong();

    public EntraSimulator(Scenario scenario, AccessTokens tokens, Faults faults, Counters counters, Clock clock) {
        this(scenario, tokens, new EntraCredentials(scenario), faults, counters, clock);
    }

    /** @param credentials the apps' live credentials (rotatable while running) */
    public EntraSimulator(Scenario scenario, AccessTokens tokens, EntraCredentials credentials, Faults faults,
                          Counters counters, Clock clock) {
        this(scenario, tokens, credentials, faults, counters, clock, Realism.clean());
    }

    /** @param realism the profile: latency and token lifetimes of the realistic profile, or none */
    public EntraSimulator(Scenario scenario, AccessTokens tokens, EntraCredentials credentials, Faults faults,
                          Counters counters, Clock clock, Realism realism) {
        this.realism = realism;
        this.credentials = credentials;
        this.scenario = scenario;
        this.faults = faults;
        this.counters = counters;
        this.clock = clock;
        this.issuer = new TokenIssuer(tokens);
        this.delayer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "entra-latency");
            t.setDaemon(true);
            return t;
        });
    }

    /** A response before it is written: status, extra headers and JSON body. */
    private record Reply(int status, Map<String, String> headers, Object body) {
        static Reply json(int status, Object body) {
            return new Reply(status, Map.of(), body);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Reply reply;
        String correlationId = correlationId(exchange.getRequestHeaders());
        String traceId = UUID.randomUUID().toString();
        boolean tokenEndpoint = false;
        try {
            List<String> segments = segments(exchange.getRequestURI());
            if (segments.size() == 4 && segments.get(1).equals("oauth2") && segments.get(2).equals("v2.0")
                    && segments.get(3).equals("token")) {
                tokenEndpoint = true;
                reply = tokenRequest(exchange, segments.get(0), traceId, correlationId);
            } else if (isMetadataPath(segments)) {
                reply = metadata(exchange, segments, traceId, correlationId);
            } else if (segments.equals(List.of("common", "discovery", "instance"))) {
                reply = Reply.json(200, OpenIdMetadata.instanceDiscovery(queryParam(exchange.getRequestURI(),
                        "authorization_endpoint")));
            } else {
                reply = errorReply(EntraError.notFound(exchange.getRequestURI().getPath()), Cloud.PUBLIC,
                        traceId, correlationId);
            }
        } catch (RuntimeException e) {
            // never let a bad request kill the exchange without an answer
            LOG.warn("Entra simulator failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
            reply = errorReply(new EntraError(500, "server_error", 90100, "An unexpected error occurred."),
                    Cloud.PUBLIC, traceId, correlationId);
        }
        if (tokenEndpoint && reply.status() != 200) {
            counters.increment("tokenErrors");
        }
        send(exchange, reply, traceId, tokenEndpoint ? faults.current().entraLatencyMillis() + realisticLatency() : 0);
    }

    private long realisticLatency() {
        return realism.realistic()
                ? realism.longTail(RealisticDefaults.TOKEN_LATENCY_MIN_MILLIS, RealisticDefaults.TOKEN_LATENCY_MAX_MILLIS) : 0;
    }

    /**
     * The scenario's {@code tokenLifetimeSeconds} when it sets one (tests rely on exact short lifetimes); otherwise
     * 60-90 minutes drawn per token in the realistic profile (reference section 4: "never assume one hour"),
     * {@link Scenario#DEFAULT_TOKEN_LIFETIME_SECONDS} in the clean one.
     */
    private long tokenLifetimeSeconds() {
        if (scenario.tokenLifetimeSeconds() != null) {
            return scenario.tokenLifetimeSeconds();
        }
        if (!realism.realistic()) {
            return Scenario.DEFAULT_TOKEN_LIFETIME_SECONDS;
        }
        return realism.keyed("token-lifetime#" + tokensDrawn.incrementAndGet()).nextLong(
                RealisticDefaults.TOKEN_LIFETIME_MIN_SECONDS, RealisticDefaults.TOKEN_LIFETIME_MAX_SECONDS + 1);
    }

    /** The apps' live credentials: rotate them here while the simulator runs. */
    public EntraCredentials credentials() {
        return credentials;
    }

    // ---- token endpoint ----------------------------------------------------------------------------------

    private Reply tokenRequest(HttpExchange exchange, String tenantSegment, String traceId, String correlationId)
            throws IOException {
        counters.increment("tokenRequests");
        Optional<Tenant> tenant = scenario.tenant(tenantSegment);
        tenant.ifPresent(t -> counters.increment("tokenRequests." + t.id()));
        Cloud cloud = tenant.map(EntraSimulator::cloudOf).orElse(Cloud.PUBLIC);
        try {
            if (faults.entraOutage()) {
                return errorReply(EntraError.unavailable(), cloud, traceId, correlationId);
            }
            if (faults.takeEntraThrottle()) {
                Reply throttled = errorReply(EntraError.throttled(), cloud, traceId, correlationId);
                int retryAfter = Math.max(1, faults.current().entraThrottleRetryAfterSeconds());
                return new Reply(throttled.status(), Map.of("Retry-After", Integer.toString(retryAfter)), throttled.body());
            }
            if (!"POST".equalsIgnoreCase(exchange.getRequestMethod())) {
                throw new EntraRejection(EntraError.methodNotAllowed(exchange.getRequestMethod().toUpperCase(Locale.ROOT)));
            }
            Tenant t = tenant.orElseThrow(() -> new EntraRejection(unknownTenant(tenantSegment)));
            FormBody form = FormBody.parse(readBody(exchange.getRequestBody()));
            Map<String, Object> body = clientCredentials(form, t, tenantSegment, exchange);
            counters.increment("tokensIssued." + t.id());
            return Reply.json(200, body);
        } catch (EntraRejection rejection) {
            return errorReply(rejection.error(), cloud, traceId, correlationId);
        }
    }

    private Map<String, Object> clientCredentials(FormBody form, Tenant tenant, String tenantSegment,
                                                  HttpExchange exchange) {
        String grantType = form.require("grant_type");
        if (!"client_credentials".equals(grantType)) {
            throw new EntraRejection(EntraError.unsupportedGrant(grantType));
        }
        String clientId = form.require("client_id");
        String scope = form.require("scope");
        String resource = ScopeResolver.requestedResource(scope);
        App app = tenant.app(clientId).map(a -> credentials.current(tenant, a))
                .orElseThrow(() -> new EntraRejection(EntraError.applicationNotFound(clientId, tenant.domain())));
        if (!app.enabled()) {
            throw new EntraRejection(EntraError.applicationDisabled(app.clientId(), app.displayName()));
        }
        Cloud cloud = cloudOf(tenant);
        Instant now = clock.instant();
        Optional<String> secret = form.get("client_secret");
        String appidacr;
        try {
            appidacr = ClientAuthenticator.authenticate(form, app, realm(tenant, tenantSegment, cloud, exchange), now);
        } catch (EntraRejection rejected) {
            secret.ifPresent(s -> credentials.recordSecret(tenant, app, s, false));
            throw rejected;
        }
        secret.ifPresent(s -> credentials.recordSecret(tenant, app, s, true));
        String audience = ScopeResolver.audience(resource, tenant, cloud);
        Map<String, Object> body = issuer.issue(tenant, cloud, app, audience, appidacr, now, tokenLifetimeSeconds());
        LOG.debug("issued token tenant={} app={} aud={} appidacr={}", tenant.id(), app.clientId(), audience, appidacr);
        return body;
    }

    /** A client assertion may name the tenant's authority or the host the request actually reached. */
    private static ClientAssertionVerifier.Realm realm(Tenant tenant, String segment, Cloud cloud, HttpExchange exchange) {
        Set<String> hosts = new LinkedHashSet<>();
        hosts.add(cloud.authorityHost());
        String hostHeader = exchange.getRequestHeaders().getFirst("Host");
        if (hostHeader != null && !hostHeader.isBlank()) {
            hosts.add(hostHeader.trim());
        }
        return new ClientAssertionVerifier.Realm(hosts, new LinkedHashSet<>(List.of(tenant.id(), tenant.domain(), segment)));
    }

    private static EntraError unknownTenant(String segment) {
        if (MULTI_TENANT_ALIASES.contains(segment.toLowerCase(Locale.ROOT))) {
            return EntraError.noTenantInformation();
        }
        if (!GUID.matcher(segment).matches() && !TENANT_NAME.matcher(segment).matches()) {
            return EntraError.invalidTenantIdentifier(segment);
        }
        return EntraError.tenantNotFound(segment);
    }

    // ---- discovery ---------------------------------------------------------------------------------------

    private static boolean isMetadataPath(List<String> s) {
        return (s.size() == 4 && s.get(1).equals("v2.0") && s.get(2).equals(".well-known")
                && s.get(3).equals("openid-configuration"))
                || (s.size() == 3 && s.get(1).equals(".well-known") && s.get(2).equals("openid-configuration"));
    }

    private Reply metadata(HttpExchange exchange, List<String> segments, String traceId, String correlationId) {
        Optional<Tenant> tenant = scenario.tenant(segments.get(0));
        if (tenant.isEmpty()) {
            EntraError e = unknownTenant(segments.get(0));
            return errorReply(e.code() == 90002 ? EntraError.tenantNotFoundInMetadata(segments.get(0)) : e,
                    Cloud.PUBLIC, traceId, correlationId);
        }
        return Reply.json(200, OpenIdMetadata.openIdConfiguration(tenant.get(), cloudOf(tenant.get()), segments.size() == 4));
    }

    // ---- responses ---------------------------------------------------------------------------------------

    private Reply errorReply(EntraError e, Cloud cloud, String traceId, String correlationId) {
        String timestamp = ERROR_TIMESTAMP.format(clock.instant());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.error());
        body.put("error_description", e.describe() + " Trace ID: " + traceId + " Correlation ID: " + correlationId
                + " Timestamp: " + timestamp);
        body.put("error_codes", List.of(e.code()));
        body.put("timestamp", timestamp);
        body.put("trace_id", traceId);
        body.put("correlation_id", correlationId);
        body.put("error_uri", "https://" + cloud.authorityHost() + "/error?code=" + e.code());
        return Reply.json(e.status(), body);
    }

    private void send(HttpExchange exchange, Reply reply, String traceId, long delayMillis) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(reply.body());
        Headers h = exchange.getResponseHeaders();
        h.set("Content-Type", "application/json; charset=utf-8");
        h.set("Cache-Control", "no-store, no-cache");
        h.set("Pragma", "no-cache");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("x-ms-request-id", traceId);
        h.set("x-ms-ests-server", "2.1.0 - devstack-entra-simulator");
        String clientRequestId = exchange.getRequestHeaders().getFirst("client-request-id");
        if (clientRequestId != null) {
            h.set("client-request-id", clientRequestId);
        }
        reply.headers().forEach(h::set);
        if (delayMillis <= 0) {
            write(exchange, reply.status(), bytes);
            return;
        }
        // added latency without parking a server thread: the answer is written later from the scheduler
        try {
            delayer.schedule(() -> {
                try {
                    write(exchange, reply.status(), bytes);
                } catch (IOException e) {
                    LOG.debug("client went away before the delayed Entra answer", e);
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            write(exchange, reply.status(), bytes);
        }
    }

    private static void write(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        try (OutputStream out = exchange.getResponseBody()) {
            if ("HEAD".equalsIgnoreCase(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(status, -1); // a HEAD answer carries no body
                return;
            }
            exchange.sendResponseHeaders(status, bytes.length);
            out.write(bytes);
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        delayer.shutdownNow();
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static Cloud cloudOf(Tenant tenant) {
        return Cloud.byName(tenant.cloud()).orElse(Cloud.PUBLIC);
    }

    /** Entra uses the caller's {@code client-request-id} (msal4j sends one) as the correlation id. */
    private static String correlationId(Headers headers) {
        String given = headers.getFirst("client-request-id");
        return given != null && GUID.matcher(given.trim()).matches() ? given.trim().toLowerCase(Locale.ROOT)
                : UUID.randomUUID().toString();
    }

    private static List<String> segments(URI uri) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return Arrays.stream(path.split("/"))
                .filter(s -> !s.isEmpty())
                .map(EntraSimulator::decodeSegment)
                .toList();
    }

    private static String decodeSegment(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }

    private static String queryParam(URI uri, String name) {
        String query = uri.getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                try {
                    return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw new EntraRejection(EntraError.malformedRequest());
        }
        return body;
    }
}
