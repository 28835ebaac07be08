package com.pbiexport.worker.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The type of a setting: how its text (from the file or an environment variable) is parsed, and how it is
 * named in the documentation. A parse failure throws {@link InvalidValue} with the phrase that completes
 * "{@code <setting> ...}", e.g. "must be a whole number".
 */
public enum ValueType {
    STRING("string"),
    INT("integer"),
    /** A byte count: {@code 262144000}, {@code 250MiB}, {@code 100MB}, {@code 1GiB}. */
    BYTES("size"),
    DOUBLE("number"),
    BOOLEAN("boolean"),
    /** ISO-8601 ({@code PT5S}) or shorthand ({@code 500ms}, {@code 5s}, {@code 10m}, {@code 2h}, {@code 1d}). */
    DURATION("duration"),
    /** An absolute http(s) URL. */
    URL("URL"),
    PATH("path"),
    /** A GUID such as {@code 00000000-0000-0000-0000-000000000000}. */
    GUID("GUID"),
    CLOUD("cloud name"),
    /** Free-form property map passed through unchanged (Kafka client properties). */
    PROPERTIES("map");

    private static final Pattern GUID_PATTERN =
            Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    private static final Pattern SHORT_DURATION = Pattern.compile("^(\\d+)\\s*(ms|s|m|h|d)$");
    private static final Pattern SIZE = Pattern.compile("^(\\d+)\\s*(B|KB|MB|GB|KiB|MiB|GiB)?$");

    private final String docName;

    ValueType(String docName) {
        this.docName = docName;
    }

    /** The type's name in the configuration table. */
    public String docName() {
        return docName;
    }

    /** A setting value that could not be parsed; the message completes "{@code <setting> }". */
    public static final class InvalidValue extends Exception {
        public InvalidValue(String phrase) {
            super(phrase, null, false, false);
        }
    }

    /** Parses trimmed text into this type's Java value. */
    public Object parse(String raw) throws InvalidValue {
        String s = raw.strip();
        switch (this) {
            case STRING:
                return raw;
            case INT:
                try {
                    return Integer.parseInt(s);
                } catch (NumberFormatException e) {
                    throw new InvalidValue("must be a whole number");
                }
            case BYTES:
                return parseBytes(s);
            case DOUBLE:
                try {
                    double d = Double.parseDouble(s);
                    if (Double.isNaN(d) || Double.isInfinite(d)) {
                        throw new NumberFormatException();
                    }
                    return d;
                } catch (NumberFormatException e) {
                    throw new InvalidValue("must be a number");
                }
            case BOOLEAN:
                if (s.equalsIgnoreCase("true")) {
                    return Boolean.TRUE;
                }
                if (s.equalsIgnoreCase("false")) {
                    return Boolean.FALSE;
                }
                throw new InvalidValue("must be true or false");
            case DURATION:
                return parseDuration(s);
            case URL:
                return parseUrl(s);
            case PATH:
                try {
                    if (s.isEmpty()) {
                        throw new InvalidPathException(s, "empty");
                    }
                    return Path.of(s);
                } catch (InvalidPathException e) {
                    throw new InvalidValue("must be a file system path");
                }
            case GUID:
                if (!GUID_PATTERN.matcher(s).matches()) {
                    throw new InvalidValue("must be a GUID such as 00000000-0000-0000-0000-000000000000");
                }
                return s.toLowerCase(Locale.ROOT);
            case CLOUD:
                return CloudName.parse(s).orElseThrow(() -> new InvalidValue(
                        "must be one of " + String.join(", ", CloudName.displayNames())));
            default:
                throw new InvalidValue("must be a map of properties");
        }
    }

    /** ISO-8601 or shorthand; zero and negative durations parse (validators decide). */
    static Duration parseDuration(String s) throws InvalidValue {
        Matcher m = SHORT_DURATION.matcher(s);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            return Duration.parse(s.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new InvalidValue("must be a duration such as PT5S, 5s or 10m");
        }
    }

    private static Long parseBytes(String s) throws InvalidValue {
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) {
            throw new InvalidValue("must be a size in bytes such as 262144000 or 250MiB");
        }
        try {
            long n = Long.parseLong(m.group(1));
            long unit = m.group(2) == null ? 1 : switch (m.group(2)) {
                case "KB" -> 1_000L;
                case "MB" -> 1_000_000L;
                case "GB" -> 1_000_000_000L;
                case "KiB" -> 1L << 10;
                case "MiB" -> 1L << 20;
                case "GiB" -> 1L << 30;
                default -> 1L;
            };
            return Math.multiplyExact(n, unit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new InvalidValue("must be a size in bytes such as 262144000 or 250MiB");
        }
    }

    private static URI parseUrl(String s) throws InvalidValue {
        try {
            URI u = new URI(s);
            String scheme = u.getScheme();
            if (scheme == null || u.getHost() == null
                    || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))) {
                throw new URISyntaxException(s, "not an absolute http(s) URL");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new InvalidValue("must be an absolute URL such as https://host/path");
        }
    }
}
