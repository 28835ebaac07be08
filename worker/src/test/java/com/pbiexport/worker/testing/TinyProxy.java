package com.pbiexport.worker.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real forward proxy for tests: Debian's {@code tinyproxy} in the foreground on a free loopback port, with a
 * generated configuration and its own log file (which the tests read to see which requests went through it).
 * Optionally demands Basic credentials. Stopped by its own process handle.
 */
public final class TinyProxy implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final int port;
    private final Path dir;
    private final Path log;

    private TinyProxy(Process process, int port, Path dir, Path log) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.log = log;
    }

    /** Whether the {@code tinyproxy} executable is installed ({@code apt-get install tinyproxy}). */
    public static boolean installed() {
        return executable().isPresent();
    }

    /** Starts a proxy that lets every loopback client through. */
    public static TinyProxy start() {
        return start(null, null);
    }

    /** Starts a proxy that answers 407 unless the request carries {@code user:password} (Basic). */
    public static TinyProxy start(String user, String password) {
        IllegalStateException last = null;
        // the free port is found by binding port 0 and releasing it: another process may take it in between
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOn(freePort(), user, password);
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    private static TinyProxy startOn(int port, String user, String password) {
        String executable = executable().orElseThrow(() -> new IllegalStateException(
                "tinyproxy is not installed: apt-get install -y tinyproxy (.ci/run does it)"));
        Path dir;
        Path log;
        Process process;
        try {
            dir = Files.createTempDirectory("tinyproxy-");
            log = dir.resolve("tinyproxy.log");
            List<String> conf = new ArrayList<>(List.of(
                    "Port " + port,
                    "Listen 127.0.0.1",
                    "Allow 127.0.0.1",
                    "Timeout 60",
                    "MaxClients 20",
                    "LogFile \"" + log + "\"",
                    "LogLevel Info",
                    "DisableViaHeader Yes"));
            // no ConnectPort line: CONNECT is allowed to every port (the default config limits it to 443 and 563)
            if (user != null) {
                conf.add("BasicAuth " + user + " " + password);
            }
            Path confFile = dir.resolve("tinyproxy.conf");
            Files.write(confFile, conf, StandardCharsets.UTF_8);
            process = new ProcessBuilder(executable, "-d", "-c", confFile.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start tinyproxy: " + e.getMessage(), e);
        }
        TinyProxy proxy = new TinyProxy(process, port, dir, log);
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (true) {
            if (!process.isAlive()) {
                String output = proxy.read(dir.resolve("stdout.log")) + proxy.log();
                proxy.close();
                throw new IllegalStateException("tinyproxy exited with code " + process.exitValue()
                        + " before listening on 127.0.0.1:" + port + ": " + output);
            }
            if (accepts(port)) {
                return proxy;
            }
            if (Instant.now().isAfter(deadline)) {
                proxy.close();
                throw new IllegalStateException("tinyproxy did not listen on 127.0.0.1:" + port + " within "
                        + READY_TIMEOUT.toSeconds() + " s");
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS); // a bounded pause between two probes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                proxy.close();
                throw new IllegalStateException("interrupted while waiting for tinyproxy", e);
            }
        }
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:port}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code http://user:password@127.0.0.1:port}, the parts percent-encoded. */
    public String url(String user, String password) {
        return "http://" + encode(user) + ":" + encode(password) + "@127.0.0.1:" + port;
    }

    /** Everything tinyproxy has logged so far. */
    public String log() {
        return read(log);
    }

    /** The log's lines that record a request it received ({@code Request (file descriptor n): GET http://...}). */
    public List<String> requests() {
        return log().lines().filter(l -> l.contains("Request (file descriptor")).toList();
    }

    private String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Optional<String> executable() {
        for (String dir : List.of("/usr/bin", "/usr/sbin", "/usr/local/bin")) {
            Path p = Path.of(dir, "tinyproxy");
            if (Files.isExecutable(p)) {
                return Optional.of(p.toString());
            }
        }
        return Optional.empty();
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
    }
}
