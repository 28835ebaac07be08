package com.pbiexport.worker.powerbi;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a tenant's Power BI REST API lives: the cloud's API root ({@code https://api.powerbi.com}) or the
 * devstack's {@code http://127.0.0.1:port}. Calls go to {@code <apiRoot>/v1.0/myorg/...} (a root that already
 * ends in {@code /v1.0/myorg} is accepted as is). The bearer token is only ever sent to this origin.
 */
public record PowerBiEndpoint(URI apiRoot) {

    public PowerBiEndpoint {
        Objects.requireNonNull(apiRoot, "apiRoot");
        String scheme = apiRoot.getScheme() == null ? "" : apiRoot.getScheme().toLowerCase(Locale.ROOT);
        if (apiRoot.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException("powerBiApiUrl must be an absolute http(s) URL, was " + apiRoot);
        }
        if (scheme.equals("http") && !isLoopback(apiRoot.getHost())) {
            throw new IllegalArgumentException("powerBiApiUrl must use https (plain http is allowed only for loopback "
                    + "hosts such as the local devstack), was " + apiRoot);
        }
        if (apiRoot.getRawQuery() != null || apiRoot.getRawFragment() != null) {
            throw new IllegalArgumentException("powerBiApiUrl must not have a query or fragment, was " + apiRoot);
        }
    }

    /** The public cloud: {@code https://api.powerbi.com}. */
    public static PowerBiEndpoint publicCloud() {
        return new PowerBiEndpoint(URI.create("https://api.powerbi.com"));
    }

    /** True when {@code uri} has this endpoint's scheme, host and (effective) port: the token may be sent there. */
    public boolean sameOrigin(URI uri) {
        if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
            return false;
        }
        return uri.getScheme().equalsIgnoreCase(apiRoot.getScheme())
                && uri.getHost().equalsIgnoreCase(apiRoot.getHost())
                && effectivePort(uri) == effectivePort(apiRoot);
    }

    /** {@code scheme://host:port} of the API, for messages. */
    public String origin() {
        return apiRoot.getScheme() + "://" + apiRoot.getRawAuthority();
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.startsWith("127.") || h.equals("::1")
                || h.equals("0:0:0:0:0:0:0:1");
    }
}
