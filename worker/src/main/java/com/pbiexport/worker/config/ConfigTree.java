package com.pbiexport.worker.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Walks the parsed file against the catalogue: expands {@code ${ENV}} placeholders, parses every value by its
 * setting's type, and reports unknown keys (with a "did you mean") so that typos never pass silently.
 */
final class ConfigTree {
    private static final Pattern PLACEHOLDER =
            Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final Pattern ALIAS_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private final List<Setting> catalogue;
    private final Map<String, String> env;
    private final RawSettings raw;

    ConfigTree(List<Setting> catalogue, Map<String, String> env, RawSettings raw) {
        this.catalogue = catalogue;
        this.env = env;
        this.raw = raw;
    }

    void read(JsonNode root) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            return; // an empty file: everything from defaults and the environment
        }
        if (!root.isObject()) {
            raw.problems.add("the config file must contain a map of settings at the top level");
            return;
        }
        walk((ObjectNode) root, List.of());
    }

    private void walk(ObjectNode node, List<String> segs) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            List<String> p = append(segs, e.getKey());
            String path = String.join(".", p);
            JsonNode child = e.getValue();
            Optional<Setting> leaf = leaf(p);
            if (leaf.isPresent()) {
                if (!child.isNull()) {
                    readLeaf(leaf.get(), path, child);
                }
            } else if (isSection(p)) {
                if (aliasPosition(p) && !ALIAS_NAME.matcher(e.getKey()).matches()) {
                    raw.problems.add("'" + e.getKey() + "' in " + String.join(".", segs)
                            + " is not a valid alias: use only letters, digits, '-' and '_'");
                } else if (child.isObject()) {
                    raw.sections.add(path);
                    walk((ObjectNode) child, p);
                } else if (!child.isNull()) {
                    raw.problems.add(path + " must be a section with settings such as "
                            + String.join(", ", childNames(p)));
                }
            } else {
                raw.problems.add(unknown(segs, e.getKey()));
            }
        }
    }

    private void readLeaf(Setting s, String path, JsonNode child) {
        if (s.type() == ValueType.PROPERTIES) {
            if (!child.isObject()) {
                raw.problems.add(path + " must be a map of Kafka properties such as security.protocol: SASL_SSL");
                return;
            }
            flatten((ObjectNode) child, "", path, raw.properties(s.path()));
            return;
        }
        if (!child.isValueNode()) {
            raw.problems.add(s.label(path) + " must be a single value, not a section or a list");
            return;
        }
        Optional<String> text = expand(path, child.asText());
        if (text.isPresent()) {
            parseInto(s, path, text.get());
        } else {
            raw.failed.add(path);
        }
    }

    /** Parses one value (from the file or the environment) and records it, or records the problem. */
    void parseInto(Setting s, String path, String text) {
        try {
            raw.put(path, s, s.type().parse(text));
        } catch (ValueType.InvalidValue e) {
            raw.failed.add(path);
            raw.problems.add(s.label(path) + " " + e.getMessage() + ", was " + shown(s, text));
        }
    }

    static String shown(Setting s, String text) {
        return s.sensitive() ? "<redacted>" : "'" + text + "'";
    }

    /** Nested YAML maps under a property map become dotted names: {@code sasl: {mechanism: PLAIN}}. */
    private void flatten(ObjectNode node, String prefix, String path, Map<String, String> into) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                flatten((ObjectNode) v, name, path, into);
            } else if (v.isValueNode() && !v.isNull()) {
                expand(path + "." + name, v.asText()).ifPresent(text -> into.put(name, text));
            } else if (!v.isNull()) {
                raw.problems.add(path + "." + name + " must be a single value (Kafka takes lists as comma-separated"
                        + " text)");
            }
        }
    }

    /**
     * Expands {@code ${NAME}} and {@code ${NAME:-default}} from the environment; {@code $${} is a literal
     * {@code ${}. A missing variable without default is a problem naming both the setting and the variable.
     */
    Optional<String> expand(String path, String text) {
        if (!text.contains("${")) {
            return Optional.of(text);
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder sb = new StringBuilder();
        boolean ok = true;
        while (m.find()) {
            String replacement;
            if (m.group().equals("$${")) {
                replacement = "${";
            } else {
                String value = env.get(m.group(1));
                if (value == null) {
                    if (m.group(2) == null) {
                        raw.problems.add(path + " refers to ${" + m.group(1)
                                + "}, which is not set in the environment");
                        ok = false;
                        replacement = "";
                    } else {
                        replacement = m.group(2);
                    }
                } else {
                    replacement = value;
                }
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return ok ? Optional.of(sb.toString()) : Optional.empty();
    }

    // ---- matching against the catalogue ----

    private Optional<Setting> leaf(List<String> p) {
        return catalogue.stream().filter(s -> matches(s.segments(), p)).findFirst();
    }

    private boolean isSection(List<String> p) {
        return catalogue.stream().anyMatch(s -> s.segments().size() > p.size()
                && matches(s.segments().subList(0, p.size()), p));
    }

    /** True when the last segment of {@code p} stands at an {@code <alias>} position. */
    private boolean aliasPosition(List<String> p) {
        return catalogue.stream().anyMatch(s -> s.segments().size() > p.size()
                && matches(s.segments().subList(0, p.size()), p)
                && s.segments().get(p.size() - 1).equals(Setting.ALIAS));
    }

    private static boolean matches(List<String> pattern, List<String> concrete) {
        if (pattern.size() != concrete.size()) {
            return false;
        }
        for (int i = 0; i < pattern.size(); i++) {
            if (!pattern.get(i).equals(Setting.ALIAS) && !pattern.get(i).equals(concrete.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Names allowed directly below a section. */
    private List<String> childNames(List<String> segs) {
        Set<String> names = new LinkedHashSet<>();
        for (Setting s : catalogue) {
            List<String> ps = s.segments();
            if (ps.size() > segs.size() && matches(ps.subList(0, segs.size()), segs)) {
                names.add(ps.get(segs.size()));
            }
        }
        return new ArrayList<>(names);
    }

    private String unknown(List<String> segs, String key) {
        String prefix = segs.isEmpty() ? "" : String.join(".", segs) + ".";
        String removed = Settings.removed().get(prefix + key);
        if (removed != null) {
            return "setting '" + prefix + key + "' was removed: " + removed;
        }
        List<String> known = childNames(segs);
        Optional<String> guess = known.stream().filter(k -> k.equalsIgnoreCase(key)).findFirst()
                .or(() -> known.stream()
                        .filter(k -> DidYouMean.distance(k.toLowerCase(Locale.ROOT),
                                key.toLowerCase(Locale.ROOT)) <= 2)
                        .min(Comparator.comparingInt(k -> DidYouMean.distance(k.toLowerCase(Locale.ROOT),
                                key.toLowerCase(Locale.ROOT)))));
        String msg = "unknown setting '" + prefix + key + "'";
        return guess.map(g -> msg + "; did you mean '" + prefix + g + "'?")
                .orElse(msg + "; known settings here: " + String.join(", ", known));
    }

    private static List<String> append(List<String> segs, String key) {
        List<String> p = new ArrayList<>(segs);
        p.add(key);
        return p;
    }
}
