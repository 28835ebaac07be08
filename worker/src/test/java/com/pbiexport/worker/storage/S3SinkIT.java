package com.pbiexport.worker.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pbiexport.worker.net.ProxyConfig;
import com.pbiexport.worker.testing.TinyProxy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.junit.S3ProxyJunitCore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The S3 sink against a real S3-protocol server: s3proxy (transient, in-memory blob store) on a random loopback
 * port, with AWS signature checks on. What is stored is read back through a separate client.
 */
class S3SinkIT {

    private static final long MiB = 1024 * 1024;
    private static final String ACCESS_KEY = "it-access-key";
    private static final String SECRET_KEY = "it-secret-key-never-shown";
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private static S3ProxyJunitCore server;
    private static S3Client admin;

    @BeforeAll
    static void startS3Proxy() throws Exception {
        server = new S3ProxyJunitCore.Builder()
                .withCredentials(ACCESS_KEY, SECRET_KEY)
                .withBlobStoreProvider("transient")
                .build();
        server.beforeEach();
        admin = S3Client.builder()
                .endpointOverride(server.getUri())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY,
                        SECRET_KEY)))
                .httpClientBuilder(Apache5HttpClient.builder())
                .build();
    }

    @AfterAll
    static void stopS3Proxy() {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.afterEach();
        }
    }

    @Test
    void storesASmallFileInOnePutWithMetadataAndReadsBackTheSameBytes() throws Exception {
        String bucket = newBucket();
        S3Sink sink = sink(bucket, "exports", ACCESS_KEY, SECRET_KEY, S3Sink.MIN_PART_BYTES);
        byte[] content = FilesystemSinkTest.randomBytes(100_000, 21);

        SinkResult result = sink.store(request("contoso/2025/03/07/req-1-Sales.pdf", content.length, 10 * MiB),
                new ByteArrayInputStream(content));

        String key = "exports/contoso/2025/03/07/req-1-Sales.pdf";
        ResponseBytes<GetObjectResponse> stored = admin.getObjectAsBytes(g -> g.bucket(bucket).key(key));
        assertThat(stored.asByteArray()).isEqualTo(content);
        assertThat(result.sha256Hex()).isEqualTo(FilesystemSinkTest.sha256(content));
        assertThat(result.sizeBytes()).isEqualTo(content.length);
        assertThat(result.fileName()).isEqualTo("req-1-Sales.pdf");
        assertThat(result.uri()).isEqualTo(URI.create(server.getUri() + "/" + bucket + "/" + key));
        assertThat(stored.response().contentType()).isEqualTo("application/pdf");
        assertThat(stored.response().metadata())
                .containsEntry("requestid", "req-1")
                .containsEntry("tenant", "contoso")
                .containsEntry("sha256", result.sha256Hex())
                .containsEntry("sizebytes", "100000");
    }

    @Test
    void streamsAFileOfSeveralPartsAsOneMultipartObjectWhoseHashMatchesTheDownload() throws Exception {
        String bucket = newBucket();
        S3Sink sink = sink(bucket, "", ACCESS_KEY, SECRET_KEY, S3Sink.MIN_PART_BYTES);
        byte[] content = FilesystemSinkTest.randomBytes((int) (12 * MiB + 123), 22); // 5 + 5 + 2 MiB

        SinkResult result = sink.store(request("t/big.zip", -1, 20 * MiB), new ByteArrayInputStream(content));

        byte[] downloaded = admin.getObjectAsBytes(g -> g.bucket(bucket).key("t/big.zip")).asByteArray();
        assertThat(FilesystemSinkTest.sha256(downloaded)).isEqualTo(result.sha256Hex())
                .isEqualTo(FilesystemSinkTest.sha256(content));
        assertThat(result.sizeBytes()).isEqualTo(content.length);
        HeadObjectResponse head = admin.headObject(h -> h.bucket(bucket).key("t/big.zip"));
        assertThat(head.contentLength()).isEqualTo(content.length);
        // S3's multipart ETag is "<md5 of the parts' md5s>-<number of parts>"
        assertThat(head.eTag()).endsWith("-3\"");
        assertThat(head.metadata()).containsEntry("requestid", "req-1").doesNotContainKey("sha256");
        assertThat(admin.listMultipartUploads(l -> l.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void storingTheSameKeyAgainOverwritesTheObjectWhetherSmallOrMultipart() {
        String bucket = newBucket();
        S3Sink sink = sink(bucket, "", ACCESS_KEY, SECRET_KEY, S3Sink.MIN_PART_BYTES);
        byte[] large = FilesystemSinkTest.randomBytes((int) (6 * MiB), 23);

        sink.store(request("t/r.pdf", -1, 20 * MiB), new ByteArrayInputStream(large));
        sink.store(request("t/r.pdf", -1, 20 * MiB), stream("second"));
        assertThat(admin.getObjectAsBytes(g -> g.bucket(bucket).key("t/r.pdf")).asUtf8String()).isEqualTo("second");

        sink.store(request("t/r.pdf", -1, 20 * MiB), new ByteArrayInputStream(large));
        assertThat(admin.getObjectAsBytes(g -> g.bucket(bucket).key("t/r.pdf")).asByteArray()).isEqualTo(large);
    }

    @Test
    void contentBreakingAfterAPartLeavesNoObjectAndNoPendingUpload() {
        String bucket = newBucket();
        S3Sink sink = sink(bucket, "", ACCESS_KEY, SECRET_KEY, S3Sink.MIN_PART_BYTES);

        InputStream breaksAfter7MiB = new FilesystemSinkTest.FailingStream(
                FilesystemSinkTest.randomBytes((int) (7 * MiB), 24));
        assertThatThrownBy(() -> sink.store(request("t/new.pdf", -1, 20 * MiB), breaksAfter7MiB))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.SOURCE_FAILED);
                    assertThat(e.retryable()).isTrue();
                });

        assertThatThrownBy(() -> admin.headObject(h -> h.bucket(bucket).key("t/new.pdf")))
                .isInstanceOf(NoSuchKeyException.class);
        assertThat(admin.listMultipartUploads(l -> l.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void brokenContentLeavesThePreviousObjectComplete() {
        String bucket = newBucket();
        S3Sink sink = sink(bucket, "", ACCESS_KEY, SECRET_KEY, S3Sink.MIN_PART_BYTES);
        sink.store(request("t/r.pdf", -1, 20 * MiB), stream("complete v1"));

        InputStream breaksAfter11MiB = new FilesystemSinkTest.FailingStream(
                FilesystemSinkTest.randomBytes((int) (11 * MiB), 25));
        assertThatThrownBy(() -> sink.store(request("t/r.pdf", -1, 20 * MiB), breaksAfter11MiB))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.SOURCE_FAILED));

        assertThat(admin.getObjectAsBytes(g -> g.bucket(bucket).key("t/r.pdf")).asUtf8String())
                .isEqualTo("complete v1");
        assertThat(admin.listMultipartUploads(l -> l.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void contentOverTheCapLeavesNoObjectWhetherSinglePutOrMultipart() {
        String bucket = newBucket();
        S3Sink sink = sink(bucket, "", ACCESS_KEY, SECRET_KEY, S3Sink.MIN_PART_BYTES);

        assertTooLarge(sink, "t/small.pdf", 3 * MiB, MiB);
        assertTooLarge(sink, "t/large.pdf", 14 * MiB, 9 * MiB); // one part sent before the cap is hit

        assertThat(admin.listObjectsV2(l -> l.bucket(bucket)).contents()).isEmpty();
        assertThat(admin.listMultipartUploads(l -> l.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void unreachableServerIsUnavailableAndRetryable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        S3Sink sink = S3Clients.sink(settings("down", "", URI.create("http://127.0.0.1:" + closedPort),
                ACCESS_KEY, SECRET_KEY, S3Sink.MIN_PART_BYTES), ProxyConfig.direct(), Map.of());

        assertThatThrownBy(() -> sink.store(request("t/x.pdf", -1, MiB), stream("payload")))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.UNAVAILABLE);
                    assertThat(e.retryable()).isTrue();
                })
                .hasMessageStartingWith("Could not reach the S3 endpoint for s3 down/t/x.pdf");
        assertThatThrownBy(sink::checkReady).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.UNAVAILABLE));
    }

    @Test
    void wrongSecretIsRejectedNamingTheSettingWithoutShowingTheSecret() {
        String bucket = newBucket();
        S3Sink sink = sink(bucket, "", ACCESS_KEY, "not-the-secret", S3Sink.MIN_PART_BYTES);

        assertThatThrownBy(() -> sink.store(request("t/x.pdf", -1, MiB), stream("payload")))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.httpStatus()).contains(403);
                    assertThat(e.errorCode()).contains("SignatureDoesNotMatch");
                })
                .hasMessageContaining("secretAccessKeyEnv")
                .message().doesNotContain("not-the-secret", SECRET_KEY);
        assertThatThrownBy(() -> admin.headObject(h -> h.bucket(bucket).key("t/x.pdf")))
                .isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void unknownAccessKeyIsRejectedNamingTheSetting() {
        S3Sink sink = sink(newBucket(), "", "unknown-key-id", SECRET_KEY, S3Sink.MIN_PART_BYTES);

        assertThatThrownBy(sink::checkReady).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
            assertThat(e.httpStatus()).contains(403);
        });
        assertThatThrownBy(() -> sink.store(request("t/x.pdf", -1, MiB), stream("payload")))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
                    assertThat(e.errorCode()).contains("InvalidAccessKeyId");
                })
                .hasMessageContaining("accessKeyIdEnv");
    }

    @Test
    void missingBucketIsRejectedByStoreAndReadinessNamingTheFix() {
        S3Sink sink = sink("it-missing-" + System.nanoTime(), "", ACCESS_KEY, SECRET_KEY, S3Sink.MIN_PART_BYTES);

        assertThatThrownBy(sink::checkReady).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
            assertThat(e.httpStatus()).contains(404);
        }).hasMessageContaining("create it, or fix the sink's bucket");
        assertThatThrownBy(() -> sink.store(request("t/x.pdf", -1, MiB), stream("payload")))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.REJECTED);
                    assertThat(e.errorCode()).contains("NoSuchBucket");
                })
                .hasMessageContaining("create it, or fix the sink's bucket");
    }

    @Test
    void readyBucketPassesTheCheckAndDescribeShowsNoSecret() {
        String bucket = newBucket();
        S3Sink sink = sink(bucket, "exports/", ACCESS_KEY, SECRET_KEY, S3Sink.MIN_PART_BYTES);

        sink.checkReady();

        assertThat(sink.describe())
                .isEqualTo("s3://" + bucket + "/exports (endpoint " + server.getUri() + ", region us-east-1,"
                        + " path-style, credentials: static keys from $IT_KEY / $IT_SECRET, encryption: none)")
                .doesNotContain(SECRET_KEY, ACCESS_KEY);
        assertThat(new S3Clients.StaticKeys(ACCESS_KEY, SECRET_KEY, Optional.of("tok"), "$A / $B").toString())
                .doesNotContain(ACCESS_KEY, SECRET_KEY, "tok");
    }

    @Test
    void uploadsGoThroughTheProxyTheWorkerIsConfiguredWith() {
        String bucket = newBucket();
        try (TinyProxy proxy = TinyProxy.start()) {
            ProxyConfig proxies = ProxyConfig.resolve("env", Map.of("HTTP_PROXY", proxy.url()), new Properties());
            S3Sink sink = S3Clients.sink(settings(bucket, "", server.getUri(), ACCESS_KEY, SECRET_KEY,
                    S3Sink.MIN_PART_BYTES), proxies, Map.of());
            byte[] content = "through the proxy".getBytes(StandardCharsets.UTF_8);

            sink.store(request("t/proxied.txt", content.length, MiB), new ByteArrayInputStream(content));

            assertThat(proxy.log()).contains("opensock: opening connection to 127.0.0.1:" + server.getUri().getPort());
            assertThat(admin.getObjectAsBytes(g -> g.bucket(bucket).key("t/proxied.txt")).asByteArray())
                    .isEqualTo(content);
        }
    }

    @Test
    void unsafeKeyIsRefusedBeforeAnyRequest() {
        S3Sink sink = sink(newBucket(), "", ACCESS_KEY, SECRET_KEY, S3Sink.MIN_PART_BYTES);
        assertThatThrownBy(() -> sink.store(request("../x.pdf", -1, MiB), stream("payload")))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.INVALID_NAME));
    }

    private static void assertTooLarge(S3Sink sink, String key, long size, long cap) {
        InputStream content = new ByteArrayInputStream(FilesystemSinkTest.randomBytes((int) size, size));
        assertThatThrownBy(() -> sink.store(request(key, -1, cap), content))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.TOO_LARGE);
                    assertThat(e.retryable()).isFalse();
                })
                .hasMessageContaining("larger than the cap of " + cap + " bytes");
    }

    static S3Clients.Settings settings(String bucket, String prefix, URI endpoint, String keyId, String secret,
                                       long partBytes) {
        return new S3Clients.Settings(bucket, prefix, Optional.of("us-east-1"), Optional.of(endpoint), true,
                Optional.of(new S3Clients.StaticKeys(keyId, secret, Optional.empty(), "$IT_KEY / $IT_SECRET")),
                S3Sink.Encryption.NONE, partBytes);
    }

    private static S3Sink sink(String bucket, String prefix, String keyId, String secret, long partBytes) {
        return S3Clients.sink(settings(bucket, prefix, server.getUri(), keyId, secret, partBytes),
                ProxyConfig.direct(), Map.of());
    }

    private static String newBucket() {
        String name = "it-" + BUCKETS.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
        admin.createBucket(c -> c.bucket(name));
        return name;
    }

    private static StoreRequest request(String key, long expectedLength, long maxBytes) {
        return new StoreRequest("req-1", "contoso", key, "application/pdf", expectedLength, maxBytes);
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
