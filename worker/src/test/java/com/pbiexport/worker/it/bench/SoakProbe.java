package com.pbiexport.worker.it.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the soak reads from the worker JVM (a child process) each minute, from outside it:
 * <ul>
 *   <li>heap used after a full GC: {@code jcmd <pid> GC.run} (a full collection with the serial collector the
 *   worker JVM runs), then the worker's own {@code jvm_memory_used_bytes{area="heap"}} summed over its pools, scraped
 *   from its admin port right after;</li>
 *   <li>live threads: {@code jvm_threads_live_threads};</li>
 *   <li>open file descriptors: the entries of {@code /proc/<pid>/fd} (Linux);</li>
 *   <li>resident set size: {@code VmRSS} of {@code /proc/<pid>/status} (heap, metaspace, code, thread stacks, direct
 *   buffers: what the container's memory limit sees);</li>
 *   <li>each bounded cache's entries: {@code pbiexport_cache_entries{cache=...}}.</li>
 * </ul>
 */
final class SoakProbe {
    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} (\\S+)$",
            Pattern.MULTILINE);
    private static final Pattern THREADS = Pattern.compile("^jvm_threads_live_threads(?:\\{[^}]*})? (\\S+)$",
            Pattern.MULTILINE);
    private static final Pattern CACHE = Pattern.compile(
            "^pbiexport_cache_entries\\{[^}]*cache=\"([a-z_]+)\"[^}]*} (\\S+)$", Pattern.MULTILINE);
    private static final Pattern RSS = Pattern.compile("^VmRSS:\\s+(\\d+) kB$", Pattern.MULTILINE);

    /** One minute's reading of the worker JVM. */
    record Reading(double heapAfterGcMb, int liveThreads, int openFds, double rssMb, Map<String, Integer> caches,
                   long gcRunMillis) { }

    private final long pid;
    private final int adminPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    SoakProbe(long pid, int adminPort) {
        this.pid = pid;
        this.adminPort = adminPort;
    }

    Reading read() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        runGc();
        long gcMillis = (System.nanoTime() - t0) / 1_000_000;
        String metrics = scrape();
        return new Reading(heapMb(metrics), (int) first(THREADS, metrics), openFds(), rssMb(), caches(metrics),
                gcMillis);
    }

    /** {@code jcmd <pid> GC.run}: attaches through the JDK's attach mechanism (works without perf data). */
    private void runGc() throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("jcmd " + pid + " GC.run did not finish in 60 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " GC.run exited " + p.exitValue() + ": " + out.strip());
        }
    }

    private String scrape() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                + "/metrics")).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("/metrics answered " + r.statusCode());
        }
        return r.body();
    }

    static double heapMb(String metrics) {
        Matcher m = HEAP.matcher(metrics);
        double sum = 0;
        boolean any = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
            any = true;
        }
        return any ? sum / (1024.0 * 1024.0) : Double.NaN;
    }

    static Map<String, Integer> caches(String metrics) {
        Map<String, Integer> out = new LinkedHashMap<>();
        Matcher m = CACHE.matcher(metrics);
        while (m.find()) {
            out.put(m.group(1), (int) Double.parseDouble(m.group(2)));
        }
        return out;
    }

    private static double first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private int openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) fds.count();
        }
    }

    private double rssMb() throws IOException {
        String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
        Matcher m = RSS.matcher(status);
        return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : Double.NaN;
    }
}
