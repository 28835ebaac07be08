package com.pbiexport.worker.net;

import java.util.Objects;
import java.util.Optional;

/**
 * A forward HTTP proxy the worker sends requests through: {@code http://host:port}, optionally with Basic
 * credentials. {@link #toString()} and {@link #display()} never show the credentials.
 *
 * @param source where it was configured, e.g. {@code HTTPS_PROXY} or {@code https.proxyHost}: named in messages
 */
public record ProxyServer(String host, int port, Optional<String> user, Optional<String> password, String source) {

    public ProxyServer {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(source, "source");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(source + ": proxy port must be between 1 and 65535, was " + port);
        }
    }

    /** The proxy as {@code http://host:port}: the only form that is logged. */
    public String display() {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Whether requests through it carry a user name (and password). */
    public boolean hasCredentials() {
        return user.isPresent();
    }

    @Override
    public String toString() {
        return display() + " (" + source + (hasCredentials() ? ", with credentials" : "") + ")";
    }
}
