package com.pbiexport.worker.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * The {@code http.proxy} setting's validator: {@code env}, {@code none} or an {@code http://} proxy URL. The
 * network layer parses the value again when it builds the clients; this rejects a bad value at start-up, together
 * with every other configuration problem, and never quotes a value that holds credentials.
 */
final class ProxySetting {

    static final String ENV = "env";

    private ProxySetting() {
    }

    static Check check() {
        return new Check() {
            @Override
            public Optional<String> problem(Object value) {
                String v = value.toString().trim();
                if (v.equalsIgnoreCase("env") || v.equalsIgnoreCase("none")) {
                    return Optional.empty();
                }
                String shown = v.contains("@") ? "(not shown: it holds credentials)" : "'" + v + "'";
                String expected = "must be env, none or a proxy URL such as http://proxy.example.com:3128 (user and"
                        + " password percent-encoded), was " + shown;
                try {
                    URI uri = new URI(v);
                    boolean pathless = uri.getRawPath() == null || uri.getRawPath().isEmpty()
                            || uri.getRawPath().equals("/");
                    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || !pathless
                            || uri.getRawQuery() != null) {
                        return Optional.of(expected);
                    }
                    return Optional.empty();
                } catch (URISyntaxException e) {
                    return Optional.of(expected);
                }
            }

            @Override
            public String describe() {
                return "env / none / http://host:port";
            }
        };
    }
}
