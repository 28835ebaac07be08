package com.pbiexport.worker.it.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.it.WorkerHarness;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a test): the worker at Power BI's capacity limits, as a matrix. One devstack (embedded Kafka +
 * simulators, realistic profile) and, per row, a capacity of its own with the row's true concurrency limit (5, 20,
 * 100 or 500), render times (short: 11 s; realistic: 2-5 minutes drawn per export, compressed {@code 8x} to 15-37.5 s)
 * and 429 Retry-After style (exact: the seconds until a slot frees; coarse: 30 s). Per row a fresh worker with its
 * SHIPPED limits ({@link Limits#defaults()}: initial capacity limit 50, 64 exports in flight; the true limit is never
 * told) is fed requests so the capacity always has a backlog, for the row's window. On the headline row
 * ({@value BenchRow#HEADLINE}) two baselines run too, each on a fresh capacity of the same kind: {@code naive}
 * (Microsoft's documented strategy) and {@code fixed5} (the samples' fixed 5 s loop), see {@link BaselineRow}.
 * <p>
 * Per row and strategy: capacity utilisation over the backlog window (mean exports on the capacity / its limit,
 * sampled every 250 ms, from the first start), {@code convergenceSeconds} (from the row's start until the limit in use
 * - the worker's learned limit, capped by {@code limits.maxInFlight} - stays within 5 % of the true limit to the
 * window's end, at least 20 s before it), utilisation and 429s per 1,000 starts after convergence, token requests per
 * tenant per token lifetime (tokens live 30 s here, so refreshes happen inside a row), status polls per started export
 * over the minimum (mean render / the 1 s poll Retry-After), added latency p50/p99 (simulator Succeeded -> outcome's
 * completedAt, or -> download done), CPU per finished export (the strategy's own threads), live threads, heap after GC.
 * <p>
 * Arguments (optional): {@code --rows a,b,c} (default {@value BenchRow#DEFAULT_ROWS}; {@code all} for the 16-row
 * cross product; a row is {@code limit-render-retryAfter[:seconds]}), {@code --no-baselines}. Last line: one JSON
 * object, the headline row's worker figures at top level plus {@code naive{...}}, {@code fixed5{...}} and
 * {@code rows[...]}. Run: see docs/BENCHMARKS.md ("Throughput at Power BI's limits").
 */
public final class CapacityBench {
    private static final BenchRow REALISTIC = BenchRow.parse("1-realistic-exact");

    private CapacityBench() {
    }

    public static void main(String[] args) throws Exception {
        String rowsArg = BenchRow.DEFAULT_ROWS;
        boolean baselines = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rowsArg = args[++i];
                case "--no-baselines" -> baselines = false;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (--rows a,b,c | --no-baselines)");
            }
        }
        List<BenchRow> rows = BenchRow.parseList(rowsArg);
        BenchRow headline = rows.stream().filter(r -> r.name().equals(BenchRow.HEADLINE)).findFirst()
                .orElse(rows.get(0));
        List<BenchRow> runs = new ArrayList<>(rows);
        if (baselines) {
            runs.add(headline);
            runs.add(headline);
        }
        Scenario scenario = BenchScenario.build(runs);
        Limits shipped = Limits.defaults();
        System.out.printf(Locale.ROOT, "CapacityBench: %d row(s) %s%s; worker limits as shipped (capacityInitialConcurrency"
                        + " %d, maxInFlight %d, pollFallbackInterval %s); simulator profile realistic (seed %s); realistic"
                        + " renders compressed %dx (2-5 min -> %.1f-%.1f s incl. half a round NotStarted; latency, Retry-After and poll spacing NOT"
                        + " compressed); tokens live %d s; %d CPUs, load average %.1f at start%n",
                rows.size(), rows.stream().map(BenchRow::name).toList(), baselines ? " + naive and fixed5 on "
                        + headline.name() : "", shipped.capacityInitialConcurrency(), shipped.maxInFlight(),
                shipped.pollFallbackInterval(), scenario.seed() == null ? "default" : scenario.seed(),
                BenchRow.TIME_SCALE, REALISTIC.renderMs(BenchRow.REALISTIC_MIN_PAGES) / 1000.0,
                REALISTIC.renderMs(BenchRow.REALISTIC_MAX_PAGES) / 1000.0,
                RowMeasure.TOKEN_LIFETIME_SECONDS, Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        List<RowFigures> results = new ArrayList<>();
        RowFigures naive = null;
        RowFigures fixed5 = null;
        try (WorkerHarness harness = WorkerHarness.start(scenario)) {
            for (int i = 0; i < rows.size(); i++) {
                RowFigures f = WorkerRow.run(harness, rows.get(i), BenchScenario.RowIds.of(i + 1));
                System.out.println(f.line());
                results.add(f);
            }
            if (baselines) {
                naive = BaselineRow.run(harness, headline, BenchScenario.RowIds.of(rows.size() + 1), true);
                System.out.println(naive.line());
                fixed5 = BaselineRow.run(harness, headline, BenchScenario.RowIds.of(rows.size() + 2), false);
                System.out.println(fixed5.line());
            }
        }
        RowFigures top = results.stream().filter(r -> r.row().equals(headline.name())).findFirst().orElseThrow();
        if (naive != null) {
            System.out.printf(Locale.ROOT, "ratios on %s (one run): naive/worker utilisation %.2f, 429s %.1f, polls "
                            + "%.2f, latency p50 %.2f p99 %.2f, CPU %.2f; fixed5/worker utilisation %.2f, 429s %.1f%n",
                    headline.name(), naive.capacityUtilisation() / top.capacityUtilisation(),
                    naive.throttledPer1000() / Math.max(0.1, top.throttledPer1000()),
                    naive.pollsPerExportOverMinimum() / top.pollsPerExportOverMinimum(),
                    naive.addedLatencyP50Ms() / (double) Math.max(1, top.addedLatencyP50Ms()),
                    naive.addedLatencyP99Ms() / (double) Math.max(1, top.addedLatencyP99Ms()),
                    naive.cpuMsPerExport() / Math.max(0.001, top.cpuMsPerExport()),
                    fixed5.capacityUtilisation() / top.capacityUtilisation(),
                    fixed5.throttledPer1000() / Math.max(0.1, top.throttledPer1000()));
        }
        ObjectNode out = top.json();
        if (naive != null) {
            out.set("naive", naive.json());
            out.set("fixed5", fixed5.json());
        }
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        results.forEach(r -> list.add(r.json()));
        out.set("rows", list);
        System.out.println(out.toString());
    }
}
