package com.pbiexport.worker.it.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * A worker in its own JVM ({@code java -cp <test classpath> ... Main run --config FILE}, through {@link ChildMain}),
 * its stdout and stderr captured in a log file, ready when its admin port answers {@code /health/ready} with 200
 * (the intake thread runs and the group assigned it a partition). {@link #kill()} is {@code destroyForcibly()}:
 * SIGKILL on Linux, so no shutdown hook, no drain, no producer flush: the crash the tests are about.
 *
 * <pre>{@code
 * try (WorkerProcess w = WorkerProcess.start("w0", configFile, logDir).awaitReady(Duration.ofSeconds(60))) {
 *     ...
 *     w.kill();
 * }
 * }</pre>
 */
public final class WorkerProcess implements AutoCloseable {
    /** Printed by {@code RunCommand} once the worker (and its admin server) started. */
    private static final Pattern ADMIN_PORT = Pattern.compile("admin port (\\d+)");
    private static final AtomicInteger STARTS = new AtomicInteger();
    /** Every worker still running, killed when the test JVM exits (a test that throws still cleans up). */
    private static final Set<WorkerProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(WorkerProcess::kill), "kill-workers"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final Instant startedAt;
    private volatile int adminPort = -1;

    private WorkerProcess(String name, Process process, Path log, Instant startedAt) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.startedAt = startedAt;
    }

    /** Starts a worker JVM with the config file; output goes to {@code <logDir>/<name>-<n>.log}. */
    public static WorkerProcess start(String name, Path configFile, Path logDir) {
        return start(name, configFile, logDir, List.of());
    }

    /** The same, with extra JVM options (e.g. {@code -Dlogback.configurationFile=...}). */
    public static WorkerProcess start(String name, Path configFile, Path logDir, List<String> jvmOptions) {
        Path log = logDir.resolve(name + "-" + STARTS.incrementAndGet() + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // small and quick to start: several of these share 2 cores with the broker and the test JVM
        cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", classpath(), ChildMain.class.getName(), "run", "--config",
                configFile.toAbsolutePath().toString()));
        try {
            Files.createDirectories(logDir);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
            WorkerProcess w = new WorkerProcess(name, p, log, Instant.now());
            LIVE.add(w);
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start worker " + name, e);
        }
    }

    /**
     * The full test classpath. Failsafe may run tests from a manifest-only jar (then {@code java.class.path} is
     * that jar, which still works), and names the real entries in {@code surefire.test.class.path}.
     */
    private static String classpath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp == null || cp.isBlank() ? System.getProperty("java.class.path") : cp;
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** The admin port, once the worker printed it. */
    public OptionalInt adminPort() {
        if (adminPort < 0) {
            Matcher m = ADMIN_PORT.matcher(readLog());
            if (m.find()) {
                adminPort = Integer.parseInt(m.group(1));
            }
        }
        return adminPort < 0 ? OptionalInt.empty() : OptionalInt.of(adminPort);
    }

    /** True when {@code /health/ready} answers 200 now. */
    public boolean isReady() {
        OptionalInt port = adminPort();
        if (port.isEmpty() || !process.isAlive()) {
            return false;
        }
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port.getAsInt() + "/health/ready"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until ready; fails with the end of the worker's log when it dies or is not ready in time. */
    public WorkerProcess awaitReady(Duration timeout) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError("worker " + name + " exited with " + process.exitValue()
                            + " before it was ready; log " + log + ":\n" + logTail(40));
                }
                return isReady();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("worker " + name + " not ready within " + timeout + "; log " + log + ":\n"
                    + logTail(40), e);
        }
        return this;
    }

    /**
     * SIGTERM (on Linux): the worker drains, hands over and exits; waits up to {@code timeout} for that. Returns the
     * exit code; fails when the process outlives the timeout (it is then killed).
     */
    public int terminate(Duration timeout) {
        // the handle only signals: Process.destroy() would also close our end of the worker's stdin, and ChildMain's
        // watchdog then halts the JVM (exit 3) in the middle of its graceful stop
        process.toHandle().destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new AssertionError("worker " + name + " still running " + timeout + " after SIGTERM; log "
                        + log + ":\n" + logTail(40));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            LIVE.remove(this);
        }
    }

    /** Sends SIGTERM (on Linux) without waiting; {@link #awaitExit} waits for the drain and exit. */
    public void signalTerm() {
        process.toHandle().destroy(); // the handle only signals: see terminate
    }

    /** Waits up to {@code timeout} for the process to end; returns its exit code, or kills it and fails. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new AssertionError("worker " + name + " still running " + timeout + " after SIGTERM; log "
                        + log + ":\n" + logTail(40));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            LIVE.remove(this);
        }
    }

    /** SIGKILL (on Linux) and wait, bounded, until the process is gone. Idempotent. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("worker " + name + " (pid " + process.pid() + ") survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(this);
        }
    }

    /** The last {@code lines} lines of the worker's output. */
    public String logTail(int lines) {
        List<String> all = readLog().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private String readLog() {
        try {
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8); // lenient: a kill may cut a character
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        kill();
    }

    @Override
    public String toString() {
        return name + "(pid " + process.pid() + ")";
    }
}
