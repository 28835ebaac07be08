package com.pbiexport.worker.it.faults;

import com.pbiexport.worker.testing.Azurite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Azurite that can be stopped and started again on the SAME port with the SAME data (disk persistence in a temp
 * directory), as a storage account that is unreachable for a while and then returns. {@link Azurite} (in-memory,
 * random port) cannot: its data would vanish and the worker's connection string would point at nothing.
 */
final class RestartableAzurite implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private final Path executable;
    private final Path location;
    private final int port;
    private Process process;

    private RestartableAzurite(Path executable, Path location, int port) {
        this.executable = executable;
        this.location = location;
        this.port = port;
    }

    static RestartableAzurite start() {
        try {
            RestartableAzurite a = new RestartableAzurite(executable(), Files.createTempDirectory("azurite-faults-"),
                    freePort());
            a.launch();
            return a;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String connectionString() {
        return Azurite.connectionStringFor("http://127.0.0.1:" + port + "/" + Azurite.ACCOUNT);
    }

    /** Stops it (SIGTERM to the node process and its children): the port refuses connections until restart. */
    synchronized void stop() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }

    /** Starts it again on the same port over the same data. */
    synchronized void restart() {
        stop();
        launch();
    }

    private void launch() {
        try {
            process = new ProcessBuilder(List.of(executable.toString(), "--blobHost", "127.0.0.1",
                    "--blobPort", Integer.toString(port), "--location", location.toString(),
                    "--disableTelemetry", "--silent"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(location.resolve("azurite.out").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + executable, e);
        }
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (!accepts(port)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Azurite did not listen on 127.0.0.1:" + port);
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS); // a bounded pause between two probes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Azurite", e);
            }
        }
    }

    @Override
    public synchronized void close() {
        stop();
        try (Stream<Path> paths = Files.walk(location)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory: the OS cleans it up eventually
        }
    }

    private static Path executable() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("devstack/azurite/node_modules/.bin/azurite-blob");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("Azurite is not installed: npm ci --prefix devstack/azurite");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
