package com.pbiexport.worker.powerbi;

import com.pbiexport.worker.net.ProxyConfig;

import java.time.Duration;
import java.util.Objects;

/**
 * HTTP limits of the Power BI client (mapped from config {@code http}). Timeouts are always set: a hung
 * connection must end in a transport failure, not a stuck job.
 *
 * @param connectTimeout  TCP/TLS connect timeout
 * @param responseTimeout longest wait for response bytes (also between chunks of a download)
 * @param maxConnections  connection pool size (per client, i.e. per tenant)
 * @param proxy           which proxy the API host is reached through, if any
 */
public record PowerBiHttpSettings(Duration connectTimeout, Duration responseTimeout, int maxConnections,
                                  ProxyConfig proxy) {

    /** Direct connections. */
    public PowerBiHttpSettings(Duration connectTimeout, Duration responseTimeout, int maxConnections) {
        this(connectTimeout, responseTimeout, maxConnections, ProxyConfig.direct());
    }

    public PowerBiHttpSettings {
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        if (connectTimeout.isZero() || connectTimeout.isNegative()) {
            throw new IllegalArgumentException("http.connectTimeout must be positive, was " + connectTimeout);
        }
        if (responseTimeout.isZero() || responseTimeout.isNegative()) {
            throw new IllegalArgumentException("http.responseTimeout must be positive, was " + responseTimeout);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("http.maxConnections must be at least 1, was " + maxConnections);
        }
    }

    /** 10 s connect, 60 s response, 200 connections. */
    public static PowerBiHttpSettings defaults() {
        return new PowerBiHttpSettings(Duration.ofSeconds(10), Duration.ofSeconds(60), 200);
    }
}
