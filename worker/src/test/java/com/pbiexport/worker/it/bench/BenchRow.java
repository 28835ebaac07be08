package com.pbiexport.worker.it.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One row of {@link CapacityBench}'s matrix: a capacity with its own true concurrency limit, render times and way
 * of stating Retry-After on its 429s, loaded for {@code seconds} with a backlog. The worker is never told the limit.
 *
 * @param limit      the capacity's true limit of concurrent exports (the simulator's {@code maxConcurrentExports})
 * @param render     {@code short} (every export 11 s: half a 2 s round NotStarted, 5 rounds of 5 pages) or
 *                   {@code realistic} (2-5 minutes, drawn per export, compressed by {@link #TIME_SCALE})
 * @param retryAfter {@code exact} (seconds until a slot frees) or {@code coarse} (30 s, never below the exact wait)
 * @param seconds    how long the row keeps a backlog (the measurement window)
 */
record BenchRow(int limit, String render, String retryAfter, int seconds) {
    /** Realistic renders run this many times faster than the 2-5 minutes they stand for (said in the output). */
    static final int TIME_SCALE = 8;
    /** Short renders: 2 s rounds, 25 pages = 5 rounds, + half a round NotStarted = 11 s. */
    static final long SHORT_ROUND_MS = 2_000;
    static final int SHORT_PAGES = 25;
    /** Realistic renders: 30 s rounds (/ TIME_SCALE), 16-50 pages = 4-10 rounds: 2-5 minutes (/ TIME_SCALE). */
    static final long REALISTIC_ROUND_MS = 30_000 / TIME_SCALE;
    static final int REALISTIC_MIN_PAGES = 16;
    static final int REALISTIC_MAX_PAGES = 50;

    /** The default matrix: every limit, both render times, both Retry-After styles; about 15 minutes. */
    static final String DEFAULT_ROWS =
            "5-short-exact,5-short-coarse,20-short-exact,20-realistic-coarse,100-short-coarse:90,500-short-exact";
    /** The row whose figures are the JSON's top-level keys, with the baselines run on it. */
    static final String HEADLINE = "20-realistic-coarse";

    BenchRow {
        if (!render.equals("short") && !render.equals("realistic")) {
            throw new IllegalArgumentException("render must be short or realistic, was " + render);
        }
        if (!retryAfter.equals("exact") && !retryAfter.equals("coarse")) {
            throw new IllegalArgumentException("retryAfter must be exact or coarse, was " + retryAfter);
        }
    }

    String name() {
        return limit + "-" + render + "-" + retryAfter;
    }

    boolean realistic() {
        return render.equals("realistic");
    }

    long roundMs() {
        return realistic() ? REALISTIC_ROUND_MS : SHORT_ROUND_MS;
    }

    /** Pages of the n-th export of the row: fixed when short, spread evenly over 16-50 when realistic. */
    int pages(int n) {
        if (!realistic()) {
            return SHORT_PAGES;
        }
        int span = REALISTIC_MAX_PAGES - REALISTIC_MIN_PAGES + 1;
        return REALISTIC_MIN_PAGES + (int) ((n * 12L) % span); // 12 is coprime with 35: every page count in turn
    }

    /** Render time of an export with that many pages, as the simulator computes it (no page-limited SKU). */
    long renderMs(int pages) {
        return roundMs() / 2 + ((pages + 4) / 5) * roundMs();
    }

    /** Mean render time over the row's page counts. */
    long meanRenderMs() {
        if (!realistic()) {
            return renderMs(SHORT_PAGES);
        }
        long sum = 0;
        int n = REALISTIC_MAX_PAGES - REALISTIC_MIN_PAGES + 1;
        for (int p = REALISTIC_MIN_PAGES; p <= REALISTIC_MAX_PAGES; p++) {
            sum += renderMs(p);
        }
        return sum / n;
    }

    /** Requests kept waiting in front of the capacity: more than it can run, so it always has a backlog. */
    int backlog() {
        return limit + Math.max(10, limit / 2);
    }

    /**
     * Parses {@code limit-render-retryAfter[:seconds]}; the default window is 60 s for exact rows (convergence takes
     * a few short Retry-Afters) and 150 s (limit 5: halving from 50 takes four 30 s waits) or 120 s for coarse rows.
     */
    static BenchRow parse(String spec) {
        String[] timed = spec.trim().split(":");
        String[] p = timed[0].split("-");
        if (p.length != 3) {
            throw new IllegalArgumentException("a row is limit-render-retryAfter[:seconds], e.g. 20-short-exact, was "
                    + spec);
        }
        int limit = Integer.parseInt(p[0]);
        int seconds = timed.length > 1 ? Integer.parseInt(timed[1])
                : p[2].equals("exact") ? (p[1].equals("realistic") ? 90 : 60) : limit <= 5 ? 150 : 120;
        return new BenchRow(limit, p[1].toLowerCase(Locale.ROOT), p[2].toLowerCase(Locale.ROOT), seconds);
    }

    /** {@code all} = the full 16-row cross product; else a comma-separated list of rows. */
    static List<BenchRow> parseList(String rows) {
        List<String> specs = new ArrayList<>();
        if (rows.equals("all")) {
            for (int limit : new int[] {5, 20, 100, 500}) {
                for (String render : List.of("short", "realistic")) {
                    for (String ra : List.of("exact", "coarse")) {
                        specs.add(limit + "-" + render + "-" + ra);
                    }
                }
            }
        } else {
            specs.addAll(Arrays.asList(rows.split(",")));
        }
        Map<String, BenchRow> out = new LinkedHashMap<>();
        specs.stream().map(BenchRow::parse).forEach(r -> out.put(r.name(), r));
        return List.copyOf(out.values());
    }
}
