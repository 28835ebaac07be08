package com.pbiexport.worker.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.config.KafkaSettings;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.it.process.ConfigFile;
import com.pbiexport.worker.it.process.CrashLane;
import com.pbiexport.worker.it.process.WorkerProcess;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark (not a test, not in CI): the worker under steady load for an hour, watched for anything that grows.
 * The worker runs in a <b>child JVM</b> ({@link WorkerProcess}: {@code -Xmx256m}, serial GC, exactly-once delivery,
 * the demo configuration's contoso, fabrikam and northwind tenants, filesystem sink), so what is measured is the
 * worker alone; the devstack (embedded Kafka broker, Entra ID and Power BI simulators on the <b>realistic
 * profile</b>: latency on every call, Retry-After on about 2 polls in 3, rare lost answers, tokens living
 * {@value #TOKEN_LIFETIME_SECONDS} s so they are refreshed all along) and the load run in this JVM.
 * <p>
 * After {@code --warmup} minutes of load (default 2, not sampled), every minute for {@code --minutes} minutes
 * (default 60; {@code -Dsoak.minutes=N} too) at {@code --rate} requests per second (default 2; {@code -Dsoak.rate})
 * it samples ({@link SoakProbe}): heap used after a full GC, live threads, open file descriptors, RSS, every
 * {@code pbiexport_cache_entries} gauge, and this minute's latency p50/p99 (publication -> outcome seen by a
 * {@code read_committed} reader, completed requests, {@link SoakLoad} for the mix). One line per minute; the last
 * line of stdout is one JSON object: the samples, per series the least-squares slope per hour with its standard
 * error, the flatness threshold and a verdict ({@link SoakVerdict}, {@link SoakSeries}), and the request totals
 * (every request published must have exactly one outcome). {@code --judge FILE} judges a saved output again.
 * Run: see docs/RELIABILITY.md ("Soak").
 */
public final class SoakBench {
    static final long TOKEN_LIFETIME_SECONDS = 300;
    private static final long ROUND_MILLIS = 1000;
    private static final int PARTITIONS = 6;

    private SoakBench() {
    }

    public static void main(String[] args) throws Exception {
        int minutes = Integer.getInteger("soak.minutes", 60);
        double rate = Double.parseDouble(System.getProperty("soak.rate", "2"));
        int warmup = Integer.getInteger("soak.warmup", 2);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--minutes" -> minutes = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--judge" -> {
                    judge(Path.of(args[++i]));
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (--minutes N | --rate PER_SECOND | --warmup N | --judge FILE)");
            }
        }
        if (minutes < 1 || rate <= 0 || warmup < 0) {
            throw new IllegalArgumentException("--minutes must be >= 1, --rate > 0, --warmup >= 0");
        }
        Path dir = Files.createTempDirectory("soak-");
        System.out.printf(Locale.ROOT, "SoakBench: %d min (+%d warm-up) at %.2f requests/s; worker in a child JVM"
                        + " (-Xmx256m, serial GC); simulator profile realistic, render round %d ms, tokens live %d s;"
                        + " %d CPUs, load average %.1f at start; files and logs in %s%n", minutes, warmup, rate,
                ROUND_MILLIS, TOKEN_LIFETIME_SECONDS, Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), dir);
        Scenario scenario = Scenario.defaultScenario().withPageRenderMillis(ROUND_MILLIS)
                .withTokenLifetimeSeconds(TOKEN_LIFETIME_SECONDS);
        ObjectNode out;
        try (DevStack stack = DevStack.builder().scenario(scenario).kafka(true).start();
             CrashLane lane = CrashLane.create(stack, "soak", PARTITIONS);
             WorkerProcess worker = WorkerProcess.start("soak-worker", configFile(stack, lane, dir),
                     dir.resolve("logs"))) {
            worker.awaitReady(Duration.ofSeconds(180));
            SoakProbe probe = new SoakProbe(worker.pid(), worker.adminPort().orElseThrow());
            out = run(lane, probe, worker, minutes, warmup, rate);
        }
        System.out.println(out.toString());
    }

    private static ObjectNode run(CrashLane lane, SoakProbe probe, WorkerProcess worker, int minutes, int warmup,
                                  double rate) throws Exception {
        SoakLoad load = new SoakLoad(lane);
        ArrayNode samples = JsonNodeFactory.instance.arrayNode();
        ExecutorService sampler = Executors.newSingleThreadExecutor(r -> new Thread(r, "soak-sampler"));
        long periodNanos = (long) (1e9 / rate);
        long start = System.nanoTime();
        long sampling = start + TimeUnit.MINUTES.toNanos(warmup);
        long end = sampling + TimeUnit.MINUTES.toNanos(minutes);
        long nextDue = start;
        int nextMinute = 0;
        Future<SoakProbe.Reading> reading = null;
        int readingMinute = -1;
        List<Long> readingLatencies = List.of();
        try {
            while (true) {
                long now = System.nanoTime();
                if (reading != null && reading.isDone()) {
                    record(reading.get(), readingMinute, readingLatencies, load, samples);
                    reading = null;
                }
                if (now >= sampling + TimeUnit.MINUTES.toNanos(nextMinute) && nextMinute <= minutes
                        && reading == null) {
                    readingLatencies = nextMinute == 0 ? List.of() : load.takeLatencies();
                    if (nextMinute == 0) {
                        load.takeLatencies(); // the warm-up's
                    }
                    readingMinute = nextMinute++;
                    reading = sampler.submit(probe::read);
                }
                if (nextMinute > minutes && reading == null) {
                    break;
                }
                if (!worker.isAlive()) {
                    throw new IllegalStateException("the worker died; log " + worker.log() + ":\n"
                            + worker.logTail(40));
                }
                while (now < end && nextDue <= now) {
                    load.publishNext();
                    nextDue += periodNanos;
                }
                load.read();
            }
            Instant settleUntil = Instant.now().plus(Duration.ofMinutes(3));
            while (load.pending() > 0 && Instant.now().isBefore(settleUntil)) {
                load.read();
            }
            lane.readFor(Duration.ofSeconds(3));
        } finally {
            sampler.shutdownNow();
        }
        CrashLane.Tally tally = lane.tally(load.publishedIds());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("minutes", minutes);
        out.put("warmupMinutes", warmup);
        out.put("ratePerSecond", rate);
        out.set("requests", load.totals());
        out.put("duplicates", tally.duplicates());
        out.put("missing", tally.missing().size());
        out.put("deadLetters", tally.deadLetters());
        SoakVerdict.judge(samples, rate, out);
        out.set("samples", samples);
        return out;
    }

    private static void record(SoakProbe.Reading r, int minute, List<Long> latencies, SoakLoad load,
                               ArrayNode samples) {
        double l50 = SoakLoad.percentile(latencies, 50);
        double l99 = SoakLoad.percentile(latencies, 99);
        ObjectNode o = samples.addObject();
        o.put("minute", minute);
        SoakSeries.num(o, "heapAfterGcMb", r.heapAfterGcMb());
        o.put("liveThreads", r.liveThreads());
        o.put("openFds", r.openFds());
        SoakSeries.num(o, "rssMb", r.rssMb());
        SoakSeries.num(o, "latencyP50Ms", l50);
        SoakSeries.num(o, "latencyP99Ms", l99);
        o.put("completedThisMinute", latencies.size());
        o.put("published", load.published());
        o.put("pending", load.pending());
        ObjectNode c = o.putObject("caches");
        r.caches().forEach(c::put);
        System.out.printf(Locale.ROOT, "minute %3d: heap after GC %6.1f MB, threads %3d, fds %4d, RSS %6.1f MB, "
                        + "latency p50 %6.0f p99 %6.0f ms (%d completed), published %d, pending %d, caches %s"
                        + " (GC.run %d ms), load average %.1f%n", minute, r.heapAfterGcMb(), r.liveThreads(),
                r.openFds(), r.rssMb(), l50, l99, latencies.size(), load.published(), load.pending(), r.caches(),
                r.gcRunMillis(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /**
     * Judges a saved run again: {@code FILE}'s last line is a soak's JSON line; prints the series and, last, the same
     * JSON with {@code series} and {@code verdict} recomputed from its samples by today's {@link SoakVerdict}.
     */
    private static void judge(Path file) throws java.io.IOException {
        List<String> lines = Files.readAllLines(file);
        ObjectNode run = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(lines.get(lines.size() - 1));
        JsonNode samples = run.remove("samples");
        run.remove("series");
        SoakVerdict.judge(samples, run.path("ratePerSecond").asDouble(), run);
        run.set("samples", samples);
        System.out.println(run.toString());
    }

    /** The demo configuration on this devstack with the lane's topics and group: one instance. */
    private static Path configFile(DevStack stack, CrashLane lane, Path dir) {
        WorkerConfig demo = DemoStack.config(stack, dir.resolve("files"), lane.groupId());
        Map<String, TenantConfig> tenants = new LinkedHashMap<>();
        for (String alias : List.of(DemoStack.CONTOSO, DemoStack.FABRIKAM, DemoStack.NORTHWIND)) {
            tenants.put(alias, demo.tenants().get(alias));
        }
        WorkerConfig config = demo.withTenants(tenants).withTopics(lane.topics()).withInstanceId("soak-0")
                .withKafka(new KafkaSettings(stack.kafkaBootstrap(), lane.groupId(), Map.of(), Map.of(), Map.of()));
        return ConfigFile.write(config, Map.of(), dir.resolve("soak-0.json"));
    }
}
