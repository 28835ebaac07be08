package com.pbiexport.worker.net;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Hosts that are reached directly although a proxy is configured. Two syntaxes:
 * <ul>
 *   <li>{@link #curl(String)}: {@code NO_PROXY} as curl reads it: comma-separated; {@code *} alone matches every
 *       host; {@code example.com} and {@code .example.com} both match {@code example.com} and every name below it
 *       (never {@code notexample.com}); IP literals match exactly (IPv6 with or without brackets), with an optional
 *       CIDR suffix ({@code 10.0.0.0/8}); an entry with {@code :port} matches only that port (as Go does; curl
 *       ignores ports). Case-insensitive; no DNS look-ups ({@code 127.0.0.1} does not match {@code localhost}).</li>
 *   <li>{@link #java(String)}: {@code http.nonProxyHosts} as the JDK reads it: {@code |}-separated host patterns,
 *       {@code *} as a wildcard, case-insensitive.</li>
 * </ul>
 */
public final class NoProxy {

    /** The JDK's default {@code http.nonProxyHosts}: every common spelling of loopback. */
    public static final String JDK_DEFAULT = "localhost|127.*|[::1]|0.0.0.0|[::0]";

    private static final NoProxy NONE = new NoProxy("", List.of());

    /** One entry of the list; {@code text} is what messages quote. */
    private interface Entry {
        boolean matches(String host, int port);

        String text();
    }

    private final String raw;
    private final List<Entry> entries;

    private NoProxy(String raw, List<Entry> entries) {
        this.raw = raw;
        this.entries = List.copyOf(entries);
    }

    /** Excludes nothing. */
    public static NoProxy none() {
        return NONE;
    }

    /** Parses a {@code NO_PROXY} value (curl's rules, see the class comment). */
    public static NoProxy curl(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        List<Entry> entries = new ArrayList<>();
        for (String item : value.split(",")) {
            String t = item.trim().toLowerCase(Locale.ROOT);
            if (!t.isEmpty()) {
                entries.add(curlEntry(t));
            }
        }
        return new NoProxy(value.trim(), entries);
    }

    /** Parses an {@code http.nonProxyHosts} value (the JDK's rules). */
    public static NoProxy java(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        List<Entry> entries = new ArrayList<>();
        for (String item : value.split("\\|")) {
            String t = item.trim().toLowerCase(Locale.ROOT);
            if (t.isEmpty()) {
                continue;
            }
            String bare = t.startsWith("[") && t.endsWith("]") ? t.substring(1, t.length() - 1) : t;
            Pattern glob = Pattern.compile(Pattern.quote(bare).replace("*", "\\E.*\\Q"));
            entries.add(entry(t, (host, port) -> glob.matcher(host).matches()));
        }
        return new NoProxy(value.trim(), entries);
    }

    /** The entry that sends {@code host:port} direct, if any. {@code host} may be an IPv6 literal with brackets. */
    public Optional<String> match(String host, int port) {
        String h = normalise(host);
        return entries.stream().filter(e -> e.matches(h, port)).map(Entry::text).findFirst();
    }

    /** Whether {@code host:port} is reached directly. */
    public boolean excludes(String host, int port) {
        return match(host, port).isPresent();
    }

    /** Whether the list is empty. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public String toString() {
        return raw;
    }

    private static Entry curlEntry(String t) {
        if (t.equals("*")) {
            return entry(t, (host, port) -> true);
        }
        String hostPart = t;
        int port = -1;
        if (t.startsWith("[")) { // [::1] or [::1]:8080
            int close = t.indexOf(']');
            hostPart = close > 0 ? t.substring(1, close) : t.substring(1);
            String rest = close > 0 ? t.substring(close + 1) : "";
            if (rest.startsWith(":") && rest.substring(1).matches("\\d{1,5}")) {
                port = Integer.parseInt(rest.substring(1));
            }
        } else if (t.indexOf(':') == t.lastIndexOf(':') && t.matches(".*:\\d{1,5}")) { // host:port, not IPv6
            int colon = t.lastIndexOf(':');
            hostPart = t.substring(0, colon);
            port = Integer.parseInt(t.substring(colon + 1));
        }
        int wantedPort = port;
        Optional<Cidr> cidr = Cidr.parse(hostPart);
        if (cidr.isPresent()) {
            Cidr c = cidr.get();
            return entry(t, (host, p) -> portMatches(wantedPort, p) && c.contains(host));
        }
        String domain = normalise(hostPart.startsWith(".") ? hostPart.substring(1) : hostPart);
        return entry(t, (host, p) -> portMatches(wantedPort, p)
                && (host.equals(domain) || host.endsWith("." + domain)));
    }

    private static boolean portMatches(int wanted, int actual) {
        return wanted < 0 || wanted == actual;
    }

    private static String normalise(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static Entry entry(String text, java.util.function.BiPredicate<String, Integer> test) {
        return new Entry() {
            @Override
            public boolean matches(String host, int port) {
                return test.test(host, port);
            }

            @Override
            public String text() {
                return text;
            }
        };
    }

    /** An IP literal with an optional prefix length; matches IP literal hosts only (no DNS). */
    private record Cidr(BigInteger network, int bits, int length) {

        static Optional<Cidr> parse(String text) {
            String[] parts = text.split("/", 2);
            Optional<byte[]> address = literal(parts[0]);
            if (address.isEmpty()) {
                return Optional.empty();
            }
            int length = address.get().length * 8;
            int bits = length;
            if (parts.length == 2) {
                if (!parts[1].matches("\\d{1,3}") || Integer.parseInt(parts[1]) > length) {
                    return Optional.empty();
                }
                bits = Integer.parseInt(parts[1]);
            }
            return Optional.of(new Cidr(prefix(address.get(), bits), bits, length));
        }

        boolean contains(String host) {
            return literal(host).filter(a -> a.length * 8 == length).map(a -> prefix(a, bits).equals(network))
                    .orElse(false);
        }

        private static BigInteger prefix(byte[] address, int bits) {
            return new BigInteger(1, address).shiftRight(address.length * 8 - bits);
        }

        /** The bytes of an IPv4 or IPv6 literal; empty for a name (never resolved). */
        private static Optional<byte[]> literal(String text) {
            boolean v4 = text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
            boolean v6 = text.contains(":") && text.matches("[0-9a-f:.]+");
            if (!v4 && !v6) {
                return Optional.empty();
            }
            try {
                return Optional.of(InetAddress.getByName(text).getAddress()); // a literal: no look-up happens
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
    }
}
