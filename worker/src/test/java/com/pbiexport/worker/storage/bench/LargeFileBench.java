package com.pbiexport.worker.storage.bench;

import com.pbiexport.worker.storage.EmailSettings;
import com.pbiexport.worker.storage.EmailSink;
import com.pbiexport.worker.storage.ScriptedSmtpServer;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedFileInputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.pbiexport.worker.storage.AzureBlobSink;
import com.pbiexport.worker.storage.FileSink;
import com.pbiexport.worker.net.ProxyConfig;
import com.pbiexport.worker.storage.FilesystemSink;
import com.pbiexport.worker.storage.S3Clients;
import com.pbiexport.worker.storage.S3Sink;
import com.pbiexport.worker.storage.SinkResult;
import com.pbiexport.worker.storage.StoreRequest;
import com.pbiexport.worker.testing.Azurite;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Streams a generated file (default 250 MB) into each sink and prints time, throughput and memory, to show that
 * storing needs bounded memory. Run it in a small heap (see docs/BENCHMARKS.md):
 *
 * <pre>
 * ./mvnw -q -Dbuild.dir.name=target-storage -pl worker -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile="$PWD/worker/target-storage/cp.txt" -Dmdep.includeScope=test
 * java -Xmx128m -cp "$(cat worker/target-storage/cp.txt):worker/target-storage/test-classes:worker/target-storage/classes" \
 *     com.pbiexport.worker.storage.bench.LargeFileBench [sizeMB] [filesystem,azurite,s3proxy,smtp]
 * </pre>
 *
 * The stored content is read back and its SHA-256 compared with the one the sink reported. Azurite must be
 * installed ({@code npm ci --prefix devstack/azurite}). s3proxy (filesystem blob store) runs in a child JVM on the same
 * class path, so its memory is not counted as the sink's.
 */
public final class LargeFileBench {

    private static final long MB = 1_000_000;

    private LargeFileBench() {
    }

    public static void main(String[] args) throws Exception {
        quietLogging();
        long sizeBytes = (args.length > 0 ? Long.parseLong(args[0]) : 250) * MB;
        List<String> sinks = List.of((args.length > 1 ? args[1] : "filesystem,azurite").split(","));
        System.out.printf(Locale.ROOT, "JVM %s, max heap %d MiB, %d CPUs, file %d MB%n",
                System.getProperty("java.vm.version"), Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors(), sizeBytes / MB);
        int status = 0;
        try {
            for (String sink : sinks) {
                status |= switch (sink.trim()) {
                    case "filesystem" -> benchFilesystem(sizeBytes);
                    case "azurite" -> benchAzurite(sizeBytes);
                    case "s3proxy" -> benchS3Proxy(sizeBytes);
                    case "smtp" -> benchSmtp(sizeBytes);
                    default -> throw new IllegalArgumentException("unknown sink '" + sink
                            + "': filesystem, azurite, s3proxy or smtp");
                };
            }
        } finally {
            // the Azure SDK's Netty threads would keep the JVM alive for a minute
            System.exit(status);
        }
    }

