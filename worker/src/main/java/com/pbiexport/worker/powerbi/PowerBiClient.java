package com.pbiexport.worker.powerbi;

import com.pbiexport.contracts.ExportFormat;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.worker.auth.AccessToken;
import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.auth.TokenSource;
import com.pbiexport.worker.net.ProxyRoutes;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.net.URIBuilder;
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
public final class PowerBiClient implements AutoCloseable {

    /** Selects a service principal profile (multi-tenant ISV pattern). */
    public static final String PROFILE_HEADER = "X-PowerBI-Profile-Id";

    private static final Logger log = LoggerFactory.getLogger(PowerBiClient.class);
    private static final int MAX_JSON_BYTES = 8 * 1024 * 1024;
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    private final PowerBiEndpoint endpoint;
    private final TokenSource tokens;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final CloseableHttpClient http;
    private final List<String> basePath;

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
        this.basePath = basePath(endpoint.apiRoot());
    }

    /** The API this client talks to. */
    public PowerBiEndpoint endpoint() {
        return endpoint;
    }

    /** {@code POST groups/{g}/reports/{r}/ExportTo} with an {@code ExportReportRequest} body (passed through). */
    public ApiResponse<ExportJob> startExport(ExportTarget target, JsonNode body) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the export request body cannot be serialised: " + e.getMessage(), e);
        }
        return call("start", target.profileId(), "POST", reportUri(target, "ExportTo"), bytes, "application/json",
                json("start", ExportJob::fromJson));
    }

    /** {@code GET groups/{g}/reports/{r}/exports/{id}}: status, percent complete and Retry-After. */
    public ApiResponse<ExportJob> getExportStatus(ExportTarget target, String exportId) {
        return call("poll", target.profileId(), "GET", reportUri(target, "exports", exportId), null,
                "application/json", json("poll", ExportJob::fromJson));
    }

    /**
     * Streams the file of a Succeeded export to {@code handler} (never buffered whole). Uses the export's
     * {@code resourceLocation} only when it is on the configured API origin; a location elsewhere is
     * {@link PowerBiFailure.Refused} without any request. Without a location the documented
     * {@code .../exports/{id}/file} route is used.
     *
     * @throws UncheckedIOException when the handler itself fails with an IOException (its sink, not the network)
     */
    public <T> ApiResponse<T> downloadFile(ExportTarget target, ExportJob job, FileBodyHandler<T> handler) {
        URI uri = reportUri(target, "exports", job.id(), "file");
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
                        + " to " + origin(location) + ", not the configured Power BI API " + endpoint.origin()
                        + "; the token is never sent there"));
            }
            uri = location;
        }
        Optional<String> extension = job.resourceFileExtension();
        return call("download", target.profileId(), "GET", uri, null, "*/*", (response, status, requestId) -> {
            HttpEntity entity = response.getEntity();
            if (entity == null) {
                throw new PowerBiException(new PowerBiFailure.Decoding("download", status, "the answer has no file body",
                        requestId));
            }
            Optional<String> contentType = Optional.ofNullable(entity.getContentType()).filter(s -> !s.isBlank());
            OptionalLong length = entity.getContentLength() >= 0 ? OptionalLong.of(entity.getContentLength())
                    : OptionalLong.empty();
            try (SourceStream in = new SourceStream(entity.getContent())) {
                try {
                    return handler.handle(new FileBody(in, contentType, length,
                            extension.orElseGet(() -> extensionFor(contentType))));
                } catch (IOException e) {
                    if (in.failed) {
                        throw e; // the network: a transport failure
                    }
                    throw new SinkFailure(e);
                }
            }
        });
    }

    /** {@code GET groups/{g}/reports/{r}}: name, type (Power BI or paginated), dataset. */
    public ApiResponse<ReportInfo> getReport(String workspaceId, String reportId, Optional<String> profileId) {
        ExportTarget target = new ExportTarget(workspaceId, reportId, profileId);
        return call("getReport", profileId, "GET", reportUri(target), null, "application/json",
                json("getReport", ReportInfo::fromJson));
    }

    public ApiResponse<ReportInfo> getReport(String workspaceId, String reportId) {
        return getReport(workspaceId, reportId, Optional.empty());
    }

    /**
     * {@code GET groups?$filter=...}: the workspaces the caller can see (e.g. {@code id eq '<guid>'}).
     *
     * @param odataFilter an OData filter, or null for all
     */
    public ApiResponse<List<GroupInfo>> listGroups(String odataFilter, Optional<String> profileId) {
        URI uri = api(List.of("groups"));
        if (odataFilter != null && !odataFilter.isBlank()) {
            uri = URI.create(uri + "?$filter=" + URLEncoder.encode(odataFilter, StandardCharsets.UTF_8)
                    .replace("+", "%20"));
        }
        return call("listGroups", profileId, "GET", uri, null, "application/json",
                json("listGroups", node -> list(node, GroupInfo::fromJson)));
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
        return call("listGroupsAsAdmin", Optional.empty(), "GET", URI.create(api(List.of("admin", "groups")) + query),
                null, "application/json", json("listGroupsAsAdmin", node -> list(node, AdminGroupInfo::fromJson)),
                false);
    }

    /** {@code GET capacities}: the capacities the caller can see (SKU and state, for capacity resolution). */
    public ApiResponse<List<CapacityInfo>> listCapacities(Optional<String> profileId) {
        return call("listCapacities", profileId, "GET", api(List.of("capacities")), null, "application/json",
                json("listCapacities", node -> list(node, CapacityInfo::fromJson)));
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

    /** Reads a 2xx answer. */
    @FunctionalInterface
    private interface Reader<T> {
        T read(ClassicHttpResponse response, int status, Optional<String> requestId) throws IOException;
    }

    /** One exchange: a success, or a rejection (error status) that may be an expired token. */
    private record Outcome<T>(ApiResponse<T> response, PowerBiFailure.Http rejection, boolean expiredToken) { }

    /** The download handler's own IOException (its sink), kept apart from network failures. */
    private static final class SinkFailure extends RuntimeException {
        SinkFailure(IOException cause) {
            super(cause);
        }
    }

    private <T> ApiResponse<T> call(String operation, Optional<String> profileId, String method, URI uri, byte[] body,
                                    String accept, Reader<T> reader) {
        return call(operation, profileId, method, uri, body, accept, reader, true);
    }

    /** @param bare401IsExpiry whether a 401 without {@code TokenExpired} may be an expired token (not for admin APIs) */
    private <T> ApiResponse<T> call(String operation, Optional<String> profileId, String method, URI uri, byte[] body,
                                    String accept, Reader<T> reader, boolean bare401IsExpiry) {
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
                                    byte[] body, String accept, AccessToken token, Reader<T> reader,
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
                Optional<String> requestId = header(response, "RequestId");
                seenRequestId.set(requestId);
                Optional<Duration> retryAfter = header(response, "Retry-After")
                        .flatMap(h -> RetryAfter.parse(h, clock));
                log.debug("Power BI {} {} {} -> {} (RequestId {})", operation, method, uri.getRawPath(), status,
                        requestId.orElse("-"));
                if (status >= 200 && status < 300) {
                    T value = reader.read(response, status, requestId);
                    return new Outcome<>(new ApiResponse<>(value, status, requestId, retryAfter), null, false);
                }
                if (status >= 300 && status < 400) {
                    refuseForeignRedirect(operation, uri, header(response, "Location"));
                }
                ErrorBody error = ErrorBody.parse(readAtMost(response.getEntity(), MAX_ERROR_BYTES), json);
                // TokenExpired arrives in the body ({"error":{"code":"TokenExpired"}}) or, with an empty body, as
                // X-PowerBI-Error-Info (measured against the live API): either one means refresh and retry once
                boolean saysExpired = "TokenExpired".equalsIgnoreCase(error.code())
                        || header(response, "X-PowerBI-Error-Info").filter("TokenExpired"::equalsIgnoreCase).isPresent();
                boolean expired = (status == 401 && (bare401IsExpiry || saysExpired)) || (status == 403 && saysExpired);
                ErrorSignals signals = ErrorSignals.from(header(response, "X-PowerBI-Error-Details"),
                        header(response, "WWW-Authenticate"), error,
                        Optional.ofNullable(response.getEntity()).map(HttpEntity::getContentType), v -> redact(v, token));
                return new Outcome<>(null, new PowerBiFailure.Http(operation, status, error.code(),
                        redact(error.message(), token), requestId, retryAfter,
                        header(response, "X-PowerBI-Error-Info"), signals), expired);
            });
        } catch (SinkFailure e) {
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
                    + (target == null ? "an invalid URL" : origin(target)) + ", not the configured Power BI API "
                    + endpoint.origin() + "; redirects are not followed and the token is never sent there"));
        }
    }

    private <T> Reader<T> json(String operation, Function<JsonNode, T> decode) {
        return (response, status, requestId) -> {
            byte[] bytes = readAtMost(response.getEntity(), MAX_JSON_BYTES + 1);
            if (bytes.length > MAX_JSON_BYTES) {
                throw decoding(operation, status, "the answer is larger than " + MAX_JSON_BYTES + " bytes", requestId);
            }
            JsonNode node;
            try {
                node = json.readTree(bytes);
            } catch (JsonProcessingException e) {
                throw decoding(operation, status, "the answer is not JSON: " + e.getOriginalMessage(), requestId);
            }
            if (node == null || node.isMissingNode() || node.isNull()) {
                throw decoding(operation, status, "the answer has an empty body", requestId);
            }
            try {
                return decode.apply(node);
            } catch (IllegalArgumentException e) {
                throw decoding(operation, status, e.getMessage(), requestId);
            }
        };
    }

    /** The {@code value} array of an OData list answer; entries without an id are skipped. */
    private static <T> List<T> list(JsonNode node, Function<JsonNode, T> decode) {
        JsonNode array = node.isArray() ? node : TolerantJson.field(node, "value")
                .filter(JsonNode::isArray)
                .orElseThrow(() -> new IllegalArgumentException("the answer has no 'value' list"));
        List<T> items = new ArrayList<>();
        for (JsonNode item : array) {
            try {
                items.add(decode.apply(item));
            } catch (IllegalArgumentException e) {
                log.debug("skipping a list entry without an id");
            }
        }
        return List.copyOf(items);
    }

    private static PowerBiException decoding(String operation, int status, String message, Optional<String> requestId) {
        return new PowerBiException(new PowerBiFailure.Decoding(operation, status, message, requestId));
    }

    private URI reportUri(ExportTarget target, String... more) {
        List<String> segments = new ArrayList<>();
        if (!target.isMyWorkspace()) {
            segments.add("groups");
            segments.add(target.workspaceId());
        }
        segments.add("reports");
        segments.add(target.reportId());
        segments.addAll(Arrays.asList(more));
        return api(segments);
    }

    private URI api(List<String> segments) {
        List<String> all = new ArrayList<>(basePath);
        all.addAll(segments);
        try {
            return new URIBuilder(endpoint.apiRoot()).setPathSegments(all).build(); // encodes ids segment by segment
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot build a Power BI URL from " + segments, e);
        }
    }

    /** The root's own path (if any) followed by {@code v1.0/myorg}, unless the root already ends with them. */
    private static List<String> basePath(URI apiRoot) {
        List<String> segments = new ArrayList<>();
        for (String s : (apiRoot.getPath() == null ? "" : apiRoot.getPath()).split("/")) {
            if (!s.isEmpty()) {
                segments.add(s);
            }
        }
        int n = segments.size();
        if (!(n >= 2 && segments.get(n - 2).equalsIgnoreCase("v1.0") && segments.get(n - 1).equalsIgnoreCase("myorg"))) {
            segments.add("v1.0");
            segments.add("myorg");
        }
        return List.copyOf(segments);
    }

    private static Optional<String> header(ClassicHttpResponse response, String name) {
        Header h = response.getFirstHeader(name);
        return h == null || h.getValue() == null || h.getValue().isBlank() ? Optional.empty()
                : Optional.of(h.getValue().trim());
    }

    private static byte[] readAtMost(HttpEntity entity, int max) throws IOException {
        if (entity == null) {
            return new byte[0];
        }
        try (InputStream in = entity.getContent()) {
            return in == null ? new byte[0] : in.readNBytes(max);
        }
    }

    private static String extensionFor(Optional<String> contentType) {
        return contentType.flatMap(ExportFormat::extensionForContentType).map(e -> "." + e).orElse(".bin");
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
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

    /** Marks IOExceptions that come from the network side of a download. */
    private static final class SourceStream extends FilterInputStream {
        volatile boolean failed;

        SourceStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }
    }
}
