package com.pbiexport.worker.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FilesystemSinkTest {

    private static final long MiB = 1024 * 1024;

    @TempDir
    Path temp;
    Path root;
    Path outside;
    FilesystemSink sink;

    @BeforeEach
    void setUp() throws IOException {
        root = temp.resolve("root");
        outside = Files.createDirectories(temp.resolve("outside"));
        sink = new FilesystemSink(root);
    }

    @Test
    void storesContentAndReportsSizeSha256AndFileUri() throws Exception {
        byte[] content = randomBytes(300_000, 1);
        String key = "contoso/2025/03/07/req-1-Sales.pdf";

        SinkResult result = sink.store(request(key, content.length, 10 * MiB), new ByteArrayInputStream(content));

        Path stored = root.resolve(key);
        assertThat(stored).hasBinaryContent(content);
        assertThat(result.sizeBytes()).isEqualTo(content.length);
        assertThat(result.sha256Hex()).isEqualTo(sha256(content));
        assertThat(result.uri()).isEqualTo(stored.toUri());
        assertThat(result.uri().getScheme()).isEqualTo("file");
        assertThat(result.fileName()).isEqualTo("req-1-Sales.pdf");
        assertThat(result.contentType()).isEqualTo("application/pdf");
        assertThat(filesUnder(root)).containsExactly(stored);
    }

    @Test
    void storesEmptyContentAndContentOfUnknownLength() throws Exception {
        SinkResult empty = sink.store(request("t/empty.pdf", 0, MiB), InputStream.nullInputStream());
        assertThat(empty.sizeBytes()).isZero();
        assertThat(empty.sha256Hex()).isEqualTo(sha256(new byte[0]));

        byte[] content = randomBytes(70_000, 2);
        SinkResult unknown = sink.store(request("t/unknown.pdf", -1, MiB), new ByteArrayInputStream(content));
        assertThat(unknown.sha256Hex()).isEqualTo(sha256(content));
        assertThat(root.resolve("t/unknown.pdf")).hasBinaryContent(content);
    }

    @Test
    void storingTheSameKeyAgainReplacesTheFile() throws Exception {
        sink.store(request("t/r.pdf", -1, MiB), stream("first attempt"));
        SinkResult second = sink.store(request("t/r.pdf", -1, MiB), stream("second"));

        assertThat(root.resolve("t/r.pdf")).hasContent("second");
        assertThat(second.sizeBytes()).isEqualTo(6);
        assertThat(filesUnder(root)).containsExactly(root.resolve("t/r.pdf"));
    }

    @Test
    void contentExactlyAtTheCapIsStored() throws Exception {
        byte[] content = randomBytes(1000, 3);
        SinkResult result = sink.store(request("t/cap.pdf", -1, 1000), new ByteArrayInputStream(content));
        assertThat(result.sizeBytes()).isEqualTo(1000);
    }

    @Test
    void contentOverTheCapIsNotStoredAtAll() throws Exception {
        byte[] content = randomBytes(200_001, 4);

        assertThatThrownBy(() -> sink.store(request("t/big.pdf", -1, 200_000), new ByteArrayInputStream(content)))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.TOO_LARGE);
                    assertThat(e.retryable()).isFalse();
                })
                .hasMessageContaining("larger than the cap of 200000 bytes");
        assertThat(filesUnder(root)).isEmpty(); // not even the temporary file
    }

    @Test
    void announcedLengthOverTheCapFailsBeforeReading() {
        InputStream mustNotBeRead = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the sink read content it had to refuse");
            }
        };
        assertThatThrownBy(() -> sink.store(request("t/big.pdf", 5000, 4999), mustNotBeRead))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.TOO_LARGE));
    }

    @Test
    void brokenDownloadLeavesThePreviousCompleteFileAndNoPartialOne() throws Exception {
        sink.store(request("t/r.pdf", -1, 10 * MiB), stream("complete v1"));

        InputStream breaksAfter100k = new FailingStream(randomBytes(100_000, 5));
        assertThatThrownBy(() -> sink.store(request("t/r.pdf", -1, 10 * MiB), breaksAfter100k))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.SOURCE_FAILED);
                    assertThat(e.retryable()).isTrue();
                })
                .hasMessageContaining("reading the content failed after 100000 bytes");

        assertThat(root.resolve("t/r.pdf")).hasContent("complete v1");
        assertThat(filesUnder(root)).containsExactly(root.resolve("t/r.pdf"));
    }

    @Test
    void contentShorterThanAnnouncedIsNotStored() throws Exception {
        assertThatThrownBy(() -> sink.store(request("t/short.pdf", 100, MiB), stream("13 bytes only")))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.SOURCE_FAILED))
                .hasMessageContaining("content ended after 13 bytes but 100 were announced");
        assertThat(filesUnder(root)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "..\\..\\x", "/etc/passwd", "t/../../outside/x.pdf", "t/a\u0000b.pdf",
            "t/bell\u0007.pdf", "C:\\x.pdf", "t/.hidden", "t//x.pdf", ".."})
    void rejectsUnsafeKeysAndWritesNothingAnywhere(String key) throws Exception {
        assertThatThrownBy(() -> sink.store(request(key, -1, MiB), stream("payload")))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.INVALID_NAME);
                    assertThat(e.retryable()).isFalse();
                });
        assertThat(filesUnder(temp)).isEmpty();
    }

    @Test
    void symbolicLinkInsideTheRootCannotLeadOutside() throws Exception {
        Files.createDirectories(root);
        Files.createSymbolicLink(root.resolve("link"), outside);

        assertThatThrownBy(() -> sink.store(request("link/x.pdf", -1, MiB), stream("payload")))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.INVALID_NAME))
                .hasMessageContaining("through a symbolic link");
        assertThat(filesUnder(outside)).isEmpty();
    }

    @Test
    void rootThatIsASymbolicLinkIsFollowed() throws Exception {
        Path realRoot = Files.createDirectories(temp.resolve("real-root"));
        Path linkedRoot = Files.createSymbolicLink(temp.resolve("linked-root"), realRoot);
        FilesystemSink linked = new FilesystemSink(linkedRoot);

        SinkResult result = linked.store(request("t/x.pdf", -1, MiB), stream("payload"));

        assertThat(realRoot.resolve("t/x.pdf")).hasContent("payload");
        assertThat(result.uri()).isEqualTo(linkedRoot.resolve("t/x.pdf").toUri());
    }

    @Test
    void directoryInTheWayIsRejected() throws Exception {
        Files.createDirectories(root.resolve("t/x.pdf/child"));
        assertThatThrownBy(() -> sink.store(request("t/x.pdf", -1, MiB), stream("payload")))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED));
        assertThat(filesUnder(root)).isEmpty();
    }

    @Test
    void checkReadyCreatesTheRootAndDescribesIt() {
        sink.checkReady();
        assertThat(root).isDirectory();
        assertThat(sink.describe()).isEqualTo("filesystem:" + root);
    }

    @Test
    void checkReadyFailsWhenTheRootIsAFile() throws Exception {
        Files.writeString(root, "not a directory");
        assertThatThrownBy(() -> sink.checkReady()).isInstanceOf(StorageException.class)
                .hasMessageStartingWith("Cannot create the sink root directory " + root);
    }

    private static StoreRequest request(String key, long expectedLength, long maxBytes) {
        return new StoreRequest("req-1", "contoso", key, "application/pdf", expectedLength, maxBytes);
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Regular files (hidden temporary files included) anywhere under a directory. */
    private static List<Path> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Gives its bytes, then fails like a broken download. */
    static final class FailingStream extends InputStream {
        private final ByteArrayInputStream bytes;

        FailingStream(byte[] content) {
            this.bytes = new ByteArrayInputStream(content);
        }

        @Override
        public int read() throws IOException {
            int b = bytes.read();
            if (b < 0) {
                throw new IOException("connection reset by peer");
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = bytes.read(b, off, len);
            if (n < 0) {
                throw new IOException("connection reset by peer");
            }
            return n;
        }
    }
}
