package com.pbiexport.worker.powerbi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Reads a 2xx answer of Power BI into a value; the JSON readers and the header/body helpers every call shares. */
@FunctionalInterface
interface ResponseReader<T> {
    int MAX_JSON_BYTES = 8 * 1024 * 1024;

    T read(ClassicHttpResponse response, int status, Optional<String> requestId) throws IOException;

    /** A JSON body of at most {@link #MAX_JSON_BYTES}, decoded by {@code decode}; anything else is a Decoding failure. */
    static <T> ResponseReader<T> json(ObjectMapper json, String operation, Function<JsonNode, T> decode) {
        return (response, status, requestId) -> {
            byte[] bytes = readAtMost(response.getEntity(), MAX_JSON_BYTES + 1);
            if (bytes.length > MAX_JSON_BYTES) {
                throw decoding(operation, status, "the answer is larger than " + MAX_JSON_BYTES + " bytes", requestId);
            }
            JsonNode node;
            try {
                node = json.readTree(bytes);
            } catch (JsonProcessingException e) {
                throw decoding(operation, status, "the answer is not JSON: " + e.getOriginalMessage(), requestId);
            }
            if (node == null || node.isMissingNode() || node.isNull()) {
                throw decoding(operation, status, "the answer has an empty body", requestId);
            }
            try {
                return decode.apply(node);
            } catch (IllegalArgumentException e) {
                throw decoding(operation, status, e.getMessage(), requestId);
            }
        };
    }

    /** The {@code value} array of an OData list answer; entries without an id are skipped. */
    static <T> List<T> list(JsonNode node, Function<JsonNode, T> decode) {
        JsonNode array = node.isArray() ? node : TolerantJson.field(node, "value")
                .filter(JsonNode::isArray)
                .orElseThrow(() -> new IllegalArgumentException("the answer has no 'value' list"));
        List<T> items = new ArrayList<>();
        for (JsonNode item : array) {
            try {
                items.add(decode.apply(item));
            } catch (IllegalArgumentException e) {
                LoggerFactory.getLogger(PowerBiClient.class).debug("skipping a list entry without an id");
            }
        }
        return List.copyOf(items);
    }

    static PowerBiException decoding(String operation, int status, String message, Optional<String> requestId) {
        return new PowerBiException(new PowerBiFailure.Decoding(operation, status, message, requestId));
    }

    static Optional<String> header(ClassicHttpResponse response, String name) {
        Header h = response.getFirstHeader(name);
        return h == null || h.getValue() == null || h.getValue().isBlank() ? Optional.empty()
                : Optional.of(h.getValue().trim());
    }

    static byte[] readAtMost(HttpEntity entity, int max) throws IOException {
        if (entity == null) {
            return new byte[0];
        }
        try (InputStream in = entity.getContent()) {
            return in == null ? new byte[0] : in.readNBytes(max);
        }
    }

}
