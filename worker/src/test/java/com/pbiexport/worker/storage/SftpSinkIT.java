package com.pbiexport.worker.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SFTP sink against a real SSH server (Apache MINA SSHD with its SFTP subsystem) on a loopback port. */
class SftpSinkIT {

    private static final long MiB = 1024 * 1024;

    @TempDir
    Path temp;
    private SftpTestServer server;
    private Path serverRoot;
    private final List<SftpSink> sinks = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        serverRoot = Files.createDirectories(temp.resolve("server"));
        server = SftpTestServer.start(serverRoot);
    }

    @AfterEach
    void stop() throws IOException {
        sinks.forEach(SftpSink::close);
        server.close();
    }

    @Test
    void storesASmallFileWithPasswordLoginUnderTheDirectoryCreatingMissingFolders() throws Exception {
        SftpSink sink = sink(password(SftpTestServer.PASSWORD), "/upload/exports");
        byte[] content = FilesystemSinkTest.randomBytes(100_000, 21);

        SinkResult result = sink.store(request("contoso/2025/03/07/req-1-Sales.pdf", content.length, 10 * MiB),
                new ByteArrayInputStream(content));

        Path stored = serverRoot.resolve("upload/exports/contoso/2025/03/07/req-1-Sales.pdf");
        assertThat(Files.readAllBytes(stored)).isEqualTo(content);
        assertThat(result.sizeBytes()).isEqualTo(100_000);
        assertThat(result.sha256Hex()).isEqualTo(FilesystemSinkTest.sha256(content));
        assertThat(result.fileName()).isEqualTo("req-1-Sales.pdf");
        assertThat(result.contentType()).isEqualTo("application/pdf");
        assertThat(result.uri().toString()).isEqualTo("sftp://exporter@127.0.0.1:" + server.port()
                + "/upload/exports/contoso/2025/03/07/req-1-Sales.pdf");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void streamsAMultiMegabyteFileWithAnEncryptedPrivateKeyAndTheReadBackMatchesSizeAndHash() throws Exception {
        Path key = server.clientKeyFile(temp);
        SftpSink sink = sink(new SftpSettings.PrivateKey(key, Optional.of(SftpTestServer.KEY_PASSPHRASE)), "");
        byte[] content = FilesystemSinkTest.randomBytes((int) (12 * MiB + 7), 22);

        SinkResult result = sink.store(request("t/big.xlsx", StoreRequest.UNKNOWN_LENGTH, 64 * MiB),
                new ByteArrayInputStream(content));

        byte[] back = Files.readAllBytes(serverRoot.resolve("t/big.xlsx"));
        assertThat(back).hasSize(content.length);
        assertThat(FilesystemSinkTest.sha256(back)).isEqualTo(FilesystemSinkTest.sha256(content))
                .isEqualTo(result.sha256Hex());
        assertThat(result.sizeBytes()).isEqualTo(content.length);
    }

    @Test
    void storingTheSameKeyAgainReplacesTheFileWhole() throws Exception {
        SftpSink sink = sink(password(SftpTestServer.PASSWORD), "out");
        byte[] first = FilesystemSinkTest.randomBytes(300_000, 23);
        byte[] second = FilesystemSinkTest.randomBytes(1000, 24);

        sink.store(request("a/report.pdf", first.length, MiB), new ByteArrayInputStream(first));
        SinkResult again = sink.store(request("a/report.pdf", second.length, MiB), new ByteArrayInputStream(second));

        assertThat(Files.readAllBytes(serverRoot.resolve("out/a/report.pdf"))).isEqualTo(second);
        assertThat(again.sha256Hex()).isEqualTo(FilesystemSinkTest.sha256(second));
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aWrongPasswordIsRejectedNotRetriedAndTheMessageNeverQuotesIt() {
        SftpSink sink = sink(password("not-the-password-42"), "");

        assertThatThrownBy(() -> sink.store(request("x/a.pdf", 3, MiB), new ByteArrayInputStream(new byte[3])))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
                    assertThat(e.getMessage()).contains("refused the login of user 'exporter'")
                            .doesNotContain("not-the-password-42");
                });
        assertThatThrownBy(sink::checkReady).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED));
        assertThat(serverRoot.resolve("x")).doesNotExist();
    }

    @Test
    void anUnknownHostKeyIsRejectedBeforeAnythingIsSentAndTheMessageGivesTheKeyscanLine() throws Exception {
        Path emptyKnownHosts = Files.writeString(temp.resolve("known_hosts_empty"), "");
        SftpSink sink = new SftpSink(settings(password(SftpTestServer.PASSWORD), "", emptyKnownHosts));
        sinks.add(sink);

        assertThatThrownBy(() -> sink.store(request("x/a.pdf", 3, MiB), new ByteArrayInputStream(new byte[3])))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
                    assertThat(e.getMessage()).contains("does not list", "SHA256:",
                            "ssh-keyscan -p " + server.port() + " 127.0.0.1 >> " + emptyKnownHosts,
                            "[127.0.0.1]:" + server.port() + " ecdsa-sha2-nistp256 ");
                });
        assertThat(serverRoot.resolve("x")).doesNotExist();
        assertThat(Files.readString(emptyKnownHosts)).as("the worker never trusts a key by itself").isEmpty();
    }

    @Test
    void aChangedHostKeyIsRejectedAsAPossibleAttack() throws Exception {
        SftpSink sink = new SftpSink(settings(password(SftpTestServer.PASSWORD), "",
                server.knownHostsWithAnotherKey(temp)));
        sinks.add(sink);

        assertThatThrownBy(sink::checkReady).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
            assertThat(e.getMessage()).contains("CHANGED", "ssh-keygen -R '[127.0.0.1]:" + server.port() + "'");
        });
    }

    @Test
    void aServerThatIsDownIsUnavailableSoTheStoreIsRetriedLater() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        SftpSink sink = new SftpSink(new SftpSettings("127.0.0.1", closedPort, SftpTestServer.USER, "",
                password(SftpTestServer.PASSWORD), Optional.of(server.knownHosts(temp)), false,
                Duration.ofSeconds(10), 2));
        sinks.add(sink);

        assertThatThrownBy(() -> sink.store(request("x/a.pdf", 3, MiB), new ByteArrayInputStream(new byte[3])))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.UNAVAILABLE);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("127.0.0.1:" + closedPort);
                });
    }

    @Test
    void aDirectoryTheUserMayNotWriteIsRejectedWithTheFix() throws Exception {
        SftpSink sink = sink(password(SftpTestServer.PASSWORD), "/" + SftpTestServer.READ_ONLY);

        assertThatThrownBy(() -> sink.store(request("x/a.pdf", 3, MiB), new ByteArrayInputStream(new byte[3])))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
                    assertThat(e.getMessage()).contains("permission denied", "user 'exporter'");
                });
        assertThatThrownBy(sink::checkReady).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED));
        try (Stream<Path> files = Files.list(serverRoot.resolve(SftpTestServer.READ_ONLY))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aDownloadThatBreaksMidStreamLeavesNeitherAFinalNorATemporaryFile() throws Exception {
        SftpSink sink = sink(password(SftpTestServer.PASSWORD), "out");
        InputStream breaking = new BreakingStream(3 * MiB);

        assertThatThrownBy(() -> sink.store(request("b/broken.pdf", StoreRequest.UNKNOWN_LENGTH, 64 * MiB), breaking))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.SOURCE_FAILED));

        assertThat(serverRoot.resolve("out/b/broken.pdf")).doesNotExist();
        assertThat(leftovers()).isEmpty();
        // the connection survived and is reused
        byte[] content = FilesystemSinkTest.randomBytes(10, 25);
        sink.store(request("b/ok.pdf", 10, MiB), new ByteArrayInputStream(content));
        assertThat(Files.readAllBytes(serverRoot.resolve("out/b/ok.pdf"))).isEqualTo(content);
    }

    @Test
    void contentOverTheCapIsTooLargeAndLeavesNothingBehindNorReplacesTheOldFile() throws Exception {
        SftpSink sink = sink(password(SftpTestServer.PASSWORD), "out");
        byte[] old = FilesystemSinkTest.randomBytes(100, 26);
        sink.store(request("c/r.pdf", old.length, MiB), new ByteArrayInputStream(old));

        assertThatThrownBy(() -> sink.store(request("c/r.pdf", StoreRequest.UNKNOWN_LENGTH, MiB),
                new ByteArrayInputStream(FilesystemSinkTest.randomBytes((int) (2 * MiB), 27))))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.TOO_LARGE));

        assertThat(Files.readAllBytes(serverRoot.resolve("out/c/r.pdf"))).isEqualTo(old);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void concurrentStoresShareAtMostMaxConnectionsSessions() throws Exception {
        SftpSink sink = new SftpSink(new SftpSettings("127.0.0.1", server.port(), SftpTestServer.USER, "par",
                password(SftpTestServer.PASSWORD), Optional.of(server.knownHosts(temp)), false,
                Duration.ofSeconds(20), 2));
        sinks.add(sink);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<SinkResult>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                byte[] content = FilesystemSinkTest.randomBytes(500_000, 30 + i);
                String key = "p/f" + i + ".pdf";
                results.add(pool.submit(() -> sink.store(request(key, content.length, MiB),
                        new ByteArrayInputStream(content))));
            }
            for (int i = 0; i < 6; i++) {
                SinkResult r = results.get(i).get();
                assertThat(FilesystemSinkTest.sha256(Files.readAllBytes(serverRoot.resolve("par/p/f" + i + ".pdf"))))
                        .isEqualTo(r.sha256Hex());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(server.maxOpenSessions()).isBetween(1, 2);
    }

    @Test
    void checkReadyPassesOnAWritableServerAndDescribeNamesNoSecret() throws Exception {
        SftpSink sink = sink(password(SftpTestServer.PASSWORD), "/ready");

        sink.checkReady();

        assertThat(serverRoot.resolve("ready")).isDirectory();
        assertThat(leftovers()).isEmpty();
        assertThat(sink.describe()).isEqualTo("sftp:exporter@127.0.0.1:" + server.port() + "/ready")
                .doesNotContain(SftpTestServer.PASSWORD);
    }

    private SftpSink sink(SftpSettings.Auth auth, String directory) {
        try {
            SftpSink sink = new SftpSink(settings(auth, directory, server.knownHosts(temp)));
            sinks.add(sink);
            return sink;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private SftpSettings settings(SftpSettings.Auth auth, String directory, Path knownHosts) {
        return SftpSettings.of("127.0.0.1", server.port(), SftpTestServer.USER, auth, knownHosts)
                .withDirectory(directory).withTimeout(Duration.ofSeconds(20));
    }

    private static SftpSettings.Password password(String p) {
        return new SftpSettings.Password(p);
    }

    private static StoreRequest request(String key, long expectedLength, long maxBytes) {
        return new StoreRequest("req-1", "contoso", key, "application/pdf", expectedLength, maxBytes);
    }

    /** Temporary or set-aside files anywhere under the server's root. */
    private List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.walk(serverRoot)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".pbiexport")).toList();
        }
    }

    /** Yields {@code good} bytes, then fails as a broken download does. */
    private static final class BreakingStream extends InputStream {
        private long left;

        BreakingStream(long good) {
            this.left = good;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                throw new IOException("connection reset by peer (simulated download failure)");
            }
            int n = (int) Math.min(len, left);
            left -= n;
            return n;
        }
    }
}
