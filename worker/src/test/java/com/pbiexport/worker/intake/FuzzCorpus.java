package com.pbiexport.worker.intake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hostile-input corpus in {@code src/test/resources/fuzz/} (see {@code cases.tsv}): every case is a record value
 * and optional headers, written as templates so that huge, deeply nested or byte-level broken inputs stay small and
 * readable in the repository. Shared by the unit test of the parser and validator and by the end-to-end test.
 */
public final class FuzzCorpus {
    private static final String DIR = "/fuzz/";

    /** What the worker must make of a case. */
    public enum Expect { DEAD_LETTER, FAILED, VALID }

    /**
     * One case, expanded.
     *
     * @param code the dead letter's reason ({@code dlq.reason}) or the ExportFailed error code; empty when valid
     */
    public record Case(String name, Expect expect, String code, byte[] value, Map<String, byte[]> headers) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Values the templates' {@code ${tenant}}, {@code ${ws}} and {@code ${report}} stand for. */
    public record Target(String tenant, String workspaceId, String reportId) { }

    private FuzzCorpus() {
    }

    /**
     * Every case of the corpus; {@code ${id}} becomes {@code idPrefix + name} so that each case has its own request
     * id (for the end-to-end test, unique per run).
     */
    public static List<Case> load(String idPrefix, Target target) {
        List<Case> out = new ArrayList<>();
        for (String line : text("cases.tsv").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            Map<String, String> vars = Map.of("id", idPrefix + f[0], "tenant", target.tenant(),
                    "ws", target.workspaceId(), "report", target.reportId());
            Map<String, byte[]> headers = new LinkedHashMap<>();
            String headerText = textOrNull(f[0] + ".headers");
            if (headerText != null) {
                for (String h : headerText.split("\n")) {
                    int colon = h.indexOf(": ");
                    if (colon > 0) {
                        headers.put(h.substring(0, colon), expand(h.substring(colon + 2), vars));
                    }
                }
            }
            out.add(new Case(f[0], Expect.valueOf(f[1].toUpperCase().replace('-', '_')), f[2],
                    expand(text(f[0] + ".value"), vars), headers));
        }
        return out;
    }

    /**
     * Expands a template: {@code ${name}} from {@code vars}; {@code ${repeat:N:text}$} is text N times;
     * {@code ${list:N:text}$} N copies joined by commas, {@code #} in text becoming the copy's index;
     * {@code ${hex:ef bb bf}$} raw bytes (so invalid UTF-8 can be written down). Everything else is UTF-8 text.
     */
    static byte[] expand(String template, Map<String, String> vars) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < template.length()) {
            int start = template.indexOf("${", i);
            if (start < 0) {
                write(out, template.substring(i));
                break;
            }
            write(out, template.substring(i, start));
            int colon = template.indexOf(':', start);
            int close = template.indexOf('}', start);
            if (colon < 0 || close < colon) { // a simple variable
                String name = template.substring(start + 2, close);
                String value = vars.get(name);
                if (value == null) {
                    throw new IllegalArgumentException("unknown template variable " + name);
                }
                write(out, value);
                i = close + 1;
                continue;
            }
            String kind = template.substring(start + 2, colon);
            int end = template.indexOf("}$", colon);
            String arg = template.substring(colon + 1, end);
            switch (kind) {
                case "hex" -> out.writeBytes(HexFormat.of().parseHex(arg.replace(" ", "")));
                case "repeat", "list" -> {
                    int sep = arg.indexOf(':');
                    int n = Integer.parseInt(arg.substring(0, sep));
                    String body = arg.substring(sep + 1);
                    StringBuilder b = new StringBuilder();
                    for (int k = 0; k < n; k++) {
                        if (kind.equals("list")) {
                            b.append(k == 0 ? "" : ",").append(body.replace("#", Integer.toString(k)));
                        } else {
                            b.append(body);
                        }
                    }
                    write(out, b.toString());
                }
                default -> throw new IllegalArgumentException("unknown template function " + kind);
            }
            i = end + 2;
        }
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(String name) {
        String t = textOrNull(name);
        if (t == null) {
            throw new IllegalStateException("fuzz corpus file missing: " + DIR + name);
        }
        return t;
    }

    private static String textOrNull(String name) {
        try (InputStream in = FuzzCorpus.class.getResourceAsStream(DIR + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
