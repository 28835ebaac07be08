package com.pbiexport.contracts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Defensive copies for the records: never null, unmodifiable, order kept (readable JSON). */
final class Maps {
    private Maps() {
    }

    /** Null becomes empty; entries with a null key or value are dropped (JSON {@code "k": null} carries nothing). */
    static Map<String, String> attributes(Map<String, String> source) {
        if (source == null || source.isEmpty()) {
            return Map.of();
        }
        Map<String, String> copy = new LinkedHashMap<>();
        source.forEach((k, v) -> {
            if (k != null && v != null) {
                copy.put(k, v);
            }
        });
        return Collections.unmodifiableMap(copy);
    }

    /** Null becomes empty; null elements are dropped. */
    static List<String> strings(List<String> source) {
        if (source == null || source.isEmpty()) {
            return List.of();
        }
        List<String> copy = new ArrayList<>(source.size());
        source.stream().filter(Objects::nonNull).forEach(copy::add);
        return Collections.unmodifiableList(copy);
    }
}
