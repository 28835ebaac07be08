package com.pbiexport.worker.net;

import org.apache.hc.client5.http.RouteInfo;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.DefaultClientConnectionReuseStrategy;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.protocol.HttpContext;

import java.util.Objects;

/**
 * Puts a {@link ProxyConfig} into an Apache HttpClient 5 client (the Power BI client and msal4j's transport): a
 * route planner that picks the proxy per target host (https targets are tunnelled with CONNECT, so TLS and its
 * host name check stay end to end; plain-http targets, i.e. the local devstack, are forwarded by the proxy), and
 * the proxy's credentials, scoped to the proxy's host and port so they are never sent to a target.
 */
public final class ProxyRoutes {

    private ProxyRoutes() {
    }

    /** Configures {@code builder} to use {@code proxies}; returns it for chaining. */
    public static HttpClientBuilder apply(HttpClientBuilder builder, ProxyConfig proxies) {
        Objects.requireNonNull(proxies, "proxies");
        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
        for (ProxyServer p : proxies.proxies()) {
            if (p.hasCredentials()) {
                credentials.setCredentials(new AuthScope(p.host(), p.port()), new UsernamePasswordCredentials(
                        p.user().orElseThrow(), p.password().orElse("").toCharArray()));
            }
        }
        return builder.setRoutePlanner(new Planner(proxies)).setDefaultCredentialsProvider(credentials)
                .setConnectionReuseStrategy(ProxyRoutes::keepAlive);
    }

    /**
     * Never reuses a connection on which a proxy FORWARDED a request (a plain-http target, i.e. the devstack): some
     * proxies (tinyproxy) close it after every answer without saying so, and the next request on it would fail
     * with no answer. Tunnels (https targets) and direct connections are reused as usual.
     */
    private static boolean keepAlive(HttpRequest request, HttpResponse response, HttpContext context) {
        RouteInfo route = HttpClientContext.castOrCreate(context).getHttpRoute();
        if (route != null && route.getProxyHost() != null && !route.isTunnelled()) {
            return false;
        }
        return DefaultClientConnectionReuseStrategy.INSTANCE.keepAlive(request, response, context);
    }

    /** Asks the {@link ProxyConfig} for every new route. */
    private static final class Planner extends DefaultRoutePlanner {
        private final ProxyConfig proxies;

        Planner(ProxyConfig proxies) {
            super(DefaultSchemePortResolver.INSTANCE);
            this.proxies = proxies;
        }

        @Override
        protected HttpHost determineProxy(HttpHost target, HttpContext context) {
            String scheme = target.getSchemeName();
            int port = target.getPort() > 0 ? target.getPort() : "http".equalsIgnoreCase(scheme) ? 80 : 443;
            return proxies.proxyFor(scheme, target.getHostName(), port)
                    .map(p -> new HttpHost("http", p.host(), p.port())).orElse(null);
        }
    }
}
