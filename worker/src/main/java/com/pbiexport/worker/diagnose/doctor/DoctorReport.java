package com.pbiexport.worker.diagnose.doctor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The doctor's verdict: every check in order. {@link #ok()} when none failed (skipped checks were not asked
 * for, e.g. no {@code --trial}). Rendered as a checklist for people or as one JSON object for machines.
 *
 * @param subject one line naming what was checked (tenant alias, cloud, API root), for the checklist header
 */
public record DoctorReport(String subject, List<CheckResult> checks) {
    /** Exit code when every check passed (or was not asked for). */
    public static final int EXIT_OK = 0;
    /** Exit code when a check failed. */
    public static final int EXIT_CHECK_FAILED = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    public DoctorReport {
        checks = List.copyOf(checks);
    }

    public boolean ok() {
        return checks.stream().noneMatch(c -> c.status() == CheckStatus.FAIL);
    }

    /** This report with {@code first} listed before its checks (the once-per-run {@code kafka} and {@code sink}). */
    public DoctorReport withFirst(List<CheckResult> first) {
        List<CheckResult> all = new ArrayList<>(first);
        all.addAll(checks);
        return new DoctorReport(subject, all);
    }

    /** The first broken link, if any. */
    public Optional<CheckResult> firstFailure() {
        return checks.stream().filter(c -> c.status() == CheckStatus.FAIL).findFirst();
    }

    /** The result of one check. */
    public CheckResult get(DoctorCheck check) {
        return checks.stream().filter(c -> c.check() == check).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no result for " + check));
    }

    public int exitCode() {
        return ok() ? EXIT_OK : EXIT_CHECK_FAILED;
    }

    /** {@code {"ok":bool,"checks":[{"name","status","detail","fix"}]}}, exactly these keys, on one line. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("ok", ok());
        ArrayNode array = root.putArray("checks");
        for (CheckResult c : checks) {
            array.addObject()
                    .put("name", c.name())
                    .put("status", c.status().wire())
                    .put("detail", c.detail())
                    .put("fix", c.fix());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }

    /** The human checklist: one line per check, the fix under a failure, a closing verdict. */
    public String toText() {
        StringBuilder sb = new StringBuilder("doctor: ").append(subject).append('\n');
        int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(10);
        for (CheckResult c : checks) {
            String mark = switch (c.status()) {
                case PASS -> "[pass]";
                case FAIL -> "[FAIL]";
                case SKIP -> "[skip]";
            };
            sb.append("  ").append(mark).append(' ').append(pad(c.name(), width)).append("  ").append(c.detail())
                    .append('\n');
            if (c.status() == CheckStatus.FAIL) {
                sb.append("  ").append(" ".repeat(mark.length() + 1 + width + 2)).append("fix: ").append(c.fix())
                        .append('\n');
            }
        }
        sb.append(firstFailure().map(f -> "NOT OK: the first broken link is '" + f.name() + "' ("
                + f.code().map(Enum::name).orElse("no export error code") + "); fix it and run doctor again.")
                .orElse("OK: every requested check passed."));
        return sb.append('\n').toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
