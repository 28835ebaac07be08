package com.pbiexport.worker.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Azurite blob service (npm package {@code azurite} 3.35.0, installed locally under
 * {@code devstack/azurite}) on an ephemeral loopback port, in-memory, for integration tests and benchmarks.
 *
 * <pre>{@code
 * try (Azurite azurite = Azurite.start()) {
 *     BlobServiceClient client = new BlobServiceClientBuilder()
 *             .connectionString(azurite.connectionString())
 *             .serviceVersion(Azurite.SERVICE_VERSION).buildClient();
 * }
 * }</pre>
 *
 * If Azurite is not installed this fails (it never skips): install it with
 * {@code npm ci --prefix devstack/azurite} ({@code ./mvnw verify} does it by itself when npm is on the PATH).
 */
public final class Azurite implements AutoCloseable {

    /** Newest Blob API version Azurite 3.35 accepts; pin it on every client that talks to it. */
    public static final com.azure.storage.blob.BlobServiceVersion SERVICE_VERSION =
            com.azure.storage.blob.BlobServiceVersion.V2025_11_05;
    /** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
    public static final String ACCOUNT = "devstoreaccount1";
    private static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final int port;
    private final Path log;

    private Azurite(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts Azurite and waits until its port accepts connections. */
    public static Azurite start() {
        Path executable = executable();
        IllegalStateException last = null;
        // the free port is found by binding port 0 and releasing it: another process may take it in between
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOn(executable, freePort());
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    private static Azurite startOn(Path executable, int port) {
        Path log;
        Process process;
        try {
            log = Files.createTempFile("azurite-", ".log");
            process = new ProcessBuilder(List.of(executable.toString(),
                    "--blobHost", "127.0.0.1", "--blobPort", Integer.toString(port),
                    "--inMemoryPersistence", "--disableTelemetry", "--silent"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("Could not start " + executable + ": " + e.getMessage()
                    + " (is Node.js on the PATH?)", e);
        }
        Azurite azurite = new Azurite(process, port, log);
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (true) {
            if (!process.isAlive()) {
                String output = azurite.output();
                azurite.close();
                throw new IllegalStateException("Azurite exited with code " + process.exitValue()
                        + " before listening on 127.0.0.1:" + port + ": " + output);
            }
            if (accepts(port)) {
                return azurite;
            }
            if (Instant.now().isAfter(deadline)) {
                azurite.close();
                throw new IllegalStateException("Azurite did not listen on 127.0.0.1:" + port + " within "
                        + READY_TIMEOUT.toSeconds() + " s");
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS); // a bounded pause between two probes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                azurite.close();
                throw new IllegalStateException("interrupted while waiting for Azurite", e);
            }
        }
    }

    /** The installed {@code azurite-blob} launcher, or a failure that says how to install it. */
    static Path executable() {
        Path dir = azuriteDirectory();
        String launcher = System.getProperty("os.name", "").toLowerCase().contains("win")
                ? "azurite-blob.cmd" : "azurite-blob";
        Path executable = dir.resolve("node_modules").resolve(".bin").resolve(launcher);
        if (!Files.isRegularFile(executable)) {
            throw new IllegalStateException("Azurite is not installed (" + executable + " is missing). Install it"
                    + " with: npm ci --prefix devstack/azurite   (needs Node.js 20 and npm; './mvnw verify' runs it"
                    + " by itself when node_modules is absent)");
        }
        return executable;
    }

    /** {@code devstack/azurite}, found from the working directory (the module or the repository root). */
    private static Path azuriteDirectory() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("devstack").resolve("azurite");
            if (Files.isRegularFile(candidate.resolve("package.json"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Cannot find devstack/azurite/package.json above " + start
                + "; run the tests from the repository");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
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

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>/devstoreaccount1} */
    public String blobEndpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    /** Connection string for the development account on this instance. */
    public String connectionString() {
        return connectionStringFor(blobEndpoint());
    }

    /** Connection string for the development account at any endpoint (e.g. a closed port, to test outages). */
    public static String connectionStringFor(String blobEndpoint) {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + ACCOUNT_KEY
                + ";BlobEndpoint=" + blobEndpoint + ";";
    }

    /** What Azurite printed (little, since it runs with --silent). */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** Stops this Azurite (and only it) by its process handle. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroy);
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file: the OS cleans it up eventually
        }
    }
}
