package com.pbiexport.worker.it.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.app.WorkerApp;
import com.pbiexport.worker.auth.CredentialSource;
import com.pbiexport.worker.auth.MsalTokenSource;
import com.pbiexport.worker.auth.TenantCredentials;
import com.pbiexport.worker.auth.TokenPolicy;
import com.pbiexport.worker.config.CredentialConfig;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.it.Lane;
import com.pbiexport.worker.it.Outcome;
import com.pbiexport.worker.it.WorkerHarness;
import com.pbiexport.worker.powerbi.ExportJob;
import com.pbiexport.worker.powerbi.ExportStatus;
import com.pbiexport.worker.powerbi.ExportTarget;
import com.pbiexport.worker.powerbi.PowerBiClient;
import com.pbiexport.worker.powerbi.PowerBiEndpoint;
import com.pbiexport.worker.powerbi.PowerBiException;
import com.pbiexport.worker.powerbi.PowerBiFailure;
import com.pbiexport.worker.powerbi.PowerBiHttpSettings;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Benchmark (not a test): throughput at Power BI's limits. One run, three phases on one devstack (embedded Kafka +
 * simulator, scenario built in code: contoso's F64 capacity limited to {@code capacityLimit} concurrent exports,
 * northwind's F8 to 500, render round {@code roundMs}, {@code pages} pages per export, tokens living 30 s):
 * <ol>
 *   <li><b>worker</b>: {@code exports} requests of tenant contoso plus {@code exports / 10} of northwind, published
 *       at once, run by the worker (capacity-aware: AIMD limit starting at {@code capacityLimit}, fair
 *       admission, Retry-After honoured, polls placed at the forecast end of rendering);</li>
 *   <li><b>worker, Retry-After polls only</b>: the same worker and workload with
 *       {@code limits.forecastPolls=false}, so the two differ in poll placement alone;</li>
 *   <li><b>naive</b>: the same workload run the way the published samples do: a fixed pool of 64 threads, each
 *       start -> poll every 5 s -> download, a 429 retried after the same 5 s, no capacity awareness;</li>
 *   <li><b>scale</b>: 5,000 requests of northwind (published first) taken by a worker with
 *       {@code limits.maxInFlight=5000} (500 rendering at the capacity's limit, the rest waiting for admission);
 *       worker threads and JVM heap at the peak.</li>
 * </ol>
 * Prints, per strategy: capacity utilisation of contoso's capacity while it had a backlog (busy export-seconds at
 * the simulator / (limit x window) = exports/s / (limit / render time)), 429s per 1,000 exports, token requests per
 * tenant per token lifetime, status polls per export over the minimum implied by Retry-After (render time / 1 s),
 * added latency p50/p99 (simulator Succeeded -> outcome event's completedAt; naive: -> download done), CPU ms per
 * export (CPU time of the strategy's own threads), live threads, heap; also 429s per 1,000 after the phase's first
 * minute, how long after the simulator finished an export the worker saw it (p50) and the capacity's idle slot time
 * per export start. Last line: one JSON object (the worker's figures, {@code retryAfterPollsOnly} and {@code naive}).
 * <p>
 * Arguments (optional): {@code exports capacityLimit roundMs pages}, defaults 100 20 2000 25.
 * Run: see docs/BENCHMARKS.md ("Throughput at Power BI's limits").
 */
public final class CapacityBench {
    private static final String CONTOSO_TENANT_ID = "4a1f0c2e-0000-4000-a000-000000000001";
    private static final String NORTHWIND_TENANT_ID = "4a1f0c2e-0000-4000-a000-000000000003";
    private static final String CONTOSO_F64 = "ca000000-0000-4000-a000-000000000001";
    private static final String NORTHWIND_F8 = "ca000000-0000-4000-a000-000000000021";
    private static final String SALES_WS = "3d5e0000-0000-4000-a000-000000000001";
    private static final String SALES_REPORT = "7e000000-0000-4000-a000-000000000001";
    private static final String NORTHWIND_WS = "3d5e0000-0000-4000-a000-000000000021";
    private static final String NORTHWIND_REPORT = "7e000000-0000-4000-a000-000000000021";
    private static final long TOKEN_LIFETIME_SECONDS = 30;
    private static final Duration NAIVE_INTERVAL = Duration.ofSeconds(5);
    private static final int NAIVE_THREADS = 64;
    private static final int SCALE_EXPORTS = 5_000;
    private static final AtomicLong NAIVE_TASK_CPU_NANOS = new AtomicLong();

    private CapacityBench() {
    }

    /** What one strategy measured. */
    record Figures(double capacityUtilisation, double throttledPer1000, double tokenRequestsPerTenantLifetime,
                   double pollsPerExportOverMinimum, long addedLatencyP50Ms, long addedLatencyP99Ms,
                   double cpuMsPerExport, int liveThreads, long heapMb, int completed, int exports, double seconds,
                   double throttledPer1000AfterFirstMinute, long seenEndLagP50Ms, long idleGapMsPerStart) {

        Figures withThreadsAndHeap(int threads, long heap) {
            return new Figures(capacityUtilisation, throttledPer1000, tokenRequestsPerTenantLifetime,
                    pollsPerExportOverMinimum, addedLatencyP50Ms, addedLatencyP99Ms, cpuMsPerExport, threads, heap,
                    completed, exports, seconds, throttledPer1000AfterFirstMinute, seenEndLagP50Ms, idleGapMsPerStart);
        }

        String json() {
            return String.format(Locale.ROOT, "\"capacityUtilisation\":%.3f,\"throttledPer1000\":%.1f,"
                            + "\"tokenRequestsPerTenantLifetime\":%.2f,\"pollsPerExportOverMinimum\":%.2f,"
                            + "\"addedLatencyP50Ms\":%d,\"addedLatencyP99Ms\":%d,\"cpuMsPerExport\":%.1f,"
                            + "\"liveThreads\":%d,\"heapMb\":%d,\"completed\":%d,\"exports\":%d,\"seconds\":%.1f,"
                            + "\"throttledPer1000AfterFirstMinute\":%.1f,\"seenEndLagP50Ms\":%d,"
                            + "\"idleGapMsPerStart\":%d",
                    capacityUtilisation, throttledPer1000, tokenRequestsPerTenantLifetime, pollsPerExportOverMinimum,
                    addedLatencyP50Ms, addedLatencyP99Ms, cpuMsPerExport, liveThreads, heapMb, completed, exports,
                    seconds, throttledPer1000AfterFirstMinute, seenEndLagP50Ms, idleGapMsPerStart);
        }
    }

    /**
     * An export as the simulator saw it, when the strategy was done with it, and how long after its start the
     * strategy saw it finished ({@code renderMs} of the outcome's timings; -1 when the strategy does not say).
     */
    record Done(String tenant, String exportId, Instant doneAt, long renderMs) { }

    public static void main(String[] args) throws Exception {
        int exports = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int capacityLimit = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        long roundMs = args.length > 2 ? Long.parseLong(args[2]) : 2000;
        int pages = args.length > 3 ? Integer.parseInt(args[3]) : 25;
        long renderMs = roundMs / 2 + ((pages + 4) / 5) * roundMs; // NotStarted half a round, then the rounds
        Scenario scenario = scenario(capacityLimit, roundMs);
        System.out.printf(Locale.ROOT, "scenario: contoso F64 limited to %d concurrent exports, %d pages, render %d ms"
                        + " (round %d ms), Retry-After on polls 1 s, tokens live %d s; %d + %d exports per strategy%n",
                capacityLimit, pages, renderMs, roundMs, TOKEN_LIFETIME_SECONDS, exports, exports / 10);

        try (WorkerHarness harness = WorkerHarness.start(scenario)) {
            // the shipped worker first (the colder JVM), then the same worker polling at Retry-After spacing only
            Figures worker = runWorker(harness, "capbench", true, exports, capacityLimit, pages, renderMs);
            print("worker", worker);
            Figures plain = runWorker(harness, "capplain", false, exports, capacityLimit, pages, renderMs);
            print("worker, Retry-After polls only", plain);
            Figures naive = runNaive(harness, exports, capacityLimit, pages, renderMs);
            print("naive", naive);
            int[] scale = runScale(harness, pages);
            System.out.printf(Locale.ROOT, "scale: %d exports in flight on one worker (accepted, not finished; %d "
                    + "worker threads, %d MB heap (whole JVM incl. devstack, after GC)%n", scale[0], scale[1], scale[2]);
            Figures workerFinal = worker.withThreadsAndHeap(scale[1], scale[2]);
            System.out.printf(Locale.ROOT, "ratios Retry-After-only/worker: utilisation %.3f, idle gap per start "
                            + "%.2f, seen-end lag p50 %.2f, polls %.2f, cpu %.2f%n",
                    plain.capacityUtilisation() / worker.capacityUtilisation(),
                    plain.idleGapMsPerStart() / (double) Math.max(1, worker.idleGapMsPerStart()),
                    plain.seenEndLagP50Ms() / (double) Math.max(1, worker.seenEndLagP50Ms()),
                    plain.pollsPerExportOverMinimum() / worker.pollsPerExportOverMinimum(),
                    plain.cpuMsPerExport() / worker.cpuMsPerExport());
            System.out.printf(Locale.ROOT, "ratios naive/worker: utilisation %.2f, 429s %s, polls %.2f, latency p50 "
                            + "%.1f p99 %.1f, cpu %.2f%n",
                    naive.capacityUtilisation() / worker.capacityUtilisation(),
                    worker.throttledPer1000() == 0 ? "inf" : String.format(Locale.ROOT, "%.1f",
                            naive.throttledPer1000() / worker.throttledPer1000()),
                    naive.pollsPerExportOverMinimum() / worker.pollsPerExportOverMinimum(),
                    naive.addedLatencyP50Ms() / (double) Math.max(1, worker.addedLatencyP50Ms()),
                    naive.addedLatencyP99Ms() / (double) Math.max(1, worker.addedLatencyP99Ms()),
                    naive.cpuMsPerExport() / worker.cpuMsPerExport());
            System.out.println("{" + workerFinal.json() + ",\"scaleInFlight\":" + scale[0]
                    + ",\"retryAfterPollsOnly\":{" + plain.json() + "},\"naive\":{" + naive.json() + "}}");
        }
    }

    private static void print(String name, Figures f) {
        System.out.printf(Locale.ROOT, "%s: %d/%d completed in %.1f s; utilisation %.3f (target >= 0.95); 429s per "
                        + "1,000 exports %.1f (target < 10); tokens per tenant per lifetime %.2f; polls per export / "
                        + "minimum %.2f; added latency p50 %d ms p99 %d ms; CPU %.1f ms per export; threads %d; heap %d MB; "
                        + "429s per 1,000 after the first minute %.1f; end seen p50 %d ms after it happened; idle slot "
                        + "time per start %d ms%n",
                name, f.completed(), f.exports(), f.seconds(), f.capacityUtilisation(), f.throttledPer1000(),
                f.tokenRequestsPerTenantLifetime(), f.pollsPerExportOverMinimum(), f.addedLatencyP50Ms(),
                f.addedLatencyP99Ms(), f.cpuMsPerExport(), f.liveThreads(), f.heapMb(),
                f.throttledPer1000AfterFirstMinute(), f.seenEndLagP50Ms(), f.idleGapMsPerStart());
    }

    private static Figures runWorker(WorkerHarness harness, String laneName, boolean forecastPolls, int exports,
                                     int capacityLimit, int pages, long renderMs) throws Exception {
        // the two worker phases differ in limits.forecastPolls alone
        try (Lane lane = harness.lane(laneName, c -> onlyMeasured(c).withLimits(c.limits().withMaxInFlight(512)
                .withPollFallbackInterval(Duration.ofSeconds(1))
                .withCapacityLimits(10_000, capacityLimit, 500, 100).withForecastPolls(forecastPolls)))) {
            WorkerApp app = lane.startWorker();
            lane.publishAndAwait(request(DemoStack.NORTHWIND, 1), Duration.ofSeconds(120)).completed(); // warm-up
            Predicate<String> mine = n -> n.startsWith("export-") || n.equals("intake") || n.startsWith("token-")
                    || n.startsWith("admin-http") || n.contains(laneName);
            Sampler sampler = Sampler.start(mine, app::inFlight, harness.stack().counters());
            Snapshot before = Snapshot.take(harness.stack().counters(), mine);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < exports; i++) {
                ids.add(lane.publish(request(DemoStack.CONTOSO, pages)));
                if (i % 10 == 0) {
                    ids.add(lane.publish(request(DemoStack.NORTHWIND, pages)));
                }
            }
            Map<String, Outcome> out = lane.awaitOutcomes(ids, Duration.ofMinutes(10));
            Snapshot after = Snapshot.take(harness.stack().counters(), mine);
            sampler.stop();
            List<Done> done = new ArrayList<>();
            for (Outcome o : out.values()) {
                if (o.isCompleted()) {
                    ExportCompleted c = o.completed();
                    done.add(new Done(c.tenant(), c.exportId(), c.completedAt(),
                            c.timings() == null ? -1 : c.timings().renderMs()));
                }
            }
            return figures(harness, lane.config(), done, ids.size(), before, after, sampler, capacityLimit, renderMs);
        }
    }

    private static Figures runNaive(WorkerHarness harness, int exports, int capacityLimit, int pages, long renderMs)
            throws Exception {
        WorkerConfig config = DemoStack.config(harness.stack(), java.nio.file.Files.createTempDirectory("naive"),
                "naive");
        ScheduledExecutorService tokenTimers = Executors.newSingleThreadScheduledExecutor(named("naive-token"));
        Map<String, MsalTokenSource> tokens = new HashMap<>();
        Map<String, PowerBiClient> clients = new HashMap<>();
        for (String alias : List.of(DemoStack.CONTOSO, DemoStack.NORTHWIND)) {
            MsalTokenSource t = tokenSource(alias, config.tenants().get(alias), harness, tokenTimers);
            tokens.put(alias, t);
            clients.put(alias, new PowerBiClient(new PowerBiEndpoint(URI.create(harness.stack().powerBiUrl())), t,
                    PowerBiHttpSettings.defaults(), Clock.systemUTC()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(NAIVE_THREADS, named("naive-pool"));
        Predicate<String> mine = n -> n.startsWith("naive-");
        Sampler sampler = Sampler.start(mine, () -> 0, harness.stack().counters());
        Snapshot before = Snapshot.take(harness.stack().counters(), mine);
        List<Done> done = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failed = new AtomicInteger();
        int total = 0;
        for (int i = 0; i < exports; i++) {
            pool.execute(() -> naiveExport(clients.get(DemoStack.CONTOSO), DemoStack.CONTOSO, SALES_WS, SALES_REPORT,
                    pages, done, failed));
            total++;
            if (i % 10 == 0) {
                pool.execute(() -> naiveExport(clients.get(DemoStack.NORTHWIND), DemoStack.NORTHWIND, NORTHWIND_WS,
                        NORTHWIND_REPORT, pages, done, failed));
                total++;
            }
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        Snapshot after = Snapshot.take(harness.stack().counters(), mine);
        sampler.stop();
        Figures f = figures(harness, config, new ArrayList<>(done), total, before, after, sampler, capacityLimit,
                renderMs);
        clients.values().forEach(PowerBiClient::close);
        tokens.values().forEach(MsalTokenSource::close);
        tokenTimers.shutdownNow();
        return f;
    }

    /**
     * What the published samples do: start, then poll every fixed interval until a terminal state, then download;
     * a 429 is retried after the same fixed interval. Blocking a thread per export is the point of comparison.
     */
    private static void naiveExport(PowerBiClient client, String tenant, String ws, String report, int pages,
                                    List<Done> done, AtomicInteger failed) {
        long cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        try {
            naiveSteps(client, tenant, ws, report, pages, done, failed);
        } finally {
            // pool threads end before the final snapshot, so each task adds its own CPU time
            NAIVE_TASK_CPU_NANOS.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart);
        }
    }

    private static void naiveSteps(PowerBiClient client, String tenant, String ws, String report, int pages,
                                   List<Done> done, AtomicInteger failed) {
        ExportTarget target = new ExportTarget(ws, report);
        Instant giveUp = Instant.now().plus(Duration.ofMinutes(8));
        try {
            ExportJob job = null;
            while (job == null && Instant.now().isBefore(giveUp)) {
                try {
                    job = client.startExport(target, body(pages)).value();
                } catch (PowerBiException e) {
                    if (!(e.failure() instanceof PowerBiFailure.Http h && h.status() == 429)) {
                        throw e;
                    }
                    Thread.sleep(NAIVE_INTERVAL.toMillis()); // naive: fixed wait, Retry-After ignored
                }
            }
            while (job != null && !(job.status() instanceof ExportStatus.Succeeded)
                    && !(job.status() instanceof ExportStatus.Failed) && Instant.now().isBefore(giveUp)) {
                Thread.sleep(NAIVE_INTERVAL.toMillis()); // naive: fixed poll interval
                job = client.getExportStatus(target, job.id()).value();
            }
            if (job == null || !(job.status() instanceof ExportStatus.Succeeded)) {
                failed.incrementAndGet();
                return;
            }
            client.downloadFile(target, job, body -> {
                try (InputStream in = body.stream()) {
                    return in.transferTo(OutputStream.nullOutputStream());
                }
            });
            done.add(new Done(tenant, job.id(), Instant.now(), -1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failed.incrementAndGet();
        }
    }

    /**
     * Only the two tenants the bench loads: the worker fetches and refreshes a token for every configured tenant
     * from start-up on, and the demo's other aliases of contoso would count in contoso's token requests.
     */
    private static WorkerConfig onlyMeasured(WorkerConfig c) {
        Map<String, com.pbiexport.worker.config.TenantConfig> t = new java.util.LinkedHashMap<>();
        t.put(DemoStack.CONTOSO, c.tenants().get(DemoStack.CONTOSO));
        t.put(DemoStack.NORTHWIND, c.tenants().get(DemoStack.NORTHWIND));
        return c.withTenants(t);
    }

    /** 5,000 requests accepted at once: threads and heap while they are all in flight. */
    private static int[] runScale(WorkerHarness harness, int pages) throws Exception {
        try (Lane lane = harness.lane("capscale", c -> onlyMeasured(c).withLimits(c.limits().withMaxInFlight(SCALE_EXPORTS)
                .withPollFallbackInterval(Duration.ofSeconds(1))
                .withCapacityLimits(SCALE_EXPORTS, 500, 500, 100)))) {
            // published before the worker starts, so it takes them all at once (10 render rounds each: 500 render,
            // none finishes while we count)
            for (int i = 0; i < SCALE_EXPORTS; i++) {
                lane.publish(request(DemoStack.NORTHWIND, 50));
            }
            WorkerApp app = lane.startWorker();
            Predicate<String> mine = n -> n.startsWith("export-") || n.equals("intake") || n.startsWith("token-")
                    || n.startsWith("admin-http") || n.contains("capscale");
            int peak = 0;
            int threads = 0;
            long heap = 0;
            Instant until = Instant.now().plusSeconds(60);
            while (Instant.now().isBefore(until)) {
                int now = app.inFlight();
                if (now > peak) {
                    peak = now;
                    threads = countThreads(mine);
                }
                if (peak >= SCALE_EXPORTS) {
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(200); // the bench's own sampling loop, bounded by `until`
            }
            System.gc();
            heap = heapMb();
            return new int[] {peak, Math.max(threads, countThreads(mine)), (int) heap};
        }
    }

    private static Figures figures(WorkerHarness harness, WorkerConfig config, List<Done> done, int exports,
                                   Snapshot before, Snapshot after, Sampler sampler, int capacityLimit,
                                   long renderMs) {
        Map<String, ExportJob> sim = simulatorJobs(harness, config, done);
        // utilisation: busy export-seconds on contoso's capacity while it had a backlog (from the first start to
        // the last start), over limit x that window
        List<ExportJob> contoso = done.stream().filter(d -> d.tenant().equals(DemoStack.CONTOSO))
                .map(d -> sim.get(d.exportId())).filter(j -> j != null && j.createdDateTime().isPresent()
                        && j.lastActionDateTime().isPresent()).toList();
        Instant from = contoso.stream().map(j -> j.createdDateTime().get()).min(Instant::compareTo).orElse(Instant.now());
        Instant to = contoso.stream().map(j -> j.createdDateTime().get()).max(Instant::compareTo).orElse(from);
        double busy = 0;
        for (ExportJob j : contoso) {
            Instant s = max(j.createdDateTime().get(), from);
            Instant e = min(j.lastActionDateTime().get(), to);
            if (e.isAfter(s)) {
                busy += Duration.between(s, e).toMillis();
            }
        }
        double window = Math.max(1, Duration.between(from, to).toMillis());
        double utilisation = busy / (capacityLimit * window);
        // the capacity's idle slot time in that window, per export started in it: the time between one export
        // ending at the simulator and the next one starting on its slot, on average
        long startsInWindow = contoso.stream().filter(j -> j.createdDateTime().get().isBefore(to)).count();
        long idleGapPerStart = Math.round((capacityLimit * window - busy) / Math.max(1, startsInWindow));
        // how long after the simulator finished an export the strategy saw it finished (start + renderMs - end)
        List<Long> seenLags = new ArrayList<>();
        for (Done d : done) {
            ExportJob j = sim.get(d.exportId());
            if (d.renderMs() >= 0 && j != null && j.createdDateTime().isPresent() && j.lastActionDateTime().isPresent()) {
                seenLags.add(Duration.between(j.lastActionDateTime().get(),
                        j.createdDateTime().get().plusMillis(d.renderMs())).toMillis());
            }
        }
        Collections.sort(seenLags);

        List<Long> latencies = new ArrayList<>();
        // the simulator's timestamps are on its (realistically skewed) server clock; doneAt is on ours
        Duration skew = harness.stack().realism().clockSkew();
        for (Done d : done) {
            ExportJob j = sim.get(d.exportId());
            if (j != null && j.lastActionDateTime().isPresent()) {
                latencies.add(Math.max(0, Duration.between(j.lastActionDateTime().get().minus(skew), d.doneAt())
                        .toMillis()));
            }
        }
        Collections.sort(latencies);
        long p50 = percentile(latencies, 0.50);
        long p99 = percentile(latencies, 0.99);
        double seconds = Duration.between(before.at(), after.at()).toMillis() / 1000.0;
        double lifetimes = seconds / TOKEN_LIFETIME_SECONDS;
        double tokens = ((after.tokensContoso() - before.tokensContoso())
                + (after.tokensNorthwind() - before.tokensNorthwind())) / 2.0;
        double polls = after.polls() - before.polls();
        double minimumPolls = Math.ceil(renderMs / 1000.0) * Math.max(1, done.size());
        double throttled = after.throttled() - before.throttled();
        long atOneMinute = sampler.throttledAtOneMinute() < 0 ? after.throttled() : sampler.throttledAtOneMinute();
        double throttledAfterFirstMinute = after.throttled() - atOneMinute;
        double cpu = (after.cpuNanos() - before.cpuNanos() + after.taskCpuNanos() - before.taskCpuNanos()) / 1e6;
        return new Figures(utilisation, throttled * 1000.0 / Math.max(1, done.size()), tokens / lifetimes,
                polls / minimumPolls, p50, p99, cpu / Math.max(1, done.size()), sampler.maxThreads(), heapMb(),
                done.size(), exports, seconds, throttledAfterFirstMinute * 1000.0 / Math.max(1, done.size()),
                seenLags.isEmpty() ? -1 : percentile(seenLags, 0.50), idleGapPerStart);
    }

    /** The simulator's record of each export (created, Succeeded at), read after the measurement. */
    private static Map<String, ExportJob> simulatorJobs(WorkerHarness harness, WorkerConfig config, List<Done> done) {
        Map<String, ExportJob> out = new ConcurrentHashMap<>();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(named("bench-token"));
        Map<String, MsalTokenSource> tokens = new HashMap<>();
        try {
            for (Done d : done) {
                MsalTokenSource t = tokens.computeIfAbsent(d.tenant(),
                        a -> tokenSource(a, config.tenants().get(a), harness, timers));
                try (PowerBiClient c = new PowerBiClient(new PowerBiEndpoint(URI.create(harness.stack().powerBiUrl())),
                        t, PowerBiHttpSettings.defaults(), Clock.systemUTC())) {
                    String ws = d.tenant().equals(DemoStack.CONTOSO) ? SALES_WS : NORTHWIND_WS;
                    String report = d.tenant().equals(DemoStack.CONTOSO) ? SALES_REPORT : NORTHWIND_REPORT;
                    out.put(d.exportId(), c.getExportStatus(new ExportTarget(ws, report), d.exportId()).value());
                } catch (RuntimeException e) {
                    // an export the simulator no longer knows is left out of the latency figures
                }
            }
        } finally {
            tokens.values().forEach(MsalTokenSource::close);
            timers.shutdownNow();
        }
        return out;
    }

    private static MsalTokenSource tokenSource(String alias, TenantConfig t, WorkerHarness harness,
                                               ScheduledExecutorService timers) {
        String secret = ((CredentialConfig.Secret) t.credential()).value().orElseThrow();
        TenantCredentials credentials = new TenantCredentials(alias, t.tenantId(), t.clientId(),
                URI.create("https://" + t.cloud().authorityHost()), t.effectiveScope(),
                new CredentialSource.Secret(() -> secret), Optional.of(URI.create(harness.stack().entraUrl())));
        return new MsalTokenSource(credentials, TokenPolicy.defaults(), Clock.systemUTC(), timers);
    }

    /** Simulator counters and the strategy's CPU time at one moment. */
    record Snapshot(Instant at, long polls, long throttled, long tokensContoso, long tokensNorthwind, long cpuNanos,
                    long taskCpuNanos) {
        static Snapshot take(Counters c, Predicate<String> threads) {
            return new Snapshot(Instant.now(), c.get("polls"), c.get("throttled429"),
                    c.get("tokenRequests." + CONTOSO_TENANT_ID), c.get("tokenRequests." + NORTHWIND_TENANT_ID),
                    CapacityBench.cpuNanos(threads), NAIVE_TASK_CPU_NANOS.get());
        }
    }

    /** Samples the strategy's live threads every 200 ms (its own daemon thread, not counted). */
    static final class Sampler {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(named("sampler"));
        private final AtomicInteger maxThreads = new AtomicInteger();
        private final AtomicLong maxInFlight = new AtomicLong();
        private final AtomicLong throttledAtOneMinute = new AtomicLong(-1);

        static Sampler start(Predicate<String> threads, java.util.function.IntSupplier inFlight, Counters counters) {
            Sampler s = new Sampler();
            s.timer.scheduleAtFixedRate(() -> {
                s.maxThreads.accumulateAndGet(countThreads(threads), Math::max);
                s.maxInFlight.accumulateAndGet(inFlight.getAsInt(), Math::max);
            }, 0, 200, TimeUnit.MILLISECONDS);
            // the 429 target counts after the first minute: remember the counter at that moment
            s.timer.schedule(() -> s.throttledAtOneMinute.set(counters.get("throttled429")), 60, TimeUnit.SECONDS);
            return s;
        }

        /** The simulator's 429 counter one minute into the phase; -1 when the phase ended sooner. */
        long throttledAtOneMinute() {
            return throttledAtOneMinute.get();
        }

        void stop() {
            timer.shutdownNow();
        }

        int maxThreads() {
            return maxThreads.get();
        }
    }

    private static int countThreads(Predicate<String> names) {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> names.test(t.getName())).count();
    }

    private static long cpuNanos(Predicate<String> names) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (names.test(t.getName())) {
                long n = mx.getThreadCpuTime(t.getId());
                sum += Math.max(0, n);
            }
        }
        return sum;
    }

    private static long heapMb() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
    }

    private static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Scenario scenario(int capacityLimit, long roundMs) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root;
        try (InputStream in = Scenario.class.getResourceAsStream("/scenarios/default.json")) {
            root = (ObjectNode) json.readTree(in);
        }
        root.put("pageRenderMillis", roundMs);
        root.put("tokenLifetimeSeconds", TOKEN_LIFETIME_SECONDS);
        root.withArray("tenants").forEach(t -> {
            if (t.path("id").asText().equals(NORTHWIND_TENANT_ID)) {
                // the default scenario disables service principals there (a misconfiguration case): enable them
                ((ObjectNode) t).putObject("settings").put("servicePrincipalsCanUseApis", true)
                        .put("exportPdfPptx", true).put("exportImages", true);
            }
        });
        root.withArray("tenants").forEach(t -> t.withArray("capacities").forEach(c -> {
            String id = c.path("id").asText();
            if (id.equals(CONTOSO_F64)) {
                ((ObjectNode) c).put("maxConcurrentExports", capacityLimit);
            } else if (id.equals(NORTHWIND_F8)) {
                ((ObjectNode) c).put("maxConcurrentExports", 500);
            }
        }));
        try {
            return Scenario.read(new ByteArrayInputStream(json.writeValueAsBytes(root))).validated();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode body(int pages) {
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

    private static ExportRequested request(String tenant, int pages) {
        ObjectNode cfg = JsonNodeFactory.instance.objectNode();
        cfg.set("pages", pageList(pages));
        boolean contoso = tenant.equals(DemoStack.CONTOSO);
        return ExportRequested.builder("bench-" + UUID.randomUUID(), tenant, contoso ? SALES_WS : NORTHWIND_WS,
                contoso ? SALES_REPORT : NORTHWIND_REPORT, ExportFormat.PDF).powerBIReportConfiguration(cfg).build();
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
