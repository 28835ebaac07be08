package com.pbiexport.devstack.powerbi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.devstack.sim.Cloud;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.UUID;

/** The Power BI simulator's HTTP plumbing: request bodies, JSON answers, error answers, the headers every answer has. */
final class HttpAnswers {
    private static final Logger LOG = LoggerFactory.getLogger(HttpAnswers.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_BYTES = 1 << 20;

    private final ErrorShapes shapes;
    private final Cloud cloud;

    HttpAnswers(ErrorShapes shapes, Cloud cloud) {
        this.shapes = shapes;
        this.cloud = cloud;
    }

    static byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw ApiError.invalidRequest("The request body is larger than " + MAX_BODY_BYTES + " bytes").toFailure();
            }
            return body;
        }
    }

    /** Scheme and authority of this server as the client addressed it (the Host header). */
    static String baseUrl(HttpExchange ex) {
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null || host.isBlank()) {
            host = ex.getLocalAddress().getHostString() + ":" + ex.getLocalAddress().getPort();
        }
        return (ex instanceof HttpsExchange ? "https://" : "http://") + host.trim();
    }

    /** {@code RequestId} on every answer: Microsoft support asks for it (reference section 3). */
    static void commonHeaders(HttpExchange ex) {
        ex.getResponseHeaders().set("RequestId", UUID.randomUUID().toString());
        ex.getResponseHeaders().set("Access-Control-Expose-Headers", "RequestId");
    }

    static void sendJson(HttpExchange ex, int status, ObjectNode body, Map<String, String> headers)
            throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        commonHeaders(ex);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** An error in one of its observed shapes ({@link ErrorShapes}); an empty body has no Content-Type. */
    void sendError(HttpExchange ex, ApiError error) throws IOException {
        ErrorShapes.Rendered answer = shapes.render(error);
        LOG.debug("Power BI simulator answers {} {} with {}: {}", ex.getRequestMethod(),
                ex.getRequestURI().getRawPath(), answer.status(), error.message());
        commonHeaders(ex);
        if (answer.contentType() != null) {
            ex.getResponseHeaders().set("Content-Type", answer.contentType());
        }
        answer.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        if (answer.status() == 401) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer authorization_uri=https://" + cloud.authorityHost()
                    + "/common/oauth2/authorize, error=\"invalid_token\"");
        }
        // -1: no body, and the JDK server sends Content-Length: 0
        ex.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(answer.body());
        }
    }
}
