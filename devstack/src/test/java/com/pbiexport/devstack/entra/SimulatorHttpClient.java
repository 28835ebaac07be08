package com.pbiexport.devstack.entra;

import com.microsoft.aad.msal4j.HttpRequest;
import com.microsoft.aad.msal4j.HttpResponse;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * msal4j's HTTP hook pointed at the simulator: msal4j keeps the real authority
 * ({@code https://login.microsoftonline.com/<tenant>/}, so its token cache and validation behave as in
 * production) and this client sends each request to {@code http://127.0.0.1:<port>} with the same path,
 * query, method, headers and body. Test code only: devstack's main code does not depend on msal4j.
 */
final class SimulatorHttpClient implements IHttpClient {
    /** Headers the JDK client sets itself and refuses to take from callers. */
    private static final Set<String> RESTRICTED = Set.of("host", "connection", "content-length", "expect", "upgrade");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;
    private final AtomicInteger sent = new AtomicInteger();
    private final List<String> paths = new CopyOnWriteArrayList<>();

    SimulatorHttpClient(int port) {
        this.port = port;
    }

    /** How many requests msal4j sent through this client (cache hits send none). */
    int sent() {
        return sent.get();
    }

    /** The request lines msal4j sent, e.g. {@code POST /<tenant>/oauth2/v2.0/token}. */
    List<String> requests() {
        return List.copyOf(paths);
    }

    @Override
    public IHttpResponse send(HttpRequest request) throws Exception {
        sent.incrementAndGet();
        URL original = request.url();
        paths.add(request.httpMethod().methodName + " " + original.getPath());
        URI target = new URI("http", null, "127.0.0.1", port, original.getPath(), null, null);
        String rawQuery = original.getQuery();
        URI withQuery = URI.create(target + (rawQuery == null ? "" : "?" + rawQuery));

        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(withQuery)
                .timeout(Duration.ofSeconds(30));
        String body = request.body();
        b.method(request.httpMethod().methodName, body == null
                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (request.headers() != null) {
            request.headers().forEach((name, value) -> {
                if (value != null && !RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                    b.header(name, value);
                }
            });
        }
        java.net.http.HttpResponse<String> response = http.send(b.build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(response.headers().map());
        HttpResponse out = new HttpResponse().statusCode(response.statusCode()).body(response.body());
        out.addHeaders(headers);
        return out;
    }
}
