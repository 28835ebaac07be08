package com.pbiexport.devstack.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.scenario.Scenario;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures what the simulator sustains on this machine: starts the devstack without Kafka, starts
 * {@code --exports} concurrent exports on the default F64 capacity (limit 500), then hammers status polls
 * from {@code --clients} threads sharing one JDK HttpClient for {@code --seconds}, and prints polls/s, the
 * concurrent exports reached (counter {@code maxConcurrentExports.<capacity>}) and poll latency p50/p99.
 * Client and server share the machine's cores, so the figures are a lower bound for the server.
 *
 * <p>A benchmark, not a test nor part of the devstack's jar: it lives with the tests and runs from the test
 * classpath (command in docs/BENCHMARKS.md):
 * <pre>java -cp "$(cat devstack/target/cp.txt):devstack/target/test-classes:devstack/target/classes" \
 *     com.pbiexport.devstack.bench.SimulatorBench [--exports 500] [--seconds 20] [--clients 32]</pre>
 */
public final class SimulatorBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CAPACITY = "ca000000-0000-4000-a000-000000000001";
    private static final int WARMUP_SECONDS = 3;

    private SimulatorBench() { }

    public static void main(String[] args) throws Exception {
        // with 2 cores the common pool has parallelism 1, and CompletableFuture then starts a new thread per
        // async stage (the JDK HttpClient has some): give it real threads (must happen before first use)
        if (System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
            System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "4");
        }
        int exports = intArg(args, "--exports", 500);
        int seconds = intArg(args, "--seconds", 20);
        int clients = intArg(args, "--clients", 32);
        // realistic (default): what a client sees, latency included; clean: the simulator's own capacity
        com.pbiexport.devstack.sim.SimProfile profile = com.pbiexport.devstack.sim.SimProfile.parse(
                strArg(args, "--profile", "realistic")).orElseThrow(() -> new IllegalArgumentException(
                "--profile must be realistic or clean"));
        // one render round outlasts the run, so every export is still Running while it is polled
        long roundMillis = (WARMUP_SECONDS + seconds + 60) * 1000L;
        Scenario scenario = Scenario.defaultScenario().withPageRenderMillis(roundMillis);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(pool).build();
        try (DevStack stack = DevStack.builder().scenario(scenario).kafka(false).profile(profile).start()) {
            System.out.printf("profile %s%n", profile.wireName());
            DevStack.Defaults d = stack.defaults();
            String token = token(http, stack);
            String reportUrl = stack.powerBiUrl() + "/v1.0/myorg/groups/" + d.workspaceId() + "/reports/" + d.reportId();

            List<String> ids = startExports(http, reportUrl, token, exports);
            stack.refreshGauges();
            long concurrent = stack.counters().get("maxConcurrentExports." + CAPACITY);
            System.out.printf("started %d exports (%d accepted), concurrent exports on the capacity: %d%n",
                    exports, ids.size(), concurrent);
            if (ids.isEmpty()) {
                throw new IllegalStateException("no export was accepted");
            }

            long cpuBefore = serverCpuNanos();
            Result r = poll(http, reportUrl, token, ids, clients, seconds);
            long serverCpu = serverCpuNanos() - cpuBefore;
            stack.refreshGauges();
            long stillRunning = stack.counters().get("concurrentExports." + CAPACITY);
            System.out.printf("polls: %d in %d s = %.0f polls/s (errors %d), clients %d%n",
                    r.count, seconds, r.count / (double) seconds, r.errors, clients);
            System.out.printf("poll latency ms: p50 %.2f, p99 %.2f, max %.2f%n",
                    r.percentile(50), r.percentile(99), r.percentile(100));
            // load-independent figure: what one poll costs the server's threads (handler pool + dispatcher)
            System.out.printf("server CPU per poll: %.1f us (Power BI handler threads + HTTP dispatchers)%n",
                    serverCpu / 1e3 / Math.max(1, r.count + r.warmupCount));
            System.out.printf("max concurrent exports: %d, still running at the end: %d%n",
                    stack.counters().get("maxConcurrentExports." + CAPACITY), stillRunning);
        } finally {
            pool.shutdownNow();
        }
    }

    private static String token(HttpClient http, DevStack stack) throws Exception {
        DevStack.Defaults d = stack.defaults();
        String form = "grant_type=client_credentials&client_id=" + d.clientId() + "&client_secret="
                + URLEncoder.encode(d.clientSecret(), StandardCharsets.UTF_8) + "&scope="
                + URLEncoder.encode("https://analysis.windows.net/powerbi/api/.default", StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create(stack.entraUrl() + "/" + d.tenantId() + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("token request failed: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).path("access_token").asText();
    }

    /** Starts the exports all at once (asynchronously) and returns the ids of those accepted. */
    private static List<String> startExports(HttpClient http, String reportUrl, String token, int n) {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(reportUrl + "/ExportTo"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"format\":\"PDF\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<String> ids = new ArrayList<>();
        int throttled = 0;
        int lost = 0;
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            HttpResponse<String> r;
            try {
                r = c.orTimeout(90, TimeUnit.SECONDS).join();
            } catch (java.util.concurrent.CompletionException noAnswer) {
                lost++; // the realistic profile's transport faults: a dropped, lost or stalled answer
                continue;
            }
            if (r.statusCode() == 202) {
                try {
                    ids.add(JSON.readTree(r.body()).path("id").asText());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            } else if (r.statusCode() == 429) {
                throttled++;
            } else {
                throw new IllegalStateException("ExportTo answered " + r.statusCode() + ": " + r.body());
            }
        }
        if (throttled > 0) {
            System.out.printf("%d exports throttled (429)%n", throttled);
        }
        if (lost > 0) {
            System.out.printf("%d ExportTo calls got no answer (transport faults)%n", lost);
        }
        return ids;
    }

    /** CPU time so far of the server side: the Power BI handler pool and the HttpServer dispatcher threads. */
    private static long serverCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith("devstack-powerbi-")
                    || info.getThreadName().equals("HTTP-Dispatcher"))) {
                sum += Math.max(0, mx.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    private record Result(long count, long warmupCount, long errors, long[] latenciesNanos) {
        double percentile(int p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.min(latenciesNanos.length - 1, Math.ceil(p / 100.0 * latenciesNanos.length) - 1);
            return latenciesNanos[Math.max(0, i)] / 1e6;
        }
    }

    /** Synchronous polls from {@code clients} threads; the first seconds warm up and are not counted. */
    private static Result poll(HttpClient http, String reportUrl, String token, List<String> ids, int clients,
                               int seconds) throws InterruptedException {
        long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(WARMUP_SECONDS);
        long end = warmEnd + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong errors = new AtomicLong();
        List<long[]> perThread = new ArrayList<>();
        long[] counts = new long[clients];
        AtomicLong warmupPolls = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            long[][] holder = {new long[16_384]};
            int index = t;
            perThread.add(null);
            Thread th = new Thread(() -> {
                long[] lat = holder[0];
                int n = 0;
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                    String id = ids.get(rnd.nextInt(ids.size()));
                    HttpRequest req = HttpRequest.newBuilder(URI.create(reportUrl + "/exports/"
                            + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8)))  // base64 ids hold / + =
                            .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build();
                    long t0 = System.nanoTime();
                    boolean ok;
                    try {
                        int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                        ok = status == 200 || status == 202;
                    } catch (Exception e) {
                        ok = false;
                    }
                    long t1 = System.nanoTime();
                    if (t0 < warmEnd) {
                        warmupPolls.incrementAndGet();
                    } else {
                        if (!ok) {
                            errors.incrementAndGet();
                        }
                        if (n == lat.length) {
                            lat = Arrays.copyOf(lat, n * 2);
                        }
                        lat[n++] = t1 - t0;
                    }
                }
                synchronized (perThread) {
                    perThread.set(index, Arrays.copyOf(lat, n));
                    counts[index] = n;
                }
            }, "bench-poller-" + t);
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join(TimeUnit.SECONDS.toMillis(WARMUP_SECONDS + seconds + 30));
        }
        synchronized (perThread) {
            long total = Arrays.stream(counts).sum();
            long[] all = perThread.stream().filter(a -> a != null).flatMapToLong(Arrays::stream).sorted().toArray();
            return new Result(total, warmupPolls.get(), errors.get(), all);
        }
    }

    private static String strArg(String[] args, String name, String def) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return def;
    }

    private static int intArg(String[] args, String name, int def) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return def;
    }
}
