package com.pbiexport.worker.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobProperties;
import com.pbiexport.worker.testing.Azurite;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The blob sink against a real Azurite (fails, never skips, when Azurite is not installed). */
class AzureBlobSinkIT {

    private static final long MiB = 1024 * 1024;
    private static final AzureBlobSink.Retry FAST = new AzureBlobSink.Retry(2, Duration.ofSeconds(20),
            Duration.ofMillis(100), Duration.ofMillis(200));
    private static final AtomicInteger CONTAINERS = new AtomicInteger();

    private static Azurite azurite;
    private static BlobServiceClient service;

    @BeforeAll
    static void startAzurite() {
        azurite = Azurite.start();
        service = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                .serviceVersion(Azurite.SERVICE_VERSION).buildClient();
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @Test
    void uploadsASmallFileWithContentTypeMetadataAndAUrlWithoutSecrets() throws Exception {
        String container = newContainer(true);
        AzureBlobSink sink = sink(container, "exports", true);
        byte[] content = FilesystemSinkTest.randomBytes(100_000, 11);

        SinkResult result = sink.store(request("contoso/2025/03/07/req-1-Sales.pdf", content.length, 10 * MiB),
                new ByteArrayInputStream(content));

        BlobClient blob = service.getBlobContainerClient(container).getBlobClient("exports/contoso/2025/03/07/req-1-Sales.pdf");
        assertThat(download(blob)).isEqualTo(content);
        assertThat(result.sha256Hex()).isEqualTo(FilesystemSinkTest.sha256(content));
        assertThat(result.sizeBytes()).isEqualTo(content.length);
        assertThat(result.fileName()).isEqualTo("req-1-Sales.pdf");
        assertThat(result.uri().toString())
                .isEqualTo(azurite.blobEndpoint() + "/" + container + "/exports/contoso/2025/03/07/req-1-Sales.pdf")
                .doesNotContain("?", "sig=");
        BlobProperties properties = blob.getProperties();
        assertThat(properties.getContentType()).isEqualTo("application/pdf");
        assertThat(properties.getMetadata())
                .containsEntry("requestid", "req-1")
                .containsEntry("tenant", "contoso")
                .containsEntry("sha256", result.sha256Hex())
                .containsEntry("sizebytes", "100000");
    }

    @Test
    void streamsAMultiBlockFileWhoseHashMatchesTheDownload() throws Exception {
        String container = newContainer(true);
        AzureBlobSink sink = sink(container, "", false);
        byte[] content = FilesystemSinkTest.randomBytes((int) (10 * MiB + 123), 12);

        SinkResult result = sink.store(request("t/big.zip", -1, 20 * MiB), new ByteArrayInputStream(content));

        byte[] downloaded = download(service.getBlobContainerClient(container).getBlobClient("t/big.zip"));
        assertThat(FilesystemSinkTest.sha256(downloaded)).isEqualTo(result.sha256Hex())
                .isEqualTo(FilesystemSinkTest.sha256(content));
        assertThat(result.sizeBytes()).isEqualTo(content.length);
    }

    @Test
    void storingTheSameKeyAgainOverwritesTheBlob() {
        String container = newContainer(true);
        AzureBlobSink sink = sink(container, "", false);

        sink.store(request("t/r.pdf", -1, MiB), stream("first attempt"));
        sink.store(request("t/r.pdf", -1, MiB), stream("second"));

        assertThat(service.getBlobContainerClient(container).getBlobClient("t/r.pdf").downloadContent().toString())
                .isEqualTo("second");
    }

    @Test
    void contentOverTheCapLeavesNoBlobWhetherSingleShotOrStaged() {
        String container = newContainer(true);
        AzureBlobSink sink = sink(container, "", false);

        // under the single-upload size: the SDK would have sent one Put Blob
        assertTooLarge(sink, "t/small.pdf", 3 * MiB, MiB);
        // several blocks: some are staged before the cap is hit, but never committed
        assertTooLarge(sink, "t/large.pdf", 14 * MiB, 9 * MiB);

        BlobContainerClient client = service.getBlobContainerClient(container);
        assertThat(client.getBlobClient("t/small.pdf").exists()).isFalse();
        assertThat(client.getBlobClient("t/large.pdf").exists()).isFalse();
        assertThat(client.listBlobs()).isEmpty();
    }

    @Test
    void brokenDownloadLeavesThePreviousBlobComplete() {
        String container = newContainer(true);
        AzureBlobSink sink = sink(container, "", false);
        sink.store(request("t/r.pdf", -1, 20 * MiB), stream("complete v1"));

        InputStream breaksAfter9MiB = new FilesystemSinkTest.FailingStream(
                FilesystemSinkTest.randomBytes((int) (9 * MiB), 13));
        assertThatThrownBy(() -> sink.store(request("t/r.pdf", -1, 20 * MiB), breaksAfter9MiB))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.SOURCE_FAILED));

