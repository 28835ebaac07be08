package com.pbiexport.worker.it.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.it.Lane;
import com.pbiexport.worker.it.Outcome;
import com.pbiexport.worker.it.WorkerHarness;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Benchmark (not a test): the worker on the devstack with N concurrent exports of ONE tenant whose tokens live
 * shorter than the run. Prints, from the simulator's counters:
 * <ul>
 *   <li>token requests of that tenant per token lifetime (target: at most 2);</li>
 *   <li>status polls per export against the bound render time / Retry-After + 2.</li>
 * </ul>
 * Arguments (all optional): {@code jobs tokenLifetimeSeconds roundMillis pagesPerExport}, defaults 50 10 6000 25
 * (25 pages = 5 render rounds = 30 s per export). Run it as documented in docs/BENCHMARKS.md.
 */
public final class TokenAndPollBench {
    private static final String CONTOSO_TENANT_ID = "4a1f0c2e-0000-4000-a000-000000000001";
    private static final String SALES_WS = "3d5e0000-0000-4000-a000-000000000001";
    private static final String SALES_REPORT = "7e000000-0000-4000-a000-000000000001";

    private TokenAndPollBench() {
    }

    public static void main(String[] args) {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        long tokenLifetime = args.length > 1 ? Long.parseLong(args[1]) : 10;
        long roundMillis = args.length > 2 ? Long.parseLong(args[2]) : 6000;
        int pages = args.length > 3 ? Integer.parseInt(args[3]) : 25;
        Scenario scenario = Scenario.defaultScenario().withTokenLifetimeSeconds(tokenLifetime)
                .withPageRenderMillis(roundMillis);
        long retryAfterSeconds = scenario.pollRetryAfterSeconds();

        try (WorkerHarness harness = WorkerHarness.start(scenario); Lane lane = harness.lane("bench",
                // only the measured tenant: the worker keeps a token for every configured alias from start-up on,
                // and the demo's other aliases of contoso would count in contoso's token requests
                c -> c.withTenants(Map.of(DemoStack.CONTOSO, c.tenants().get(DemoStack.CONTOSO))))) {
            Counters counters = harness.stack().counters();
            lane.startWorker();
            // warm-up: one export so the group is joined and the first token fetched before measuring
            lane.publishAndAwait(request(1), Duration.ofSeconds(120)).completed();

            long tokensBefore = counters.get("tokenRequests." + CONTOSO_TENANT_ID);
            long pollsBefore = counters.get("polls");
            long startsBefore = counters.get("exportToCalls");
            Instant start = Instant.now();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                ids.add(lane.publish(request(pages)));
            }
            Map<String, Outcome> out = lane.awaitOutcomes(ids, Duration.ofMinutes(10));
            Duration run = Duration.between(start, Instant.now());

            long tokens = counters.get("tokenRequests." + CONTOSO_TENANT_ID) - tokensBefore;
            long polls = counters.get("polls") - pollsBefore;
            long starts = counters.get("exportToCalls") - startsBefore;
            long completed = out.values().stream().filter(Outcome::isCompleted).count();
            double avgRenderMs = out.values().stream().filter(Outcome::isCompleted)
                    .mapToLong(o -> o.completed().timings().renderMs()).average().orElse(0);
            long maxRenderMs = out.values().stream().filter(Outcome::isCompleted)
                    .mapToLong(o -> o.completed().timings().renderMs()).max().orElse(0);
            long boundRenderMs = ((pages + 4) / 5) * roundMillis;
            double lifetimes = run.toMillis() / (tokenLifetime * 1000.0);
            double pollsPerExport = polls / (double) jobs;
            double pollBound = boundRenderMs / (retryAfterSeconds * 1000.0) + 2;

            System.out.printf(Locale.ROOT, "jobs=%d completed=%d exportToCalls=%d run=%.1fs tokenLifetime=%ds "
                            + "renderRound=%dms pages=%d retryAfter=%ds%n", jobs, completed, starts,
                    run.toMillis() / 1000.0, tokenLifetime, roundMillis, pages, retryAfterSeconds);
            System.out.printf(Locale.ROOT, "token requests (tenant contoso): %d in %.2f lifetimes = %.2f per lifetime"
                    + " (target <= 2)%n", tokens, lifetimes, tokens / lifetimes);
            System.out.printf(Locale.ROOT, "status polls: %d total = %.2f per export; render %d ms (measured avg %.0f,"
                            + " max %d) / Retry-After %d s + 2 = %.1f (target: per export <= bound)%n", polls,
                    pollsPerExport, boundRenderMs, avgRenderMs, maxRenderMs, retryAfterSeconds, pollBound);
            boolean ok = completed == jobs && tokens / lifetimes <= 2 && pollsPerExport <= pollBound;
            System.out.println(ok ? "RESULT: within targets" : "RESULT: OUTSIDE targets");
        }
    }

    private static ExportRequested request(int pages) {
        ObjectNode cfg = JsonNodeFactory.instance.objectNode();
        ArrayNode list = cfg.putArray("pages");
        for (int i = 1; i <= pages; i++) {
            list.addObject().put("pageName", "ReportSection" + i);
        }
        return ExportRequested.builder("bench-" + UUID.randomUUID(), DemoStack.CONTOSO, SALES_WS, SALES_REPORT,
                ExportFormat.PDF).powerBIReportConfiguration(cfg).build();
    }
}
