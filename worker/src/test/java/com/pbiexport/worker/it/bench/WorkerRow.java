package com.pbiexport.worker.it.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.app.WorkerApp;
import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.it.Lane;
import com.pbiexport.worker.it.Outcome;
import com.pbiexport.worker.it.WorkerHarness;
import com.pbiexport.worker.powerbi.ExportTarget;
import io.micrometer.core.instrument.Gauge;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The worker on one row: its shipped limits ({@link Limits#defaults()}: nothing about the capacity told), requests
 * of tenant contoso for the row's workspace published so that the capacity always has a backlog, for the row's
 * window; then the figures of what finished inside the window.
 */
final class WorkerRow {
    private WorkerRow() {
    }

    static RowFigures run(WorkerHarness harness, BenchRow row, BenchScenario.RowIds ids) throws Exception {
        String laneName = "cap" + ids.index();
        try (Lane lane = harness.lane(laneName, c -> onlyContoso(c).withLimits(Limits.defaults()))) {
            WorkerApp app = lane.startWorker();
            // warm-up on another capacity (1 page): the JVM's first export does not count in the row
            lane.publishAndAwait(request(BenchScenario.SALES_WS, BenchScenario.SALES_REPORT, 1), Duration.ofMinutes(2))
                    .completed();
            int maxInFlight = lane.config().limits().maxInFlight();
            int initial = lane.config().limits().capacityInitialConcurrency();
            Predicate<String> mine = n -> n.startsWith("export-") || n.equals("intake") || n.startsWith("token-")
                    || n.startsWith("admin-http") || n.contains(laneName);
            RowSampler sampler = RowSampler.start(harness.stack(), ids.capacityId(), BenchScenario.CONTOSO_TENANT_ID,
                    () -> Math.min(maxInFlight, limitGauge(app, ids, initial)), mine);
            long cpuBefore = RowSampler.cpuNanos(mine);
            List<String> published = new ArrayList<>();
            Map<String, List<Outcome>> outcomes = new LinkedHashMap<>();
            int n = 0;
            while (sampler.elapsedMs() < row.seconds() * 1000L) {
                while (published.size() - outcomes.size() < row.backlog()) {
                    published.add(lane.publish(request(ids.workspaceId(), ids.reportId(), row.pages(n++))));
                }
                outcomes = lane.allOutcomes(Duration.ofMillis(500));
            }
            Instant end = Instant.now();
            List<RowSampler.Sample> samples = sampler.stop();
            long cpu = RowSampler.cpuNanos(mine) - cpuBefore;
            List<RowMeasure.Done> done = new ArrayList<>();
            int failed = 0;
            for (String id : published) {
                List<Outcome> o = outcomes.get(id);
                if (o == null || o.isEmpty()) {
                    continue;
                }
                if (o.get(0).isCompleted()) {
                    ExportCompleted c = o.get(0).completed();
                    if (!c.completedAt().isAfter(end)) {
                        done.add(new RowMeasure.Done(c.exportId(), c.completedAt()));
                    }
                } else {
                    failed++;
                }
            }
            int threads = samples.stream().mapToInt(RowSampler.Sample::threads).max().orElse(0);
            TenantConfig contoso = lane.config().tenants().get(DemoStack.CONTOSO);
            return RowMeasure.figures(harness, contoso, DemoStack.CONTOSO,
                    new ExportTarget(ids.workspaceId(), ids.reportId()), row, "worker", samples, done, failed, cpu,
                    threads);
        }
    }

    /**
     * The worker's concurrency limit for the capacity (its limiter key {@code capacity:<id>}, or {@code workspace:<id>}
     * when the look-up failed); its initial value until it first starts an export there.
     */
    private static int limitGauge(WorkerApp app, BenchScenario.RowIds ids, int initial) {
        for (String key : List.of("capacity:" + ids.capacityId(), "workspace:" + ids.workspaceId())) {
            Gauge g = app.registry().find("pbiexport.capacity.concurrency.limit").tag("capacity", key).gauge();
            if (g != null) {
                return (int) g.value();
            }
        }
        return initial;
    }

    /** Only contoso: the worker fetches and refreshes a token for every configured tenant. */
    static WorkerConfig onlyContoso(WorkerConfig c) {
        Map<String, TenantConfig> t = new LinkedHashMap<>();
        t.put(DemoStack.CONTOSO, c.tenants().get(DemoStack.CONTOSO));
        return c.withTenants(t);
    }

    static ExportRequested request(String workspaceId, String reportId, int pages) {
        ObjectNode cfg = JsonNodeFactory.instance.objectNode();
        cfg.set("pages", pageList(pages));
        return ExportRequested.builder("bench-" + UUID.randomUUID(), DemoStack.CONTOSO, workspaceId, reportId,
                ExportFormat.PDF).powerBIReportConfiguration(cfg).build();
    }

    static ObjectNode body(int pages) {
        ObjectNode b = JsonNodeFactory.instance.objectNode().put("format", "PDF");
        b.putObject("powerBIReportConfiguration").set("pages", pageList(pages));
        return b;
    }

    private static ArrayNode pageList(int pages) {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (int i = 1; i <= pages; i++) {
            list.addObject().put("pageName", "ReportSection" + i);
        }
        return list;
    }
}
