package com.pbiexport.worker.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the file and the environment said, before the records are built: parsed values by concrete path
 * ({@code tenants.contoso.tenantId}), the sections present, property maps, and every problem found so far.
 * Package-private scratchpad of {@link ConfigLoader}.
 */
final class RawSettings {
    final Map<String, Object> values = new LinkedHashMap<>();
    /** Which catalogue entry each value belongs to (for messages). */
    final Map<String, Setting> settingOf = new LinkedHashMap<>();
    /** Concrete paths of every section (object) present in the file, in file order. */
    final Set<String> sections = new LinkedHashSet<>();
    /** Kafka property maps by setting path ({@code kafka.common}...). */
    final Map<String, Map<String, String>> properties = new LinkedHashMap<>();
    /** Paths whose value was given but unusable (already reported): not reported again as missing. */
    final Set<String> failed = new LinkedHashSet<>();
    final List<String> problems = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();

    void put(String concretePath, Setting setting, Object value) {
        values.put(concretePath, value);
        settingOf.put(concretePath, setting);
    }

    boolean has(String concretePath) {
        return values.containsKey(concretePath);
    }

    Optional<Object> get(String concretePath) {
        return Optional.ofNullable(values.get(concretePath));
    }

    Map<String, String> properties(String path) {
        return properties.computeIfAbsent(path, p -> new LinkedHashMap<>());
    }

    /** Concrete aliases of sections directly under {@code prefix} (e.g. {@code tenants}), in file order. */
    List<String> aliasesUnder(String prefix) {
        List<String> out = new ArrayList<>();
        String p = prefix + ".";
        for (String s : sections) {
            if (s.startsWith(p) && s.indexOf('.', p.length()) < 0) {
                out.add(s.substring(p.length()));
            }
        }
        return out;
    }
}
