package com.pbiexport.worker.config;

import java.time.Duration;
import java.util.Objects;

/**
 * HTTP client settings for Power BI and Entra ID calls. Timeouts are always set: a call never waits forever.
 * (A 429 without a valid Retry-After waits {@code limits.pollFallbackInterval}: there is no HTTP-level setting.)
 *
 * @param proxy              {@code http.proxy}: {@code env} (JVM properties, then HTTPS_PROXY/HTTP_PROXY/NO_PROXY),
 *                           {@code none}, or a proxy URL (may hold credentials: never log it)
 */
public record HttpSettings(Duration connectTimeout, Duration responseTimeout, int maxConnections,
                           String proxy) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_CONNECTIONS = 200;
    public static final String DEFAULT_PROXY = ProxySetting.ENV;

    public HttpSettings {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        Objects.requireNonNull(proxy, "proxy");
    }

    /** Without a proxy setting: {@code env}. */
    public HttpSettings(Duration connectTimeout, Duration responseTimeout, int maxConnections) {
        this(connectTimeout, responseTimeout, maxConnections, DEFAULT_PROXY);
    }

    @Override
    public String toString() {
        return "HttpSettings[connectTimeout=" + connectTimeout + ", responseTimeout=" + responseTimeout
                + ", maxConnections=" + maxConnections
                + ", proxy=" + (proxy.contains("@") ? "(redacted)" : proxy) + "]";
    }

    public static HttpSettings defaults() {
        return new HttpSettings(DEFAULT_CONNECT_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT, DEFAULT_MAX_CONNECTIONS);
    }
}
