package com.pbiexport.worker.powerbi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.worker.auth.AccessToken;
import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.auth.TokenSource;
import com.pbiexport.worker.net.ProxyRoutes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Power BI REST calls the worker makes, for ONE tenant: its API root and its token source (a token of tenant A
 * is never sent for tenant B). Blocking, thread-safe, pooled; timeouts always set; redirects never followed.
 * <p>
 * Every call: sends {@code Authorization} (never logged) and {@code X-PowerBI-Profile-Id} when a profile is given;
 * on an expired-token answer (401, or 403 {@code TokenExpired}; on the admin API only {@code TokenExpired}) invalidates
 * the token and retries ONCE with a fresh one; keeps failures apart as {@link PowerBiFailure.Http} (an error status), {@link PowerBiFailure.Transport} (no
 * answer), {@link PowerBiFailure.Decoding} (unreadable success body) and {@link PowerBiFailure.Refused} (we would
 * not send the token where the answer pointed), thrown as {@link PowerBiException}. Token problems surface as
 * {@link TokenAcquisitionException}.
 */
public final class PowerBiClient implements ExportApi, AutoCloseable {

    /** Selects a service principal profile (multi-tenant ISV pattern). */
    public static final String PROFILE_HEADER = "X-PowerBI-Profile-Id";

    private static final Logger log = LoggerFactory.getLogger(PowerBiClient.class);
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    private final PowerBiEndpoint endpoint;
    private final TokenSource tokens;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final CloseableHttpClient http;
    private final PowerBiUris uris;

