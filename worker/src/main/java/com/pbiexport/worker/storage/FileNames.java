package com.pbiexport.worker.storage;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Safe file names and keys for exported files. Names come from requests (untrusted), so they are cleaned, never
 * trusted; sinks then accept only keys that are already clean ({@link #requireSafeKey}).
 *
 * <h2>Default key</h2>
 * {@code <tenant>/<yyyy>/<MM>/<dd>/<requestId>-<name><ext>}, for example
 * {@code contoso/2025/03/07/req-42-Sales by region.pdf}; without a requested name
 * {@code contoso/2025/03/07/req-42.pdf}. The date is the one the caller passes (the UTC day the request was
 * received), so retries of one request land on the same key and overwrite it.
 *
 * <h2>Cleaning rules (one segment)</h2>
 * Unicode NFC; path separators ({@code /}, {@code \}) split the input and {@code .}/{@code ..} parts are dropped, the
 * rest joined with {@code _}; tabs and line breaks become spaces; other control, invisible formatting (e.g. right-to-left override) and the characters
 * {@code < > : " | ? * % #} become {@code _}; whitespace becomes a single space; runs of dots collapse (so no
 * {@code ..} survives); leading dots, spaces and hyphens and trailing dots and spaces are removed; reserved
 * Windows device names ({@code CON}, {@code NUL}, {@code COM1}...) get a {@code _} prefix; at most
 * {@value #MAX_NAME_CHARS} characters and {@value #MAX_NAME_UTF8_BYTES} UTF-8 bytes (file systems count bytes).
 * Letters of every script are kept. A requested name without any letter or digit counts as no name.
 *
 * <h2>Extension</h2>
 * The format decides the extension ({@code .pdf}, {@code .zip} for multi-page PNG...): a requested
 * {@code report.xlsx} exported as PDF becomes {@code report.pdf}. Shortening keeps the extension.
 */
public final class FileNames {

    /** Longest name in characters (extension included). */
    public static final int MAX_NAME_CHARS = 120;
    /** Longest name in UTF-8 bytes: leaves room under the usual 255-byte limit of file systems. */
    public static final int MAX_NAME_UTF8_BYTES = 240;
    /** Longest whole key (Azure allows 1024 characters for a blob name, including the sink's prefix). */
    public static final int MAX_KEY_CHARS = 900;
    /** Longest request id kept verbatim in a name; longer ones are shortened and given a hash suffix. */
    static final int MAX_ID_CHARS = 64;

    private static final Pattern EXTENSION = Pattern.compile("\\.[a-z0-9]{1,10}");
    private static final Pattern SEPARATORS = Pattern.compile("[/\\\\]");
    private static final Pattern RESERVED_WINDOWS = Pattern.compile("(?i)(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])");
    /** Extensions that a requested name may carry and that the format's extension replaces. */
    private static final Set<String> REPLACED_EXTENSIONS = Set.of(
            "pdf", "accessiblepdf", "pptx", "ppt", "png", "zip", "xlsx", "xls", "docx", "doc", "csv", "xml",
            "mhtml", "html", "htm", "jpg", "jpeg", "tif", "tiff", "txt", "json", "rdl", "pbix");

    private FileNames() {
    }

    /**
     * The default key {@code <tenant>/<yyyy>/<MM>/<dd>/<requestId>-<name><ext>} (see the class comment).
     *
     * @param tenant        configured tenant alias
     * @param requestId     the request's id (cleaned; if cleaning changed it, a short hash of the original is
     *                      appended so that different ids never share a key)
     * @param requestedName the name the request asked for, or null/blank for none
     * @param extension     the format's extension, e.g. {@code .pdf} or {@code pdf}
     * @param day           the day to file it under (the UTC day the request was received)
     * @throws IllegalArgumentException when the tenant alias has nothing usable or the extension is malformed
     */
    public static String defaultKey(String tenant, String requestId, String requestedName, String extension,
                                    LocalDate day) {
        Objects.requireNonNull(day, "day");
        String ext = normaliseExtension(extension);
        String tenantSegment = cleanSegment(Objects.requireNonNull(tenant, "tenant"));
        if (tenantSegment.isEmpty()) {
            throw new IllegalArgumentException("tenant alias '" + escape(tenant) + "' has no usable characters");
        }
        String id = idSegment(Objects.requireNonNull(requestId, "requestId"));
        String stem = stem(requestedName, ext);
        String leaf = finishName(stem.isEmpty() ? id : id + "-" + stem, ext, id);
        return tenantSegment + "/" + String.format(Locale.ROOT, "%04d/%02d/%02d",
                day.getYear(), day.getMonthValue(), day.getDayOfMonth()) + "/" + leaf;
    }

    /**
     * A clean file name {@code <name><ext>} from a requested name, falling back to the request id when nothing
     * usable is left.
     */
    public static String sanitise(String requestedName, String requestId, String extension) {
        String ext = normaliseExtension(extension);
        return finishName(stem(requestedName, ext), ext, idSegment(Objects.requireNonNull(requestId, "requestId")));
    }

    /**
     * Accepts only a relative key whose every {@code /}-separated segment is already clean (cleaning would not
     * change it), so that no sink ever has to guess what a strange name meant.
     *
     * @throws StorageException of kind {@link StorageException.Kind#INVALID_NAME} naming the problem
     */
    public static void requireSafeKey(String key) {
        if (key == null || key.isEmpty()) {
            throw invalid(key, "it is empty");
        }
        if (key.length() > MAX_KEY_CHARS) {
            throw invalid(key, "it is longer than " + MAX_KEY_CHARS + " characters");
        }
        if (key.startsWith("/") || key.indexOf('\\') >= 0 || (key.length() > 1 && key.charAt(1) == ':')) {
            throw invalid(key, "it is not a relative '/'-separated key");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) {
                throw invalid(key, "it has an empty segment");
            }
            if (!cleanSegment(segment).equals(segment)) {
                throw invalid(key, "segment '" + escape(segment) + "' is not a clean name (it would be '"
                        + escape(cleanSegment(segment)) + "'); build keys with FileNames.defaultKey");
            }
        }
    }

    /** The last segment of a key: the file name proper. */
    public static String leafOf(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /** Cleans one name segment by the rules in the class comment; may return an empty string. */
    public static String cleanSegment(String raw) {
        String cleaned = cleanUntruncated(raw);
        return stripEnds(truncate(cleaned, MAX_NAME_CHARS, MAX_NAME_UTF8_BYTES));
    }

    private static String cleanUntruncated(String raw) {
        if (raw == null) {
            return "";
        }
        String s = Normalizer.normalize(raw, Normalizer.Form.NFC);
        StringBuilder joined = new StringBuilder();
        for (String part : SEPARATORS.split(s, -1)) {
            if (part.isEmpty() || part.chars().allMatch(c -> c == '.')) {
                continue; // drops "", ".", ".." and friends: they only ever mean "navigate"
            }
            if (joined.length() > 0) {
                joined.append('_');
            }
            joined.append(part);
        }
        StringBuilder out = new StringBuilder(joined.length());
        joined.codePoints().forEach(cp -> {
            int mapped = mapCodePoint(cp);
            char last = out.length() == 0 ? 0 : out.charAt(out.length() - 1);
            if ((mapped == ' ' || mapped == '_' || mapped == '.') && last == mapped) {
                return; // collapse runs, which also removes every ".."
            }
            out.appendCodePoint(mapped);
        });
        String cleaned = stripEnds(out.toString());
        if (!cleaned.isEmpty() && RESERVED_WINDOWS.matcher(stemBeforeDot(cleaned)).matches()) {
            cleaned = "_" + cleaned;
        }
        return cleaned;
    }

    private static int mapCodePoint(int cp) {
        if (cp == '<' || cp == '>' || cp == ':' || cp == '"' || cp == '|' || cp == '?' || cp == '*'
                || cp == '%' || cp == '#') {
            return '_';
        }
        int type = Character.getType(cp);
        if (cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x0b || cp == '\f') {
            return ' ';
        }
        if (Character.isISOControl(cp)) {
            return '_';
        }
        if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
            return ' ';
        }
        if (type == Character.FORMAT || type == Character.SURROGATE || type == Character.PRIVATE_USE
                || type == Character.UNASSIGNED) {
            return '_';
        }
        return cp;
    }

    private static String stripEnds(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == '.' || s.charAt(start) == ' ' || s.charAt(start) == '-')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == '.' || s.charAt(end - 1) == ' ')) {
            end--;
        }
        return s.substring(start, end);
    }

    private static String stemBeforeDot(String s) {
        int dot = s.indexOf('.');
        return (dot < 0 ? s : s.substring(0, dot)).trim();
    }

    /** The requested name cleaned, without any extension the format replaces; may be empty. */
    private static String stem(String requestedName, String ext) {
        String cleaned = cleanUntruncated(requestedName); // drop the extension before shortening

        String lower = cleaned.toLowerCase(Locale.ROOT);
        if (lower.endsWith(ext)) {
            cleaned = cleaned.substring(0, cleaned.length() - ext.length());
        } else {
            int dot = cleaned.lastIndexOf('.');
            if (dot >= 0 && REPLACED_EXTENSIONS.contains(lower.substring(dot + 1))) {
                cleaned = cleaned.substring(0, dot);
            }
        }
        cleaned = cleanUntruncated(cleaned);
        // "_" from "\u0000", or "€": nothing that names anything, so the request id serves better
        return cleaned.codePoints().anyMatch(Character::isLetterOrDigit) ? cleaned : "";
    }

    /** Stem plus extension within the length limits, shortening the stem (never the extension). */
    private static String finishName(String stem, String ext, String fallback) {
        String base = stem.isEmpty() ? fallback : stem;
        base = truncate(base, MAX_NAME_CHARS - ext.length(), MAX_NAME_UTF8_BYTES - ext.length());
        base = cleanSegment(base); // shortening can leave a trailing dot or space
        if (base.isEmpty()) {
            base = "export";
        }
        String name = base + ext;
        if (!cleanSegment(name).equals(name)) { // cannot happen: base is clean, ext is [a-z0-9]
            throw new IllegalStateException("name '" + escape(name) + "' is not clean");
        }
        return name;
    }

    /** The request id as a segment; if cleaning or shortening changed it, a hash keeps distinct ids distinct. */
    private static String idSegment(String requestId) {
        String cleaned = cleanSegment(requestId);
        if (cleaned.equals(requestId) && cleaned.length() <= MAX_ID_CHARS) {
            return cleaned;
        }
        String hash = shortHash(requestId);
        String kept = truncate(cleaned, MAX_ID_CHARS, MAX_ID_CHARS * 2);
        return kept.isEmpty() ? "request-" + hash : cleanSegment(kept + "-" + hash);
    }

    private static String shortHash(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    private static String truncate(String s, int maxChars, int maxUtf8Bytes) {
        StringBuilder out = new StringBuilder();
        int bytes = 0;
        int chars = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int cpBytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            int cpChars = Character.charCount(cp);
            if (chars + cpChars > maxChars || bytes + cpBytes > maxUtf8Bytes) {
                break;
            }
            out.appendCodePoint(cp);
            chars += cpChars;
            bytes += cpBytes;
            i += cpChars;
        }
        return out.toString();
    }

    /** {@code .PDF}, {@code pdf} and {@code .pdf} all mean {@code .pdf}. */
    static String normaliseExtension(String extension) {
        Objects.requireNonNull(extension, "extension");
        String ext = (extension.startsWith(".") ? extension : "." + extension).toLowerCase(Locale.ROOT);
        if (!EXTENSION.matcher(ext).matches()) {
            throw new IllegalArgumentException("extension must be 1-10 letters or digits such as .pdf, was '"
                    + escape(extension) + "'");
        }
        return ext;
    }

    private static StorageException invalid(String key, String reason) {
        return new StorageException(StorageException.Kind.INVALID_NAME,
                "Invalid file key '" + escape(key) + "': " + reason);
    }

    /** Makes a name printable in a message or log line (control and invisible characters as \\uXXXX). */
    static String escape(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        String shown = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        shown.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                out.append(String.format(Locale.ROOT, "\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    /** Metadata travels as HTTP headers: ASCII only; anything else is percent-encoded (UTF-8). */
    static String headerSafe(String value) {
        boolean plain = value.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        return plain ? value : URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * A key prefix without leading or trailing {@code /}, checked like a key.
     *
     * @param what names the setting in the message, e.g. {@code Blob prefix}
     * @throws IllegalArgumentException when the prefix is not a safe relative key
     */
    static String normalisePrefix(String prefix, String what) {
        String p = Objects.requireNonNull(prefix, "prefix");
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (!p.isEmpty()) {
            try {
                requireSafeKey(p);
            } catch (StorageException e) {
                throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
            }
        }
        return p;
    }
}
