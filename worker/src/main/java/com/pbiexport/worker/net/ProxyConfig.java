package com.pbiexport.worker.net;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Which proxy, if any, each outgoing connection of the worker (Entra ID, Power BI, Azure Blob) goes through.
 * Resolved once by the composition root from the {@code http.proxy} setting, the environment and the JVM's
 * system properties, which it passes in (nothing here reads {@code System.getenv()} or system properties).
 *
 * <h2>Precedence, per target scheme (https shown; http likewise with {@code http.*} and {@code http_proxy})</h2>
 * <ol>
 *   <li>{@code http.proxy: none}: always direct.</li>
 *   <li>{@code http.proxy: http://[user:password@]host:port}: that proxy for every target; exclusions from
 *       {@code no_proxy}/{@code NO_PROXY}.</li>
 *   <li>{@code http.proxy: env} (default): JVM properties win over the environment: {@code https.proxyHost}
 *       ({@code https.proxyPort}, default 443; credentials {@code https.proxyUser}/{@code https.proxyPassword}) with
 *       exclusions {@code http.nonProxyHosts} (the JDK's default when unset: loopback); otherwise
 *       {@code https_proxy}, then {@code HTTPS_PROXY} (lower-case wins, as in curl) with exclusions
 *       {@code no_proxy}, then {@code NO_PROXY}. A proxy URL without a port uses 1080, as curl does.</li>
 * </ol>
 * Only {@code http://} proxies (plain HTTP to the proxy; https targets are tunnelled with CONNECT, so TLS stays
 * end to end) are supported; other schemes are rejected naming the variable. Credentials in a URL are
 * percent-decoded; they are sent only to the proxy and never logged.
 */
public final class ProxyConfig {

    /** {@code http.proxy} value: read the JVM properties and the environment (the default). */
    public static final String ENV = "env";
    /** {@code http.proxy} value: never use a proxy. */
    public static final String NONE = "none";
    /** Port of a proxy URL without one (curl's default). */
    public static final int DEFAULT_URL_PORT = 1080;

    private static final ProxyConfig DIRECT = new ProxyConfig(null, NoProxy.none(), "", null, NoProxy.none(), "");

    private final ProxyServer https;
    private final NoProxy httpsExclusions;
    private final String httpsExclusionSource;
    private final ProxyServer http;
    private final NoProxy httpExclusions;
    private final String httpExclusionSource;

    private ProxyConfig(ProxyServer https, NoProxy httpsExclusions, String httpsExclusionSource, ProxyServer http,
                        NoProxy httpExclusions, String httpExclusionSource) {
        this.https = https;
        this.httpsExclusions = httpsExclusions;
        this.httpsExclusionSource = httpsExclusionSource;
        this.http = http;
        this.httpExclusions = httpExclusions;
        this.httpExclusionSource = httpExclusionSource;
    }

    /** No proxy at all. */
    public static ProxyConfig direct() {
        return DIRECT;
    }

    /**
     * Resolves the proxies from the setting, the environment and the JVM properties (see the class comment).
     *
     * @param setting the {@code http.proxy} value: {@code env}, {@code none} or a proxy URL
     * @throws IllegalArgumentException naming the setting, variable or property that holds an unusable value
     *                                  (never quoting a password)
     */
    public static ProxyConfig resolve(String setting, Map<String, String> env, Properties jvm) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(jvm, "jvm");
        String s = setting == null ? ENV : setting.trim();
        if (s.equalsIgnoreCase(NONE)) {
            return DIRECT;
        }
        String noProxyName = present(env, "no_proxy") ? "no_proxy" : "NO_PROXY";
        NoProxy noProxy = NoProxy.curl(env.get(noProxyName));
        if (!s.equalsIgnoreCase(ENV)) {
            ProxyServer p = parseUrl(s, "http.proxy");
            return new ProxyConfig(p, noProxy, noProxyName, p, noProxy, noProxyName);
        }
        String nonProxyHosts = jvm.getProperty("http.nonProxyHosts");
        NoProxy jvmExclusions = NoProxy.java(nonProxyHosts == null ? NoProxy.JDK_DEFAULT : nonProxyHosts);
        String jvmExclusionSource = nonProxyHosts == null ? "the JDK's default http.nonProxyHosts"
                : "http.nonProxyHosts";
        ProxyServer httpsJvm = fromProperties(jvm, "https", 443);
        ProxyServer httpJvm = fromProperties(jvm, "http", 80);
        ProxyServer httpsEnv = fromEnv(env, "https_proxy");
        ProxyServer httpEnv = fromEnv(env, "http_proxy");
        return new ProxyConfig(
                httpsJvm != null ? httpsJvm : httpsEnv,
                httpsJvm != null ? jvmExclusions : noProxy,
                httpsJvm != null ? jvmExclusionSource : noProxyName,
                httpJvm != null ? httpJvm : httpEnv,
                httpJvm != null ? jvmExclusions : noProxy,
                httpJvm != null ? jvmExclusionSource : noProxyName);
    }

    /** How a connection to {@code target} is made, and why. */
    public record Route(Optional<ProxyServer> proxy, String reason) {
        /** E.g. {@code via http://proxy:3128 (HTTPS_PROXY)} or {@code direct (NO_PROXY entry '.corp')}. */
        public String describe() {
            return proxy.map(p -> "via " + p).orElse("direct") + (reason.isEmpty() ? "" : " (" + reason + ")");
        }
    }

    /** The route to a URL's host and port. */
    public Route route(URI target) {
        String scheme = target.getScheme() == null ? "https" : target.getScheme().toLowerCase(Locale.ROOT);
        int port = target.getPort() > 0 ? target.getPort() : scheme.equals("http") ? 80 : 443;
        return route(scheme, target.getHost(), port);
    }

    /** The route to {@code host:port} for a request of {@code scheme} ({@code http} or {@code https}). */
    public Route route(String scheme, String host, int port) {
        boolean plain = "http".equalsIgnoreCase(scheme);
        ProxyServer proxy = plain ? http : https;
        if (proxy == null) {
            return new Route(Optional.empty(), this == DIRECT ? "" : "no proxy set for " + (plain ? "http" : "https"));
        }
        NoProxy exclusions = plain ? httpExclusions : httpsExclusions;
        Optional<String> entry = exclusions.match(host, port);
        if (entry.isPresent()) {
            return new Route(Optional.empty(), (plain ? httpExclusionSource : httpsExclusionSource) + " entry '"
                    + entry.get() + "'");
        }
        return new Route(Optional.of(proxy), "");
    }

    /** The proxy for a request, empty for a direct connection. */
    public Optional<ProxyServer> proxyFor(String scheme, String host, int port) {
        return route(scheme, host, port).proxy();
    }

    /** Every configured proxy (one or two), for credentials and logging. */
    public java.util.List<ProxyServer> proxies() {
        java.util.List<ProxyServer> all = new java.util.ArrayList<>();
        if (https != null) {
            all.add(https);
        }
        if (http != null && !http.equals(https)) {
            all.add(http);
        }
        return all;
    }

    /** One line for the start-up log: proxies as {@code http://host:port} and their exclusions, never credentials. */
    public String describe() {
        if (https == null && http == null) {
            return "direct (no proxy configured)";
        }
        return "https " + (https == null ? "direct" : "via " + https + except(httpsExclusions, httpsExclusionSource))
                + "; http " + (http == null ? "direct" : "via " + http + except(httpExclusions, httpExclusionSource));
    }

    @Override
    public String toString() {
        return describe();
    }

    private static String except(NoProxy exclusions, String source) {
        return exclusions.isEmpty() ? "" : " except " + source + " [" + exclusions + "]";
    }

    private static boolean present(Map<String, String> env, String name) {
        return env.get(name) != null && !env.get(name).isBlank();
    }

    /** {@code https_proxy}, else {@code HTTPS_PROXY} (curl: the lower-case name wins). */
    private static ProxyServer fromEnv(Map<String, String> env, String lower) {
        String upper = lower.toUpperCase(Locale.ROOT);
        String name = present(env, lower) ? lower : present(env, upper) ? upper : null;
        return name == null ? null : parseUrl(env.get(name).trim(), name);
    }

    /** {@code <scheme>.proxyHost}/{@code .proxyPort}/{@code .proxyUser}/{@code .proxyPassword}. */
    private static ProxyServer fromProperties(Properties jvm, String scheme, int defaultPort) {
        String host = jvm.getProperty(scheme + ".proxyHost");
        if (host == null || host.isBlank()) {
            return null;
        }
        String portText = jvm.getProperty(scheme + ".proxyPort");
        int port;
        try {
            port = portText == null || portText.isBlank() ? defaultPort : Integer.parseInt(portText.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(scheme + ".proxyPort must be a port number, was '" + portText + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(scheme + ".proxyPort must be between 1 and 65535, was " + port);
        }
        String user = jvm.getProperty(scheme + ".proxyUser");
        String password = jvm.getProperty(scheme + ".proxyPassword");
        String h = host.trim();
        return new ProxyServer(h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h, port,
                Optional.ofNullable(user).filter(u -> !u.isEmpty()),
                Optional.ofNullable(user).filter(u -> !u.isEmpty()).map(u -> password == null ? "" : password),
                scheme + ".proxyHost");
    }

    /**
     * Parses {@code [http://][user[:password]@]host[:port][/]}.
     *
     * @param source the setting or variable name for messages
     */
    static ProxyServer parseUrl(String text, String source) {
        String withScheme = text.contains("://") ? text : "http://" + text;
        String shown = text.contains("@") ? "(not shown: it holds credentials)" : "'" + text + "'";
        URI uri;
        try {
            uri = new URI(withScheme);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(source + " must be a proxy URL such as http://proxy.example.com:3128"
                    + " (percent-encode special characters in the user name and password), was " + shown);
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http")) {
            throw new IllegalArgumentException(source + " uses the scheme '" + scheme + "', but only http:// proxies"
                    + " are supported (https targets are still tunnelled with CONNECT, TLS end to end)");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException(source + " must name the proxy host, e.g. http://proxy.example.com:3128,"
                    + " was " + shown + (text.contains("@") ? " (percent-encode '@' in the password as %40)" : ""));
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")
                || uri.getRawQuery() != null) {
            throw new IllegalArgumentException(source + " must be just scheme, host and port (no path), was " + shown);
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = Optional.of(decode(colon < 0 ? info : info.substring(0, colon)));
            password = Optional.of(colon < 0 ? "" : decode(info.substring(colon + 1)));
        }
        String host = uri.getHost();
        host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return new ProxyServer(host, uri.getPort() > 0 ? uri.getPort() : DEFAULT_URL_PORT, user, password, source);
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
