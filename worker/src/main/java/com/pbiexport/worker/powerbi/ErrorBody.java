package com.pbiexport.worker.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The error code and message of a Power BI error answer, whatever its shape:
 * {@code {"error":{"code","message"}}}, {@code {"error":{"code", "pbi.error":{"code"}}}}, {@code {"code","message"}},
 * {@code {"Message"}}, OAuth's {@code {"error":"invalid_token","error_description"}}, an empty body, or HTML.
 *
 * @param code    the error code, or null when the body has none
 * @param message the message, or a short description of a body without one (never empty)
 */
record ErrorBody(String code, String message) {

    private static final int EXCERPT = 200;

    static ErrorBody parse(byte[] body, ObjectMapper json) {
        if (body == null || body.length == 0) {
            return new ErrorBody(null, "(empty body)");
        }
        JsonNode root = readJson(body, json);
        if (root == null || !root.isObject()) {
            return new ErrorBody(null, "non-JSON body: " + excerpt(new String(body, StandardCharsets.UTF_8)));
        }
        Optional<JsonNode> error = TolerantJson.field(root, "error");
        String code = null;
        String message = null;
        if (error.isPresent() && error.get().isObject()) {
            JsonNode e = error.get();
            code = TolerantJson.text(e, "code").orElse(null);
            message = TolerantJson.text(e, "message").orElse(null);
            Optional<JsonNode> pbi = TolerantJson.field(e, "pbi.error");
            Optional<String> pbiCode = pbi.flatMap(p -> TolerantJson.text(p, "code"));
            if (code == null) {
                code = pbiCode.orElse(null);
            } else if (message == null && pbiCode.isPresent() && !pbiCode.get().equals(code)) {
                message = "pbi.error.code " + pbiCode.get();
            }
        } else if (error.isPresent() && error.get().isTextual()) {
            code = error.get().asText();
            message = TolerantJson.text(root, "error_description").orElse(null);
        } else {
            code = TolerantJson.text(root, "code").or(() -> TolerantJson.text(root, "errorCode")).orElse(null);
            message = TolerantJson.text(root, "message").orElse(null);
        }
        if (message == null) {
            message = excerpt(root.toString());
        }
        return new ErrorBody(code, message);
    }

    private static JsonNode readJson(byte[] body, ObjectMapper json) {
        try {
            return json.readTree(body);
        } catch (Exception notJson) {
            return null;
        }
    }

    private static String excerpt(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= EXCERPT ? oneLine : oneLine.substring(0, EXCERPT) + "...";
    }
}
