package com.pbiexport.worker.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;


/**
 * Asks a proxy, once, whether it lets us through to a host: {@code CONNECT host:port} for an https target (what
 * the clients will do), a forwarded {@code HEAD} of the root for a plain-http one. Sends the proxy's credentials
 * to the proxy only; sends no token. For {@code doctor}.
 */
public final class ProxyProbe {

    /**
     * The verdict for one target.
     *
     * @param route  how the target is reached
     * @param ok     true for a direct route (nothing to probe) or when the proxy let us through
     * @param status the proxy's HTTP status, 0 without an answer or without a proxy
     * @param detail what happened, e.g. {@code CONNECT login.microsoftonline.com:443 answered 200}
     */
    public record Outcome(String name, URI target, ProxyConfig.Route route, boolean ok, int status, String detail) {
        /** E.g. {@code Entra ID login.microsoftonline.com:443 via http://proxy:3128 (HTTPS_PROXY): CONNECT ... 200}. */
        public String describe() {
            return name + " " + hostPort(target) + " " + route.describe() + (detail.isEmpty() ? "" : ": " + detail);
        }
    }

    private ProxyProbe() {
    }

    /** Probes the route to {@code target}; never throws for network trouble (that is the verdict). */
    public static Outcome probe(String name, URI target, ProxyConfig proxies, Duration timeout) {
        ProxyConfig.Route route = proxies.route(target);
        if (route.proxy().isEmpty()) {
            return new Outcome(name, target, route, true, 0, "");
        }
        ProxyServer p = route.proxy().get();
        boolean tunnel = !"http".equalsIgnoreCase(target.getScheme());
        String hostPort = hostPort(target);
        String request = (tunnel ? "CONNECT " + hostPort : "HEAD http://" + hostPort + "/") + " HTTP/1.1\r\n"
                + "Host: " + hostPort + "\r\n"
                + p.user().map(u -> "Proxy-Authorization: Basic " + Base64.getEncoder().encodeToString(
                        (u + ":" + p.password().orElse("")).getBytes(StandardCharsets.UTF_8)) + "\r\n").orElse("")
                + "Connection: close\r\n\r\n";
        String what = tunnel ? "CONNECT " + hostPort : "a request to http://" + hostPort + "/";
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(p.host(), p.port()), millis);
            s.setSoTimeout(millis);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String statusLine = readLine(s.getInputStream());
            String[] parts = statusLine.split(" ", 3);
            int status = parts.length >= 2 && parts[1].matches("\\d{3}") ? Integer.parseInt(parts[1]) : 0;
            if (status == 407) {
                return new Outcome(name, target, route, false, status, "the proxy answered 407 Proxy Authentication"
                        + " Required to " + what + (p.hasCredentials() ? ": it refused the configured credentials"
                        : ": give credentials as http://user:password@host:port (percent-encoded) in the proxy"
                        + " URL, or " + (tunnel ? "https" : "http") + ".proxyUser/.proxyPassword"));
            }
            boolean ok = tunnel ? status >= 200 && status < 300 : status > 0 && status < 500;
            return new Outcome(name, target, route, ok, status, what + " through it answered "
                    + (status == 0 ? "'" + statusLine + "'" : "HTTP " + status) + (ok ? "" : tunnel
                    ? ": the proxy refused the tunnel (does it allow CONNECT to port " + port(target) + "?)"
                    : ": the proxy could not forward it"));
        } catch (IOException e) {
            return new Outcome(name, target, route, false, 0, "the proxy did not let us through to " + hostPort + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n' && line.length() < 1024) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static int port(URI target) {
        return target.getPort() > 0 ? target.getPort() : "http".equalsIgnoreCase(target.getScheme()) ? 80 : 443;
    }

    static String hostPort(URI target) {
        String host = target.getHost();
        return (host != null && host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":"
                + port(target);
    }
}
