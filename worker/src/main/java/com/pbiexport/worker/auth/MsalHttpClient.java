package com.pbiexport.worker.auth;

import com.microsoft.aad.msal4j.HttpRequest;
import com.microsoft.aad.msal4j.HttpResponse;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;
import com.pbiexport.worker.net.ProxyConfig;
import com.pbiexport.worker.net.ProxyRoutes;
import com.pbiexport.worker.net.ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * msal4j's HTTP transport, on Apache HttpClient 5, used for EVERY tenant (also without an override) so that
 * connect and response timeouts are ours (msal4j's default client waits forever).
 * <p>
 * With an authority override (the devstack), requests keep their real {@code https://login...} URL inside msal4j
 * and are re-targeted here to the override's scheme, host and port (and path prefix). This avoids msal4j's https
 * check and issue 529 (a port in the authority disables its token cache). Nothing here logs headers or bodies:
 * requests carry the client secret or assertion, responses the token.
 */
final class MsalHttpClient implements IHttpClient, AutoCloseable {

    private final Optional<URI> override;
    private final CloseableHttpClient http;
    private final ProxyConfig proxy;

    MsalHttpClient(Optional<URI> override, Duration connectTimeout, Duration responseTimeout) {
        this(override, connectTimeout, responseTimeout, ProxyConfig.direct());
    }

    MsalHttpClient(Optional<URI> override, Duration connectTimeout, Duration responseTimeout, ProxyConfig proxy) {
        this.override = override;
        this.proxy = proxy;
        this.http = ProxyRoutes.apply(HttpClients.custom(), proxy)
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(4)
                        .setMaxConnPerRoute(4)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout))
                                .setSocketTimeout(Timeout.of(responseTimeout))
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.of(responseTimeout))
                        .setConnectionRequestTimeout(Timeout.of(responseTimeout))
                        .setRedirectsEnabled(false)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries() // retries are the token source's business
                .disableCookieManagement()
                .build();
    }

    @Override
    public IHttpResponse send(HttpRequest request) throws IOException {
        URI target = retarget(request.url().toString());
        try {
            return exchange(target, request);
        } catch (IOException e) {
            Optional<ProxyServer> via = proxy.route(target).proxy();
            if (via.isEmpty()) {
                throw e;
            }
            // say which proxy: the failure is as likely the proxy's (refused tunnel, credentials) as Entra's
            throw new IOException(e + " (through the proxy " + via.get() + "; a proxy that wants credentials may"
                    + " also just reset the connection)", e);
        }
    }

    private IHttpResponse exchange(URI target, HttpRequest request) throws IOException {
        ClassicRequestBuilder builder = ClassicRequestBuilder.create(request.httpMethod().methodName).setUri(target);
        if (request.headers() != null) {
            request.headers().forEach((name, value) -> {
                if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                    builder.addHeader(name, value);
                }
            });
        }
        if (request.body() != null) {
            String contentType = request.headerValue("Content-Type");
            builder.setEntity(new StringEntity(request.body(),
                    contentType == null ? ContentType.APPLICATION_FORM_URLENCODED : ContentType.parse(contentType)));
        }
        return http.execute(builder.build(), response -> {
            HttpResponse answer = new HttpResponse().statusCode(response.getCode());
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (Header h : response.getHeaders()) {
                headers.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
            }
            answer.addHeaders(headers);
            String body = response.getEntity() == null ? ""
                    : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
            if (response.getCode() == 407) {
                // the proxy's answer, not Entra's: msal4j would report a JSON parse error
                throw new IOException("the proxy answered 407 Proxy Authentication Required: give its credentials"
                        + " as http://user:password@host:port in HTTPS_PROXY/HTTP_PROXY (or http.proxy), or"
                        + " https.proxyUser/https.proxyPassword");
            }
            if (response.getCode() >= 500 && !body.trim().startsWith("{")) {
                // a gateway's HTML outage page: msal4j would report a JSON parse error as if Entra had rejected us
                throw new IOException("the token endpoint answered HTTP " + response.getCode() + " without an error body");
            }
            answer.body(body);
            return answer;
        });
    }

    /** The real URL, or the same path and query on the override's scheme/host/port (and under its path). */
    URI retarget(String url) throws IOException {
        try {
            URI original = new URI(url);
            if (override.isEmpty()) {
                return original;
            }
            URI o = override.get();
            String prefix = o.getRawPath() == null ? "" : o.getRawPath().replaceAll("/+$", "");
            String path = prefix + (original.getRawPath() == null ? "" : original.getRawPath());
            String query = original.getRawQuery() == null ? "" : "?" + original.getRawQuery();
            return new URI(o.getScheme() + "://" + o.getRawAuthority() + path + query);
        } catch (URISyntaxException e) {
            throw new IOException("unusable token endpoint URL: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
