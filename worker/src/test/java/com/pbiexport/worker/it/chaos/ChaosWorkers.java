package com.pbiexport.worker.it.chaos;

import com.pbiexport.worker.it.process.WorkerProcess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * The chaos run's worker JVMs, by slot. Every JVM gets its own instance id ({@code <prefix>-w<slot>-<n>}), so the
 * {@code ce_source} of an outcome names the JVM that published it and its meters can be compared with its events.
 * Faults on a slot run on that slot's own thread, in order (kill, wait, start a new JVM), so the schedule never
 * waits for a worker. Before a JVM is stopped its {@code /metrics} is scraped: right before a SIGKILL, and
 * repeatedly during a SIGTERM's drain until the admin port stops answering (the last answer counts).
 */
final class ChaosWorkers implements AutoCloseable {
    private static final Pattern OUTCOME = Pattern.compile(
            "^pbiexport_outcomes_total\\{([^}]*)} ([0-9.eE+]+)$", Pattern.MULTILINE);
    private static final Pattern RESULT = Pattern.compile("result=\"([a-z]+)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** How a JVM ended, its last scrape of {@code /metrics} (empty if none answered) and its outcome meters. */
    record Life(String instanceId, String end, String metrics, Map<String, Long> counted, Path log) { }

    private final String prefix;
    private final Function<String, Path> configFor;
    private final Path logs;
    private final List<String> jvmOptions;
    private final Map<Integer, WorkerProcess> slots = new ConcurrentHashMap<>();
    private final Map<Integer, String> ids = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> starts = new ConcurrentHashMap<>();
    private final Map<Integer, ExecutorService> threads = new ConcurrentHashMap<>();
    private final List<Life> ended = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Path> allLogs = java.util.Collections.synchronizedList(new ArrayList<>());

    ChaosWorkers(String prefix, Function<String, Path> configFor, Path logs, List<String> jvmOptions) {
        this.prefix = prefix;
        this.configFor = configFor;
        this.logs = logs;
        this.jvmOptions = jvmOptions;
    }

    /** Starts a new JVM in {@code slot} (now, on the caller's thread). */
    WorkerProcess start(int slot) {
        int n = starts.merge(slot, 1, Integer::sum);
        String id = prefix + "-w" + slot + "-" + n;
        WorkerProcess w = WorkerProcess.start(id, configFor.apply(id), logs, jvmOptions);
        allLogs.add(w.log());
        slots.put(slot, w);
        ids.put(slot, id);
        return w;
    }

    WorkerProcess in(int slot) {
        return slots.get(slot);
    }

    /** SIGKILL the slot's JVM (scraped just before), start a new one {@code restartAfter} later. */
    void sigkill(int slot, Duration restartAfter) {
        onSlot(slot, () -> {
            WorkerProcess w = slots.get(slot);
            String metrics = scrape(w);
            w.kill();
            ended.add(new Life(ids.get(slot), "SIGKILL", metrics, counted(metrics), w.log()));
            pause(restartAfter);
            start(slot);
        });
    }

    /** SIGTERM the slot's JVM, scraping until it stops answering, start a new one {@code restartAfter} after exit. */
    void sigterm(int slot, Duration restartAfter, Duration drainLimit) {
        onSlot(slot, () -> {
            WorkerProcess w = slots.get(slot);
            java.util.concurrent.atomic.AtomicReference<String> metrics = new java.util.concurrent.atomic
                    .AtomicReference<>(scrape(w));
            w.signalTerm();
            try {
                await().atMost(drainLimit).pollInterval(Duration.ofMillis(100)).until(() -> {
                    String later = scrape(w);
                    if (!later.isEmpty()) {
                        metrics.set(later);
                    }
                    return !w.isAlive();
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // awaitExit below kills it and fails
            }
            int exit = w.awaitExit(Duration.ofSeconds(1));
            ended.add(new Life(ids.get(slot), "SIGTERM exit " + exit, metrics.get(), counted(metrics.get()),
                    w.log()));
            pause(restartAfter);
            start(slot);
        });
    }

    /** A worker joins in {@code slot} (on the slot's thread). */
    void join(int slot) {
        onSlot(slot, () -> start(slot));
    }

    /** Waits until every slot's queued faults are done (bounded). */
    void settle(Duration timeout) {
        threads.values().forEach(ExecutorService::shutdown);
        for (ExecutorService e : threads.values()) {
            try {
                if (!e.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("worker faults still running after " + timeout);
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The JVMs running now: scraped, then recorded as survivors (call once everything is answered). */
    List<Life> survivors() {
        List<Life> alive = new ArrayList<>();
        new TreeMap<>(slots).forEach((slot, w) -> {
            String metrics = scrape(w);
            alive.add(new Life(ids.get(slot), w.isAlive() ? "survivor" : "exited by itself", metrics,
                    counted(metrics), w.log()));
        });
        return alive;
    }

    List<Life> ended() {
        synchronized (ended) {
            return List.copyOf(ended);
        }
    }

    /** Worker faults that could not be carried out (a JVM that did not stop, did not start). */
    List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    List<Path> logFiles() {
        synchronized (allLogs) {
            return List.copyOf(allLogs);
        }
    }

    /** {@code /metrics} of the worker now, or "" if it does not answer. */
    static String scrape(WorkerProcess w) {
        OptionalInt port = w == null ? OptionalInt.empty() : w.adminPort();
        if (port.isEmpty() || !w.isAlive()) {
            return "";
        }
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + port.getAsInt() + "/metrics")).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** {@code pbiexport_outcomes_total} summed by its {@code result} label. */
    static Map<String, Long> counted(String metrics) {
        Map<String, Long> byResult = new TreeMap<>();
        Matcher m = OUTCOME.matcher(metrics);
        while (m.find()) {
            Matcher r = RESULT.matcher(m.group(1));
            String result = r.find() ? r.group(1) : "?";
            byResult.merge(result, (long) Double.parseDouble(m.group(2)), Long::sum);
        }
        return byResult;
    }

    static void pause(Duration d) {
        if (!d.isZero() && !d.isNegative()) {
            await().pollDelay(d).atMost(d.plusSeconds(5)).until(() -> true); // a fault's length, not a sync
        }
    }

    private void onSlot(int slot, Runnable action) {
        threads.computeIfAbsent(slot, s -> Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "chaos-slot-" + s);
            t.setDaemon(true);
            return t;
        })).submit(() -> {
            try {
                action.run();
            } catch (RuntimeException | AssertionError e) {
                errors.add("slot " + slot + ": " + e);
            }
        });
    }

    @Override
    public void close() {
        threads.values().forEach(ExecutorService::shutdownNow);
        slots.values().forEach(WorkerProcess::kill);
    }
}
