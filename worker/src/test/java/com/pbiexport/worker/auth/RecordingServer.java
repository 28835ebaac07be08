package com.pbiexport.worker.auth;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on an ephemeral loopback port for client tests: routes by {@code "METHOD /path"}, records
 * every request (method, path, query, headers, body). Unrouted requests get 404 with an empty body.
 */
public final class RecordingServer implements AutoCloseable {

    /** One received request. */
    public record Recorded(String method, String path, String query, Headers headers, byte[] body) {
        public String header(String name) {
            return headers.getFirst(name);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    @FunctionalInterface
    public interface Handler {
        void handle(HttpExchange exchange, Recorded request) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private volatile Handler fallback = (ex, req) -> respond(ex, 404, null, "");

    private RecordingServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::dispatch);
        server.setExecutor(executor);
        server.start();
    }

    public static RecordingServer start() {
        try {
            return new RecordingServer();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Routes {@code method path} (exact path, decoded) to {@code handler}. */
    public RecordingServer on(String method, String path, Handler handler) {
        routes.put(method + " " + path, handler);
        return this;
    }

    /** Handles every unrouted request. */
    public RecordingServer otherwise(Handler handler) {
        fallback = handler;
        return this;
    }

    /** {@code http://127.0.0.1:port} */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    public long count(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).count();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try {
            Headers copy = new Headers();
            copy.putAll(exchange.getRequestHeaders());
            byte[] body = exchange.getRequestBody().readAllBytes();
            Recorded request = new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(), copy, body);
            requests.add(request);
            Handler handler = routes.getOrDefault(request.method() + " " + request.path(), fallback);
            handler.handle(exchange, request);
        } finally {
            exchange.close();
        }
    }

    /** Sends a complete answer; {@code headers} are name/value pairs. */
    public static void respond(HttpExchange exchange, int status, String contentType, String body, String... headers)
            throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        respondBytes(exchange, status, contentType, bytes, headers);
    }

    public static void respondBytes(HttpExchange exchange, int status, String contentType, byte[] bytes,
                                    String... headers) throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().add("Content-Type", contentType);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
