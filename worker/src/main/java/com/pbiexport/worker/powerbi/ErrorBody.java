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
 * @param code       the error code, or null when the body has none
 * @param message    the message, or a short description of a body without one (never empty)
 * @param pbiCode    {@code error["pbi.error"].code}, or null
 * @param pbiDetails an excerpt of {@code error["pbi.error"].details} (or of {@code parameters}), or null
 */
record ErrorBody(String code, String message, String pbiCode, String pbiDetails) {

    ErrorBody(String code, String message) {
        this(code, message, null, null);
    }

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
        String pbiCode = null;
        String pbiDetails = null;
        if (error.isPresent() && error.get().isObject()) {
            JsonNode e = error.get();
            code = TolerantJson.text(e, "code").orElse(null);
            message = TolerantJson.text(e, "message").orElse(null);
            Optional<JsonNode> pbi = TolerantJson.field(e, "pbi.error");
            pbiCode = pbi.flatMap(p -> TolerantJson.text(p, "code")).orElse(null);
            pbiDetails = pbi.flatMap(p -> TolerantJson.field(p, "details")
                            .filter(d -> !d.isEmpty()).or(() -> TolerantJson.field(p, "parameters")
                                    .filter(d -> !d.isEmpty())))
                    .map(d -> excerpt(d.toString())).orElse(null);
            if (code == null) {
                code = pbiCode;
            } else if (message == null && pbiCode != null && !pbiCode.equals(code)) {
                message = "pbi.error.code " + pbiCode;
            }
        } else if (error.isPresent() && error.get().isTextual()) {
            code = error.get().asText();
            message = TolerantJson.text(root, "error_description").orElse(null);
        } else {
            message = TolerantJson.text(root, "Message").orElse(null); // {"Message":"..."} (tolerant of case)
            code = TolerantJson.text(root, "code").or(() -> TolerantJson.text(root, "errorCode")).orElse(null);
            message = message != null ? message : TolerantJson.text(root, "message").orElse(null);
        }
        if (message == null) {
            message = excerpt(root.toString());
        }
        return new ErrorBody(code, message, pbiCode, pbiDetails);
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
