package com.pbiexport.worker.powerbi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Optional;

/**
 * A workspace as the read-only admin API ({@code GET admin/groups}) lists it: every workspace of the tenant,
 * whatever the caller's membership.
 *
 * @param type  e.g. {@code Workspace}, {@code PersonalGroup}
 * @param state e.g. {@code Active}, {@code Deleted}, {@code Removing}
 */
public record AdminGroupInfo(String id, String name, Optional<String> type, Optional<String> state) {

    /** Listed and usable: state {@code Active} (or no state given). */
    public boolean active() {
        return state.map(s -> s.toLowerCase(Locale.ROOT).equals("active")).orElse(true);
    }

    static AdminGroupInfo fromJson(JsonNode node) {
        return new AdminGroupInfo(
                TolerantJson.text(node, "id").orElseThrow(() -> new IllegalArgumentException("a Group has no id")),
                TolerantJson.text(node, "name").orElse(""),
                TolerantJson.text(node, "type"),
                TolerantJson.text(node, "state"));
    }
}
