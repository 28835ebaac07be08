package com.pbiexport.worker.auth;

import java.net.URI;

/** Plain http is only for the local devstack: anything else must be https so tokens never travel in clear text. */
final class Loopback {
    private Loopback() {
    }

    static void requireHttpsUnlessLoopback(String setting, URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        String host = uri.getHost();
        if (host == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException(setting + " must be an absolute http(s) URL, was " + uri);
        }
        if (scheme.equals("http") && !isLoopback(host)) {
            throw new IllegalArgumentException(setting + " must use https (plain http is allowed only for loopback "
                    + "hosts such as the local devstack), was " + uri);
        }
    }

    static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.startsWith("127.") || h.equals("::1")
                || h.equals("0:0:0:0:0:0:0:1");
    }
}
