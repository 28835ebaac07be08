package com.pbiexport.worker.it;

import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;

import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.contracts.OutputSpec;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.config.Sinks;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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

/**
 * End to end to S3: real broker and simulator (the devstack), the worker configured with an {@code s3} sink whose
 * keys come from the environment it names, and a real S3-protocol server (s3proxy on a loopback port).
 */
class S3ExportIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String KEY_ID = "it-export-key";
    private static final String SECRET = "it-export-secret";
    private static WorkerHarness harness;
    private static S3ProxyJunitCore s3proxy;
    private static S3Client reader;

    @BeforeAll
    static void start() throws Exception {
        harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(200));
        s3proxy = new S3ProxyJunitCore.Builder().withCredentials(KEY_ID, SECRET).withBlobStoreProvider("transient")
                .build();
        s3proxy.beforeEach();
        reader = S3Client.builder().endpointOverride(s3proxy.getUri()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY_ID, SECRET)))
                .httpClientBuilder(Apache5HttpClient.builder()).build();
    }

    @AfterAll
    static void stop() {
        if (reader != null) {
            reader.close();
        }
        if (s3proxy != null) {
            s3proxy.afterEach();
        }
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void storesTheExportInTheBucketAndTheEventPointsAtTheObject() {
        String bucket = "exports-it";
        reader.createBucket(c -> c.bucket(bucket));
        SinkConfig s3 = new SinkConfig.S3(bucket, "it/", Optional.empty(), Optional.of(s3proxy.getUri()), true,
                Optional.of("IT_S3_KEY_ID"), Optional.of("IT_S3_SECRET"), Optional.empty(), "AES256",
                Optional.empty(), SinkConfig.S3.DEFAULT_PART_SIZE);
        try (Lane lane = harness.lane("s3", cfg -> cfg.withSinks(Sinks.single("s3", s3)))) {
            lane.startWorker(lane.config(), Map.of("IT_S3_KEY_ID", KEY_ID, "IT_S3_SECRET", SECRET));
            ExportRequested r = ExportRequested.builder("it-" + UUID.randomUUID(), DemoStack.CONTOSO, SALES_WS,
                    SALES_REPORT, ExportFormat.PDF).output(OutputSpec.fileName("Sales in S3")).build();

            ExportCompleted c = lane.publishAndAwait(r, TIMEOUT).completed();

            String prefix = s3proxy.getUri() + "/" + bucket + "/";
            assertThat(c.file().uri()).startsWith(prefix + "it/");
            String key = URI.create(c.file().uri()).getPath().substring(("/" + bucket + "/").length());
            ResponseBytes<GetObjectResponse> object = reader.getObjectAsBytes(g -> g.bucket(bucket).key(key));
            byte[] bytes = object.asByteArray();
            assertThat(ItFiles.sha256(bytes)).isEqualTo(c.file().sha256());
            assertThat(bytes.length).isEqualTo((int) c.file().sizeBytes());
            assertThat(new String(bytes, 0, 5, StandardCharsets.ISO_8859_1)).isEqualTo("%PDF-");
            assertThat(object.response().metadata()).containsEntry("requestid", r.requestId())
                    .containsEntry("sha256", c.file().sha256());
        }
    }
}
