package com.pbiexport.worker.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Loads the worker configuration: one YAML or JSON file, then environment overrides, then validation that
 * reports every problem at once ({@link ConfigException}).
 *
 * <p>Precedence per setting: environment variable ({@code PBIEXPORT_...}, see {@link Setting#envVar()}) over
 * the file over the catalogue default. {@code ${ENV_NAME}} and {@code ${ENV_NAME:-default}} placeholders in
 * the file are expanded from the environment. Kafka client properties come from {@code kafka.common /
 * consumer / producer} and from {@code PBIEXPORT_KAFKA_<NAME>}, {@code PBIEXPORT_KAFKA_CONSUMER_<NAME>},
 * {@code PBIEXPORT_KAFKA_PRODUCER_<NAME>} ({@code <NAME>} lower-cased, {@code _} becoming {@code .}).
 */
public final class ConfigLoader {
    private static final String KAFKA_ENV = Setting.ENV_PREFIX + "KAFKA_";

    private ConfigLoader() {
    }

    /** Loads with the process environment. */
    public static WorkerConfig load(Path file) {
        return load(file, System.getenv());
    }

    /** Loads and validates; warnings are dropped (use {@link #loadWithWarnings} to log them). */
    public static WorkerConfig load(Path file, Map<String, String> env) {
        return loadWithWarnings(file, env).config();
    }

    /**
     * Loads and validates, returning start-up warnings (inline secrets, secret variables not set, a scope
     * that will not give a Power BI token) for the caller to log once.
     *
     * @throws ConfigException listing every problem found
     */
    public static LoadedConfig loadWithWarnings(Path file, Map<String, String> env) {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        boolean yaml = lower.endsWith(".yaml") || lower.endsWith(".yml");
        if (!yaml && !lower.endsWith(".json")) {
            throw new ConfigException(List.of("config file " + file + " must end in .yaml, .yml or .json"));
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of("config file " + file + " does not exist"));
        } catch (IOException e) {
            throw new ConfigException(List.of("config file " + file + " cannot be read: " + e.getClass().getSimpleName()));
        }
        return loadFromString(text, yaml, name, env);
    }

    /** Loads from text (YAML when {@code yaml}, else JSON); {@code sourceName} appears in parse errors. */
    public static LoadedConfig loadFromString(String text, boolean yaml, String sourceName, Map<String, String> env) {
        JsonNode root = parse(text, yaml, sourceName);
        RawSettings raw = new RawSettings();
        ConfigTree tree = new ConfigTree(Settings.all(), env, raw);
        tree.read(root);
        applyEnvironment(tree, raw, env);
        checkValues(raw);
        WorkerConfig config = new ConfigBuilder(raw, env).build();
        checkEnvironmentNames(raw, env);
        if (!raw.problems.isEmpty()) {
            throw new ConfigException(raw.problems);
        }
        return new LoadedConfig(config, raw.warnings);
    }

    private static JsonNode parse(String text, boolean yaml, String sourceName) {
        ObjectMapper mapper = yaml ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        try {
            return text.isBlank() ? null : mapper.readTree(text);
        } catch (JsonProcessingException e) {
            // Only the location and the parser's first line: the excerpt could hold a secret.
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            String why = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
            throw new ConfigException(List.of("cannot parse " + sourceName + " as " + (yaml ? "YAML" : "JSON")
                    + where + ": " + why));
        }
    }

    private static void applyEnvironment(ConfigTree tree, RawSettings raw, Map<String, String> env) {
        for (Setting s : Settings.all()) {
            Optional<String> var = s.envVar();
            if (var.isPresent()) {
                String v = env.get(var.get());
                // Blank counts as unset: deployment templates often render optional variables empty.
                if (v != null && !v.isBlank()) {
                    tree.parseInto(s, s.path(), v);
                }
            }
        }
        Map<String, String> sorted = new TreeMap<>(env);
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(KAFKA_ENV) || e.getValue() == null) {
                continue;
            }
            String rest = key.substring(KAFKA_ENV.length());
            if (rest.equals("BOOTSTRAP_SERVERS") || rest.equals("GROUP_ID") || rest.isEmpty()) {
                continue; // structured settings kafka.bootstrapServers / kafka.groupId
            }
            String map = "kafka.common";
            if (rest.startsWith("CONSUMER_")) {
                map = "kafka.consumer";
                rest = rest.substring("CONSUMER_".length());
            } else if (rest.startsWith("PRODUCER_")) {
                map = "kafka.producer";
                rest = rest.substring("PRODUCER_".length());
            }
            if (!rest.isEmpty()) {
                raw.properties(map).put(rest.toLowerCase(Locale.ROOT).replace('_', '.'), e.getValue());
            }
        }
    }

    /**
     * A {@code PBIEXPORT_} variable that names no setting is a typo that would otherwise pass silently (the setting
     * keeps its default). Known: every setting's variable, the Kafka pass-through prefixes, and any variable the
     * configuration itself names (a secret's {@code env}, a connection string's {@code connectionStringEnv}).
     */
    private static void checkEnvironmentNames(RawSettings raw, Map<String, String> env) {
        java.util.Set<String> known = new java.util.TreeSet<>();
        for (Setting s : Settings.all()) {
            s.envVar().ifPresent(known::add);
        }
        java.util.Set<String> referenced = new java.util.HashSet<>();
        raw.values.forEach((path, value) -> {
            if ((path.endsWith(".env") || path.endsWith("Env")) && value instanceof String name) {
                referenced.add(name);
            }
        });
        Map<String, String> removed = new TreeMap<>();
        Settings.removed().forEach((path, instead) -> removed.put(Setting.envVarFor(path), path + " was removed: " + instead));
        for (String name : new TreeMap<>(env).keySet()) {
            if (!name.startsWith(Setting.ENV_PREFIX) || known.contains(name) || referenced.contains(name)
                    || name.startsWith(KAFKA_ENV)) {
                continue;
            }
            if (removed.containsKey(name)) {
                raw.problems.add("environment variable " + name + " sets a removed setting: " + removed.get(name));
                continue;
            }
            raw.problems.add("environment variable " + name + " names no setting" + DidYouMean.hint(name, known)
                    + "; remove it or use a variable listed in docs/CONFIGURATION.md");
        }
    }

    /** Runs every setting's validators, then the required-setting checks. */
    private static void checkValues(RawSettings raw) {
        for (Map.Entry<String, Object> e : raw.values.entrySet()) {
            Setting s = raw.settingOf.get(e.getKey());
            for (Check c : s.checks()) {
                c.problem(e.getValue()).ifPresent(p -> raw.problems.add(s.label(e.getKey()) + " " + p));
            }
        }
        for (Setting s : Settings.all()) {
            if (!s.required()) {
                continue;
            }
            if (!s.isPerAlias()) {
                if (!raw.has(s.path()) && !raw.failed.contains(s.path())) {
                    raw.problems.add(s.label(s.path()) + " is required");
                }
                continue;
            }
            String parentPattern = s.path().substring(0, s.path().lastIndexOf('.'));
            String leaf = s.path().substring(s.path().lastIndexOf('.') + 1);
            for (String section : raw.sections) {
                String path = section + "." + leaf;
                if (matches(parentPattern, section) && !raw.has(path) && !raw.failed.contains(path)) {
                    raw.problems.add(path + " is required");
                }
            }
        }
    }

    static boolean matches(String pattern, String concrete) {
        String[] p = pattern.split("\\.");
        String[] c = concrete.split("\\.");
        if (p.length != c.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (!p[i].equals(Setting.ALIAS) && !p[i].equals(c[i])) {
                return false;
            }
        }
        return true;
    }
}