        assertThat(service.getBlobContainerClient(container).getBlobClient("t/r.pdf").downloadContent().toString())
                .isEqualTo("complete v1");
    }

    @Test
    void urlEncodesEachSegmentButKeepsTheSlashes() {
        String container = newContainer(true);
        SinkResult result = sink(container, "", false)
                .store(request("t/2025/req-1-Umsätze 100.pdf", -1, MiB), stream("payload"));
        assertThat(result.uri().toString()).isEqualTo(azurite.blobEndpoint() + "/" + container
                + "/t/2025/req-1-Ums%C3%A4tze%20100.pdf");
        assertThat(result.fileName()).isEqualTo("req-1-Umsätze 100.pdf");
        assertThat(service.getBlobContainerClient(container).getBlobClient("t/2025/req-1-Umsätze 100.pdf").exists())
                .isTrue();
    }

    @Test
    void missingContainerIsCreatedWhenAllowed() {
        String container = newContainer(false);
        AzureBlobSink sink = sink(container, "p", true);

        sink.store(request("t/x.pdf", -1, MiB), stream("payload"));

        assertThat(service.getBlobContainerClient(container).getBlobClient("p/t/x.pdf").exists()).isTrue();
    }

    @Test
    void missingContainerIsRejectedWhenCreatingIsNotAllowed() {
        String container = newContainer(false);
        AzureBlobSink sink = sink(container, "", false);

        assertThatThrownBy(() -> sink.store(request("t/x.pdf", -1, MiB), stream("payload")))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
                    assertThat(e.httpStatus()).contains(404);
                    assertThat(e.errorCode()).contains("ContainerNotFound");
                })
                .hasMessageContaining("create the container, or allow the worker to create it");
        assertThatThrownBy(sink::checkReady).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED));
        assertThat(service.getBlobContainerClient(container).exists()).isFalse();
    }

    @Test
    void wrongAccountKeyIsRejectedWithoutShowingTheKey() {
        String wrongKey = "d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXktd3Jvbmcta2V5LXdyb25nLWtleQ==";
        String connectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + wrongKey
                + ";BlobEndpoint=" + azurite.blobEndpoint() + ";";
        AzureBlobSink sink = AzureBlobSink.fromConnectionString(AzureBlobSink.Settings.of(connectionString,
                newContainer(true), "").withServiceVersion(Azurite.SERVICE_VERSION).withRetry(FAST));

        assertThatThrownBy(() -> sink.store(request("t/x.pdf", -1, MiB), stream("payload")))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
                    assertThat(e.httpStatus()).contains(403);
                })
                .hasMessageContaining("check the account key or SAS")
                .hasMessageNotContaining(wrongKey);
    }

    @Test
    void unsupportedServiceVersionIsRejectedNamingTheSetting() {
        AzureBlobSink sink = AzureBlobSink.fromConnectionString(AzureBlobSink.Settings.of(azurite.connectionString(),
                newContainer(true), "").withRetry(FAST)); // the SDK's newest version, which Azurite 3.35 refuses

        assertThatThrownBy(() -> sink.store(request("t/x.pdf", -1, MiB), stream("payload")))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
                    assertThat(e.httpStatus()).contains(400);
                })
                .hasMessageContaining("set the sink's serviceVersion");
    }

    @Test
    void unreachableServiceIsUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        AzureBlobSink sink = AzureBlobSink.fromConnectionString(AzureBlobSink.Settings.of(
                        Azurite.connectionStringFor("http://127.0.0.1:" + closedPort + "/devstoreaccount1"), "down", "")
                .withServiceVersion(Azurite.SERVICE_VERSION).withRetry(FAST));

        assertThatThrownBy(() -> sink.store(request("t/x.pdf", -1, MiB), stream("payload")))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.UNAVAILABLE);
                    assertThat(e.retryable()).isTrue();
                })
                .hasMessageStartingWith("Could not reach Azure Blob Storage for azure blob down/t/x.pdf");
        assertThatThrownBy(sink::checkReady).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.UNAVAILABLE));
    }

    @Test
    void unsafeKeyIsRefusedBeforeAnyRequest() {
        AzureBlobSink sink = sink(newContainer(true), "", false);
        assertThatThrownBy(() -> sink.store(request("../x.pdf", -1, MiB), stream("payload")))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.INVALID_NAME));
    }

    @Test
    void settingsNeverShowTheConnectionString() {
        AzureBlobSink.Settings settings = AzureBlobSink.Settings.of(azurite.connectionString(), "c1c", "p");
        assertThat(settings.toString()).doesNotContain("AccountKey").contains("(redacted)");
        assertThat(AzureBlobSink.parseServiceVersion("2025-11-05")).isEqualTo(Azurite.SERVICE_VERSION);
        assertThatThrownBy(() -> AzureBlobSink.parseServiceVersion("2099-01-01"))
                .hasMessageStartingWith("serviceVersion '2099-01-01' is unknown; use one of 2019-02-02,");
    }

    private static void assertTooLarge(AzureBlobSink sink, String key, long size, long cap) {
        InputStream content = new ByteArrayInputStream(FilesystemSinkTest.randomBytes((int) size, size));
        assertThatThrownBy(() -> sink.store(request(key, -1, cap), content))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.TOO_LARGE);
                    assertThat(e.retryable()).isFalse();
                })
                .hasMessageContaining("larger than the cap of " + cap + " bytes");
    }

    private static AzureBlobSink sink(String container, String prefix, boolean createIfMissing) {
        return AzureBlobSink.fromConnectionString(AzureBlobSink.Settings.of(azurite.connectionString(), container, prefix)
                .withServiceVersion(Azurite.SERVICE_VERSION).withCreateContainerIfMissing(createIfMissing)
                .withRetry(FAST));
    }

    /** A fresh container name per test; created now or left missing. */
    private static String newContainer(boolean create) {
        String name = "it-" + CONTAINERS.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
        if (create) {
            service.createBlobContainer(name);
        }
        return name;
    }

    private static byte[] download(BlobClient blob) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        blob.downloadStream(out);
        return out.toByteArray();
    }

    private static StoreRequest request(String key, long expectedLength, long maxBytes) {
        return new StoreRequest("req-1", "contoso", key, "application/pdf", expectedLength, maxBytes);
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
