package com.pbiexport.worker.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The admin port: {@code /metrics} (Prometheus text format), {@code /health/live} (the process is up) and
 * {@code /health/ready} (200 only when every readiness check passes; the body names each check). Its own small
 * thread pool, so a slow scrape never touches the pipeline.
 */
public final class AdminServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    /** A readiness check: a name and whether it passes now, with a one-line detail. */
    public record Check(boolean ok, String detail) { }

    public AdminServer(String bindAddress, int port, PrometheusMeterRegistry registry,
                       Map<String, Supplier<Check>> readiness) throws IOException {
        server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "admin-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape()));
        server.createContext("/health/live", ex -> respond(ex, 200, "application/json", "{\"status\":\"UP\"}"));
        server.createContext("/health/ready", ex -> {
            Map<String, Check> results = new LinkedHashMap<>();
            readiness.forEach((name, check) -> {
                try {
                    results.put(name, check.get());
                } catch (RuntimeException e) {
                    results.put(name, new Check(false, e.getClass().getSimpleName()));
                }
            });
            boolean ok = results.values().stream().allMatch(Check::ok);
            StringBuilder b = new StringBuilder("{\"status\":\"").append(ok ? "UP" : "DOWN").append("\",\"checks\":{");
            String sep = "";
            for (Map.Entry<String, Check> e : results.entrySet()) {
                b.append(sep).append('"').append(json(e.getKey())).append("\":{\"ok\":").append(e.getValue().ok())
                        .append(",\"detail\":\"").append(json(e.getValue().detail())).append("\"}");
                sep = ",";
            }
            respond(ex, ok ? 200 : 503, "application/json", b.append("}}").toString());
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static String json(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\x00-\\x1f]", " ");
    }
}