    public PowerBiClient(PowerBiEndpoint endpoint, TokenSource tokens, PowerBiHttpSettings settings, Clock clock) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.clock = Objects.requireNonNull(clock, "clock");
        Timeout response = Timeout.of(settings.responseTimeout());
        this.http = ProxyRoutes.apply(HttpClients.custom(), settings.proxy()) // HTTPS_PROXY etc.: see ProxyConfig
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(settings.maxConnections())
                        .setMaxConnPerRoute(settings.maxConnections()) // one route: the API host
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                                .setSocketTimeout(response)
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(response)
                        .setConnectionRequestTimeout(response)
                        .setRedirectsEnabled(false)
                        .build())
                .disableRedirectHandling() // a redirect could carry the token elsewhere: see exchange()
                .disableAutomaticRetries() // retry decisions belong to the export lifecycle (and 429/503 need us)
                .disableCookieManagement()
                .build();
        this.uris = new PowerBiUris(endpoint.apiRoot());
    }

    /** The API this client talks to. */
    public PowerBiEndpoint endpoint() {
        return endpoint;
    }

    /** {@code POST groups/{g}/reports/{r}/ExportTo} with an {@code ExportReportRequest} body (passed through). */
    @Override
    public ApiResponse<ExportJob> startExport(ExportTarget target, JsonNode body) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the export request body cannot be serialised: " + e.getMessage(), e);
        }
        return call("start", target.profileId(), "POST", uris.report(target, "ExportTo"), bytes, "application/json",
                ResponseReader.json(json, "start", ExportJob::fromJson));
    }

    /** {@code GET groups/{g}/reports/{r}/exports/{id}}: status, percent complete and Retry-After. */
    @Override
    public ApiResponse<ExportJob> getExportStatus(ExportTarget target, String exportId) {
        return call("poll", target.profileId(), "GET", uris.report(target, "exports", exportId), null,
                "application/json", ResponseReader.json(json, "poll", ExportJob::fromJson));
    }

    /**
     * Streams the file of a Succeeded export to {@code handler} (never buffered whole). Uses the export's
     * {@code resourceLocation} only when it is on the configured API origin; a location elsewhere is
     * {@link PowerBiFailure.Refused} without any request. Without a location the documented
     * {@code .../exports/{id}/file} route is used.
     *
     * @throws UncheckedIOException when the handler itself fails with an IOException (its sink, not the network)
     */
    @Override
    public <T> ApiResponse<T> downloadFile(ExportTarget target, ExportJob job, FileBodyHandler<T> handler) {
        URI uri = uris.report(target, "exports", job.id(), "file");
        if (job.resourceLocation().isPresent()) {
            URI location;
            try {
                location = new URI(job.resourceLocation().get());
            } catch (URISyntaxException e) {
                throw new PowerBiException(new PowerBiFailure.Refused("download",
                        "the export's resourceLocation is not a valid URL"));
            }
            if (!endpoint.sameOrigin(location)) {
                throw new PowerBiException(new PowerBiFailure.Refused("download", "the export's resourceLocation points"
                        + " to " + PowerBiUris.origin(location) + ", not the configured Power BI API " + endpoint.origin()
                        + "; the token is never sent there"));
            }
            uri = location;
        }
        return call("download", target.profileId(), "GET", uri, null, "*/*",
                FileDownload.reader(job.resourceFileExtension(), handler));
    }

    /** {@code GET groups/{g}/reports/{r}}: name, type (Power BI or paginated), dataset. */
    public ApiResponse<ReportInfo> getReport(String workspaceId, String reportId, Optional<String> profileId) {
        ExportTarget target = new ExportTarget(workspaceId, reportId, profileId);
        return call("getReport", profileId, "GET", uris.report(target), null, "application/json",
                ResponseReader.json(json, "getReport", ReportInfo::fromJson));
    }

    public ApiResponse<ReportInfo> getReport(String workspaceId, String reportId) {
        return getReport(workspaceId, reportId, Optional.empty());
    }

    /**
     * {@code GET groups?$filter=...}: the workspaces the caller can see (e.g. {@code id eq '<guid>'}).
     *
     * @param odataFilter an OData filter, or null for all
     */
    @Override
    public ApiResponse<List<GroupInfo>> listGroups(String odataFilter, Optional<String> profileId) {
        URI uri = uris.api(List.of("groups"));
        if (odataFilter != null && !odataFilter.isBlank()) {
            uri = URI.create(uri + "?$filter=" + URLEncoder.encode(odataFilter, StandardCharsets.UTF_8)
                    .replace("+", "%20"));
        }
        return call("listGroups", profileId, "GET", uri, null, "application/json",
                ResponseReader.json(json, "listGroups", node -> ResponseReader.list(node, GroupInfo::fromJson)));
    }

    public ApiResponse<List<GroupInfo>> listGroups(String odataFilter) {
        return listGroups(odataFilter, Optional.empty());
    }

    /** Most workspaces one {@code GET admin/groups} may ask for ({@code $top}). */
    public static final int ADMIN_GROUPS_MAX_TOP = 5000;

    /**
     * {@code GET admin/groups?$top=N&$filter=...} (GetGroupsAsAdmin, read-only admin API): the tenant's workspaces
     * whatever the caller's membership. A service principal may call it only when the tenant setting "Service
     * principals can access read-only admin APIs" covers it; otherwise Power BI answers 401. Power BI allows 50
     * calls per hour or 15 per minute per tenant. Never sends {@link #PROFILE_HEADER}: admin APIs do not act as
     * profiles. A 401 here is a refusal of the admin API, not an expired token: the tenant's token (shared with
     * every export) is only refreshed when Power BI says {@code TokenExpired}.
     *
     * @param odataFilter an OData filter, e.g. {@code id eq '<guid>'}, or null for all
     * @param top         how many workspaces at most, 1..{@value #ADMIN_GROUPS_MAX_TOP} (Power BI requires it)
     */
    public ApiResponse<List<AdminGroupInfo>> listGroupsAsAdmin(String odataFilter, int top) {
        if (top < 1 || top > ADMIN_GROUPS_MAX_TOP) {
            throw new IllegalArgumentException("$top must be 1.." + ADMIN_GROUPS_MAX_TOP + ", was " + top);
        }
        String query = "?$top=" + top;
        if (odataFilter != null && !odataFilter.isBlank()) {
            query += "&$filter=" + URLEncoder.encode(odataFilter, StandardCharsets.UTF_8).replace("+", "%20");
        }
        return call("listGroupsAsAdmin", Optional.empty(), "GET", URI.create(uris.api(List.of("admin", "groups")) + query),
                null, "application/json", ResponseReader.json(json, "listGroupsAsAdmin", node -> ResponseReader.list(node, AdminGroupInfo::fromJson)),
                false);
    }

    /** {@code GET capacities}: the capacities the caller can see (SKU and state, for capacity resolution). */
    public ApiResponse<List<CapacityInfo>> listCapacities(Optional<String> profileId) {
        return call("listCapacities", profileId, "GET", uris.api(List.of("capacities")), null, "application/json",
                ResponseReader.json(json, "listCapacities", node -> ResponseReader.list(node, CapacityInfo::fromJson)));
    }

    public ApiResponse<List<CapacityInfo>> listCapacities() {
        return listCapacities(Optional.empty());
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException ignored) {
            // shutting down
        }
    }

    // ---------------------------------------------------------------- machinery

    /** One exchange: a success, or a rejection (error status) that may be an expired token. */
    private record Outcome<T>(ApiResponse<T> response, PowerBiFailure.Http rejection, boolean expiredToken) { }

    private <T> ApiResponse<T> call(String operation, Optional<String> profileId, String method, URI uri, byte[] body,
                                    String accept, ResponseReader<T> reader) {
        return call(operation, profileId, method, uri, body, accept, reader, true);
    }

    /** @param bare401IsExpiry whether a 401 without {@code TokenExpired} may be an expired token (not for admin APIs) */
    private <T> ApiResponse<T> call(String operation, Optional<String> profileId, String method, URI uri, byte[] body,
                                    String accept, ResponseReader<T> reader, boolean bare401IsExpiry) {
        AccessToken token = tokens.token();
        Outcome<T> outcome = exchange(operation, profileId, method, uri, body, accept, token, reader, bare401IsExpiry);
        if (outcome.expiredToken()) {
            // Power BI answers an expired token with 401 or 403 TokenExpired: refresh once, then give up
            tokens.invalidate(token);
            token = tokens.token();
            outcome = exchange(operation, profileId, method, uri, body, accept, token, reader, bare401IsExpiry);
        }
        if (outcome.rejection() != null) {
            throw new PowerBiException(outcome.rejection());
        }
        return outcome.response();
    }

    private <T> Outcome<T> exchange(String operation, Optional<String> profileId, String method, URI uri,
                                    byte[] body, String accept, AccessToken token, ResponseReader<T> reader,
                                    boolean bare401IsExpiry) {
        ClassicRequestBuilder builder = ClassicRequestBuilder.create(method).setUri(uri)
                .addHeader("Authorization", token.bearer())
                .addHeader("Accept", accept);
        profileId.filter(p -> !p.isBlank()).ifPresent(p -> builder.addHeader(PROFILE_HEADER, p));
        if (body != null) {
            builder.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        }
        ClassicHttpRequest request = builder.build();
        AtomicReference<Optional<String>> seenRequestId = new AtomicReference<>(Optional.empty());
        try {
            return http.execute(request, response -> {
                int status = response.getCode();
                Optional<String> requestId = ResponseReader.header(response, "RequestId");
                seenRequestId.set(requestId);
                Optional<Duration> retryAfter = ResponseReader.header(response, "Retry-After")
                        .flatMap(h -> RetryAfter.parse(h, clock));
                log.debug("Power BI {} {} {} -> {} (RequestId {})", operation, method, uri.getRawPath(), status,
                        requestId.orElse("-"));
                if (status >= 200 && status < 300) {
                    T value = reader.read(response, status, requestId);
                    return new Outcome<>(new ApiResponse<>(value, status, requestId, retryAfter), null, false);
                }
                if (status >= 300 && status < 400) {
                    refuseForeignRedirect(operation, uri, ResponseReader.header(response, "Location"));
                }
                ErrorBody error = ErrorBody.parse(ResponseReader.readAtMost(response.getEntity(), MAX_ERROR_BYTES), json);
                // TokenExpired arrives in the body ({"error":{"code":"TokenExpired"}}) or, with an empty body, as
                // X-PowerBI-Error-Info (measured against the live API): either one means refresh and retry once
                boolean saysExpired = "TokenExpired".equalsIgnoreCase(error.code())
                        || ResponseReader.header(response, "X-PowerBI-Error-Info").filter("TokenExpired"::equalsIgnoreCase).isPresent();
                boolean expired = (status == 401 && (bare401IsExpiry || saysExpired)) || (status == 403 && saysExpired);
                ErrorSignals signals = ErrorSignals.from(ResponseReader.header(response, "X-PowerBI-Error-Details"),
                        ResponseReader.header(response, "WWW-Authenticate"), error,
                        Optional.ofNullable(response.getEntity()).map(HttpEntity::getContentType), v -> redact(v, token));
                return new Outcome<>(null, new PowerBiFailure.Http(operation, status, error.code(),
                        redact(error.message(), token), requestId, retryAfter,
                        ResponseReader.header(response, "X-PowerBI-Error-Info"), signals), expired);
            });
        } catch (FileDownload.SinkFailure e) {
            throw new UncheckedIOException((IOException) e.getCause());
        } catch (IOException e) {
            throw new PowerBiException(new PowerBiFailure.Transport(operation, describe(e), seenRequestId.get()));
        }
    }

    /** We never follow redirects; one to another origin is refused outright (the token must not go there). */
    private void refuseForeignRedirect(String operation, URI from, Optional<String> location) {
        if (location.isEmpty()) {
            return;
        }
        URI target;
        try {
            target = from.resolve(location.get().trim());
        } catch (IllegalArgumentException e) {
            target = null;
        }
        if (target == null || !endpoint.sameOrigin(target)) {
            throw new PowerBiException(new PowerBiFailure.Refused(operation, "Power BI redirected to "
                    + (target == null ? "an invalid URL" : PowerBiUris.origin(target)) + ", not the configured Power BI API "
                    + endpoint.origin() + "; redirects are not followed and the token is never sent there"));
        }
    }

    /** Defence in depth: a server echoing our token must not get it into a failure message. */
    private static String redact(String message, AccessToken token) {
        return message == null || token.value().isEmpty() ? message : message.replace(token.value(), "<redacted>");
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectTimeoutException) {
            return "connect timed out (http.connectTimeout): " + e.getMessage();
        }
        if (e instanceof SocketTimeoutException) {
            return "no answer within http.responseTimeout: " + e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
