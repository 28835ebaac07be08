package com.pbiexport.worker.it.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.it.Outcome;
import com.pbiexport.worker.it.ScenarioIds;
import com.pbiexport.worker.it.process.CrashLane;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The soak's steady load and what it sees: requests published at a fixed rate on the lane's own thread, and each
 * request's latency from its publication to its outcome as a {@code read_committed} reader sees it (the reader
 * polls 200 ms at a time, so a latency is late by up to about that). The mix repeats every 20 requests, like a
 * day's traffic of a few teams:
 * <ul>
 *   <li>16 of 20: contoso's Sales Overview as PDF, 5, 10 or 15 pages (1-3 render rounds);</li>
 *   <li>2 of 20: fabrikam's report as PDF (another tenant: its own token, rate bucket and capacity);</li>
 *   <li>1 of 20: a contoso report that does not exist, a new id each time (fails {@code REPORT_NOT_FOUND} or
 *   similar, after the target probe looked it up: its cache sees a new key every time);</li>
 *   <li>1 of 20: northwind, whose tenant setting forbids service principals (fails classified, after the
 *   workspace probe).</li>
 * </ul>
 * Latencies are kept for completed requests only; failures are counted by error code. Not thread-safe.
 */
final class SoakLoad {
    private final CrashLane lane;
    private final List<String> published = new ArrayList<>();
    /** requestId -> System.nanoTime() at publication, until its outcome is seen. */
    private final Map<String, Long> pending = new LinkedHashMap<>();
    private final List<Long> latencyMillis = new ArrayList<>();
    private final Map<String, Integer> failures = new TreeMap<>();
    private int completed;

    SoakLoad(CrashLane lane) {
        this.lane = lane;
    }

    /** Publishes the next request of the mix. */
    void publishNext() {
        ExportRequested r = request(published.size());
        lane.publish(r);
        published.add(r.requestId());
        pending.put(r.requestId(), System.nanoTime());
    }

    /** Reads once (up to 200 ms) and settles the requests whose outcome arrived. */
    void read() {
        if (pending.isEmpty()) {
            lane.readNow();
            return;
        }
        Set<String> missing = lane.awaitOutcomes(pending.keySet(), Duration.ZERO);
        long now = System.nanoTime();
        for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (missing.contains(e.getKey())) {
                continue;
            }
            Outcome o = lane.outcomeOf(e.getKey());
            if (o.isCompleted()) {
                completed++;
                latencyMillis.add((now - e.getValue()) / 1_000_000);
            } else {
                failures.merge(o.failed().error().code(), 1, Integer::sum);
            }
            it.remove();
        }
    }

    /** The latencies seen since the last call (completed requests, milliseconds), then forgets them. */
    List<Long> takeLatencies() {
        List<Long> out = List.copyOf(latencyMillis);
        latencyMillis.clear();
        return out;
    }

    int published() {
        return published.size();
    }

    int pending() {
        return pending.size();
    }

    List<String> publishedIds() {
        return published;
    }

    ObjectNode totals() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("published", published.size());
        o.put("completed", completed);
        ObjectNode f = o.putObject("failedByCode");
        failures.forEach(f::put);
        o.put("withoutOutcome", pending.size());
        return o;
    }

    /** Percentile (nearest rank) of {@code values}; NaN when empty. */
    static double percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static ExportRequested request(int n) {
        int slot = n % 20;
        String id = "soak-" + n + "-" + UUID.randomUUID().toString().substring(0, 8);
        if (slot == 0) {
            return ExportRequested.builder(id, DemoStack.CONTOSO, ScenarioIds.SALES_WS,
                    UUID.randomUUID().toString(), ExportFormat.PDF).build();
        }
        if (slot == 10) {
            return ExportRequested.builder(id, DemoStack.NORTHWIND, ScenarioIds.NORTHWIND_WS,
                    ScenarioIds.NORTHWIND_REPORT, ExportFormat.PDF).build();
        }
        if (slot == 5 || slot == 15) {
            return ExportRequested.builder(id, DemoStack.FABRIKAM, ScenarioIds.FABRIKAM_WS,
                    ScenarioIds.FABRIKAM_REPORT, ExportFormat.PDF).build();
        }
        return ExportRequested.builder(id, DemoStack.CONTOSO, ScenarioIds.SALES_WS, ScenarioIds.SALES_REPORT,
                ExportFormat.PDF).powerBIReportConfiguration(pages(5 * (1 + n % 3))).build();
    }

    private static ObjectNode pages(int count) {
        ObjectNode cfg = JsonNodeFactory.instance.objectNode();
        ArrayNode list = cfg.putArray("pages");
        for (int i = 1; i <= count; i++) {
            list.addObject().put("pageName", "ReportSection" + i);
        }
        return cfg;
    }
}
