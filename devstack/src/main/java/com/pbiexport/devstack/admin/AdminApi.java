package com.pbiexport.devstack.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.devstack.sim.Faults;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The devstack's control plane, for tests, benchmarks and people with curl:
 * <ul>
 *   <li>{@code GET /admin/health}: {@code {"status":"UP"}}</li>
 *   <li>{@code GET /admin/faults}: the live fault settings (count knobs show what is still pending)</li>
 *   <li>{@code PUT /admin/faults}: a partial JSON object merged over them; unknown key or bad value: 400</li>
 *   <li>{@code GET /admin/counters}: a JSON object of every counter, gauge and maximum</li>
 *   <li>{@code POST /admin/counters/reset}: zero the counters and maxima (live gauges keep their value)</li>
 *   <li>{@code GET /admin/scenario}: the scenario in use, as JSON</li>
 * </ul>
 * Every error is a JSON body {@code {"error":{"code","message"}}} with a 4xx status; nothing crashes the server.
 */
public final class AdminApi implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final Scenario scenario;
    private final Faults faults;
    private final Counters counters;
    private final Runnable beforeCountersRead;

    /**
     * @param beforeCountersRead run before counters are read, so lazily kept gauges are current (the export
     *                           engine's sweep); may be a no-op
     */
    public AdminApi(Scenario scenario, Faults faults, Counters counters, Runnable beforeCountersRead) {
        this.scenario = scenario;
        this.faults = faults;
        this.counters = counters;
        this.beforeCountersRead = beforeCountersRead;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            try {
                route(ex);
            } catch (BadRequest e) {
                error(ex, e.status, e.code, e.getMessage());
            } catch (RuntimeException e) {
                log.warn("admin request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
                error(ex, 500, "InternalError", e.toString());
            }
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String method = ex.getRequestMethod();
        switch (path) {
            case "/admin/health" -> {
                allow(method, "GET");
                send(ex, 200, Map.of("status", "UP"));
            }
            case "/admin/faults" -> {
                allow(method, "GET", "PUT");
                if (method.equals("PUT")) {
                    try {
                        faults.merge(body(ex));
                    } catch (IllegalArgumentException e) {
                        throw new BadRequest(400, "InvalidFaultSettings", e.getMessage());
                    }
                    log.info("fault settings now {}", faults.toJson());
                }
                sendRaw(ex, 200, faults.toJson());
            }
            case "/admin/counters" -> {
                allow(method, "GET");
                beforeCountersRead.run();
                send(ex, 200, counters.snapshot());
            }
            case "/admin/counters/reset" -> {
                allow(method, "POST");
                beforeCountersRead.run();
                counters.reset();
                send(ex, 200, counters.snapshot());
            }
            case "/admin/scenario" -> {
                allow(method, "GET");
                send(ex, 200, scenario);
            }
            default -> throw new BadRequest(404, "NotFound", "no admin resource " + path
                    + "; try /admin/health, /admin/faults, /admin/counters, /admin/counters/reset, /admin/scenario");
        }
    }

    private static void allow(String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw new BadRequest(405, "MethodNotAllowed", method + " is not allowed here; use " + String.join(" or ", allowed));
    }

    private static byte[] body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY_BYTES + 1);
            if (b.length > MAX_BODY_BYTES) {
                throw new BadRequest(413, "PayloadTooLarge", "request body larger than " + MAX_BODY_BYTES + " bytes");
            }
            if (b.length == 0) {
                throw new BadRequest(400, "InvalidFaultSettings", "empty body: send a JSON object of fault settings");
            }
            return b;
        }
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("code", code);
        err.put("message", message);
        if (status == 405) {
            ex.getResponseHeaders().set("Allow", message.substring(message.lastIndexOf("use ") + 4).replace(" or ", ", "));
        }
        send(ex, status, Map.of("error", err));
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        sendRaw(ex, status, JSON.writeValueAsString(body));
    }

    private static void sendRaw(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    /** A client mistake, answered with its status and never logged as a server problem. */
    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        BadRequest(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }
}