    /** Without a logback configuration everything logs at DEBUG, the Azure SDK's HTTP traffic included. */
    private static void quietLogging() {
        if (org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    private static int benchFilesystem(long sizeBytes) throws Exception {
        Path root = Files.createTempDirectory("bench-fs-");
        try {
            FilesystemSink sink = new FilesystemSink(root);
            SinkResult result = run("filesystem", sink, sizeBytes);
            String readBack;
            try (InputStream in = Files.newInputStream(Path.of(result.uri()))) {
                readBack = sha256(in);
            }
            return verify(result, readBack);
        } finally {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int benchAzurite(long sizeBytes) throws Exception {
        try (Azurite azurite = Azurite.start()) {
            AzureBlobSink sink = AzureBlobSink.fromConnectionString(
                    AzureBlobSink.Settings.of(azurite.connectionString(), "bench", "")
                            .withServiceVersion(Azurite.SERVICE_VERSION).withCreateContainerIfMissing(true));
            SinkResult result = run("azure-blob (Azurite)", sink, sizeBytes);
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                    .serviceVersion(Azurite.SERVICE_VERSION).buildClient()
                    .getBlobContainerClient("bench").getBlobClient("bench/large.bin")
                    .downloadStream(new OutputStream() {
                        @Override
                        public void write(int b) {
                            digest.update((byte) b);
                        }

                        @Override
                        public void write(byte[] b, int off, int len) {
                            digest.update(b, off, len);
                        }
                    });
            return verify(result, HexFormat.of().formatHex(digest.digest()));
        }
    }

    private static int benchS3Proxy(long sizeBytes) throws Exception {
        Path dir = Files.createTempDirectory("bench-s3-");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        Path properties = dir.resolve("s3proxy.properties");
        Files.writeString(properties, String.join("\n", "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4", "s3proxy.identity=bench", "s3proxy.credential=bench-secret",
                "jclouds.provider=filesystem", "jclouds.filesystem.basedir=" + dir.resolve("blobs"), ""));
        Files.createDirectories(dir.resolve("blobs/bench"));
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "org.gaul.s3proxy.Main",
                "--properties", properties.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
        try {
            awaitPort(port, server);
            S3Sink sink = S3Clients.sink(new S3Clients.Settings("bench", "", Optional.of("us-east-1"),
                    Optional.of(endpoint), true, Optional.of(new S3Clients.StaticKeys("bench", "bench-secret",
                    Optional.empty(), "bench")), S3Sink.Encryption.NONE, S3Sink.DEFAULT_PART_BYTES),
                    ProxyConfig.direct(), Map.of());
            SinkResult result = run("s3 (s3proxy, " + (S3Sink.DEFAULT_PART_BYTES >> 20) + " MiB parts)", sink,
                    sizeBytes);
            try (S3Client reader = S3Client.builder().endpointOverride(endpoint).forcePathStyle(true)
                    .region(Region.US_EAST_1).httpClientBuilder(Apache5HttpClient.builder())
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create("bench", "bench-secret"))).build();
                 InputStream in = reader.getObject(g -> g.bucket("bench").key("bench/large.bin"))) {
                return verify(result, sha256(in));
            }
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * The e-mail sink over STARTTLS to the scripted SMTP server of the tests, in this JVM (it streams each line of
     * the DATA to a file: a few KiB of its own), the attachment limit raised to the file's size. Read back: the
     * received message parsed from that file (streaming), its attachment decoded and hashed.
     */
    private static int benchSmtp(long sizeBytes) throws Exception {
        Path dir = Files.createTempDirectory("bench-smtp-");
        try {
            ScriptedSmtpServer.Identity identity = ScriptedSmtpServer.Identity.create(dir);
            Path received = dir.resolve("received.eml");
            try (ScriptedSmtpServer server = ScriptedSmtpServer.toFile(identity.context(), received)) {
                EmailSink sink = new EmailSink(new EmailSettings("127.0.0.1", server.port(),
                        EmailSettings.Security.STARTTLS, Optional.of("bench"), Optional.of(ScriptedSmtpServer.PASSWORD),
                        "bench@example.com", List.of("reader@example.com"), List.of(), "{fileName}", sizeBytes,
                        Optional.of(identity.pem()), Duration.ofSeconds(10), Duration.ofSeconds(60), dir),
                        Optional.empty(), Clock.systemUTC());
                SinkResult result = run("smtp (STARTTLS, attached)", sink, sizeBytes);
                MimeMessage m = new MimeMessage(Session.getInstance(new Properties()),
                        new SharedFileInputStream(received.toFile()));
                Multipart parts = (Multipart) m.getContent();
                try (InputStream in = parts.getBodyPart(1).getInputStream()) {
                    return verify(result, sha256(in));
                }
            }
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Polls until the child's port accepts connections (60 s at most, or until the child dies). */
    private static void awaitPort(int port, Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && server.isAlive()) {
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                server.waitFor(100, TimeUnit.MILLISECONDS);
            }
        }
        throw new IllegalStateException("s3proxy did not listen on port " + port + " (alive: " + server.isAlive() + ")");
    }

    private static SinkResult run(String name, FileSink sink, long sizeBytes) {
        System.gc();
        HeapSampler sampler = HeapSampler.start();
        long gcCountBefore = gcCount();
        long gcTimeBefore = gcTimeMs();
        long start = System.nanoTime();
        SinkResult result = sink.store(new StoreRequest("bench-1", "bench", "bench/large.bin",
                "application/octet-stream", sizeBytes, sizeBytes), new GeneratedStream(sizeBytes));
        long elapsedNs = System.nanoTime() - start;
        HeapSampler.Peaks peaks = sampler.stop();
        double seconds = elapsedNs / 1e9;
        System.out.printf(Locale.ROOT, "%-22s %d MB in %.1f s = %.1f MB/s; peak heap used %d MiB (sampled every 5 ms;"
                        + " sum of pool peaks %d MiB); peak direct buffers %d MiB; GCs %d (%d ms)%n",
                name, result.sizeBytes() / MB, seconds, result.sizeBytes() / MB / seconds,
                peaks.heapUsed() >> 20, peaks.poolPeakSum() >> 20, peaks.direct() >> 20,
                gcCount() - gcCountBefore, gcTimeMs() - gcTimeBefore);
        return result;
    }

    private static int verify(SinkResult result, String readBackSha256) {
        boolean same = result.sha256Hex().equals(readBackSha256);
        System.out.printf(Locale.ROOT, "%-22s read back: SHA-256 %s (%s)%n", "", same ? "matches" : "DIFFERS",
                result.sha256Hex());
        return same ? 0 : 1;
    }

    private static String sha256(InputStream in) throws IOException, java.security.NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    private static long gcTimeMs() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    /** Pseudo-random bytes of a given length, produced on the fly (a 1 MiB block, each pass perturbed). */
    static final class GeneratedStream extends InputStream {
        private final byte[] block = new byte[1 << 20];
        private final long size;
        private long position;

        GeneratedStream(long size) {
            this.size = size;
            new Random(42).nextBytes(block);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int offset = (int) (position % block.length);
            int n = (int) Math.min(Math.min(len, block.length - offset), size - position);
            System.arraycopy(block, offset, b, off, n);
            if (offset == 0) {
                b[off] ^= (byte) (position / block.length); // no two blocks alike, whatever the readers' chunk sizes
            }
            position += n;
            return n;
        }
    }

    /** Samples heap and direct-buffer use on a timer, and reads the heap pools' own peak counters. */
    static final class HeapSampler {
        record Peaks(long heapUsed, long poolPeakSum, long direct) {
        }

        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heap-sampler");
            t.setDaemon(true);
            return t;
        });
        private final AtomicLong maxHeap = new AtomicLong();
        private final AtomicLong maxDirect = new AtomicLong();

        static HeapSampler start() {
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            HeapSampler sampler = new HeapSampler();
            sampler.timer.scheduleAtFixedRate(sampler::sample, 0, 5, TimeUnit.MILLISECONDS);
            return sampler;
        }

        private void sample() {
            maxHeap.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
            long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(p -> p.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
            maxDirect.accumulateAndGet(direct, Math::max);
        }

        Peaks stop() throws IllegalStateException {
            timer.shutdownNow();
            try {
                timer.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sample();
            long poolPeaks = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            return new Peaks(maxHeap.get(), poolPeaks, maxDirect.get());
        }
    }
}
