package com.pbiexport.worker.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** A workspace as {@code GET groups} lists it; {@code capacityId} is empty on shared (Pro) capacity. */
public record GroupInfo(String id, String name, boolean isOnDedicatedCapacity, Optional<String> capacityId) {

    static GroupInfo fromJson(JsonNode node) {
        return new GroupInfo(
                TolerantJson.text(node, "id").orElseThrow(() -> new IllegalArgumentException("a Group has no id")),
                TolerantJson.text(node, "name").orElse(""),
                TolerantJson.bool(node, "isOnDedicatedCapacity").orElse(false),
                TolerantJson.text(node, "capacityId"));
    }
}
