package com.pbiexport.worker.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * A capacity as {@code GET capacities} lists it.
 *
 * @param sku   e.g. {@code A1}, {@code P1}, {@code F64}, {@code PP3} (Premium Per User)
 * @param state e.g. {@code Active}, {@code Suspended}
 */
public record CapacityInfo(String id, String displayName, Optional<String> sku, Optional<String> state,
                           Optional<String> region) {

    static CapacityInfo fromJson(JsonNode node) {
        return new CapacityInfo(
                TolerantJson.text(node, "id").orElseThrow(() -> new IllegalArgumentException("a Capacity has no id")),
                TolerantJson.text(node, "displayName").orElse(""),
                TolerantJson.text(node, "sku"),
                TolerantJson.text(node, "state"),
                TolerantJson.text(node, "region"));
    }
}
