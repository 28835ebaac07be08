package com.pbiexport.worker.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the settings catalogue (Kafka {@code ConfigDef} style): where the setting lives in the file,
 * its environment variable, type, default, documentation and validators, kept together in one place.
 *
 * <p>{@code <alias>} in a path stands for a user-chosen name (a tenant or sink alias). Such settings have no
 * environment variable: put {@code ${ENV_NAME}} placeholders in the file instead.
 *
 * @param path          dotted path in the file, e.g. {@code limits.maxInFlight}
 * @param type          how the value is parsed
 * @param defaultValue  the parsed default, empty when there is none
 * @param defaultText   the default as documented ({@code PT60M}, {@code (host name)}, empty for none)
 * @param required      must be set (for {@code <alias>} settings: in every instance of the enclosing section)
 * @param sensitive     a secret: its value is never echoed in messages
 * @param documentation one or two sentences for the configuration table
 * @param checks        validators run on the parsed value
 */
public record Setting(String path, ValueType type, Optional<Object> defaultValue, String defaultText,
                      boolean required, boolean sensitive, String documentation, List<Check> checks) {

    public static final String ENV_PREFIX = "PBIEXPORT_";
    public static final String ALIAS = "<alias>";

    public Setting {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(defaultText, "defaultText");
        Objects.requireNonNull(documentation, "documentation");
        checks = List.copyOf(checks);
    }

    /** The path split at dots. */
    public List<String> segments() {
        return Arrays.asList(path.split("\\."));
    }

    /** True when the path contains {@code <alias>}. */
    public boolean isPerAlias() {
        return path.contains(ALIAS);
    }

    /**
     * The environment variable that overrides this setting: {@code PBIEXPORT_} plus the path in upper snake
     * case ({@code limits.maxInFlight} -> {@code PBIEXPORT_LIMITS_MAX_IN_FLIGHT}). Empty for per-alias
     * settings and property maps.
     */
    public Optional<String> envVar() {
        if (isPerAlias() || type == ValueType.PROPERTIES) {
            return Optional.empty();
        }
        return Optional.of(envVarFor(path));
    }

    /** Upper snake case of a dotted camelCase path, with the {@code PBIEXPORT_} prefix. */
    public static String envVarFor(String path) {
        StringBuilder sb = new StringBuilder(ENV_PREFIX);
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '.') {
                sb.append('_');
            } else if (Character.isUpperCase(c) && i > 0 && path.charAt(i - 1) != '.') {
                sb.append('_').append(c);
            } else {
                sb.append(Character.toUpperCase(c));
            }
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }

    /** The setting's name in messages: the concrete path plus its environment variable when there is one. */
    String label(String concretePath) {
        return envVar().map(env -> concretePath + " (" + env + ")").orElse(concretePath);
    }

    // ---- builder-style factory used by the catalogue ----

    static Builder of(String path, ValueType type) {
        return new Builder(path, type);
    }

    static final class Builder {
        private final String path;
        private final ValueType type;
        private Object defaultValue;
        private String defaultText = "";
        private boolean required;
        private boolean sensitive;
        private String doc = "";
        private final List<Check> checks = new ArrayList<>();

        private Builder(String path, ValueType type) {
            this.path = path;
            this.type = type;
        }

        Builder defaultValue(Object value, String text) {
            this.defaultValue = value;
            this.defaultText = text;
            return this;
        }

        Builder defaultValue(Object value) {
            return defaultValue(value, String.valueOf(value));
        }

        Builder defaultText(String text) {
            this.defaultText = text;
            return this;
        }

        Builder required() {
            this.required = true;
            return this;
        }

        Builder sensitive() {
            this.sensitive = true;
            return this;
        }

        Builder doc(String text) {
            this.doc = text;
            return this;
        }

        Builder check(Check c) {
            checks.add(c);
            return this;
        }

        Setting build() {
            return new Setting(path, type, Optional.ofNullable(defaultValue), defaultText, required, sensitive, doc,
                    checks);
        }
    }
}
