package com.pbiexport.worker.it.faults;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import com.pbiexport.contracts.ErrorCategory;
import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.contracts.ExportFailed;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.config.Sinks;
import com.pbiexport.worker.it.Outcome;
import com.pbiexport.worker.testing.Azurite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #7, Faults: the sink fails while a file is being stored. Whatever happens, a request ends with a classified
 * failure or is retried to completion, and an ExportCompleted never names a missing or partial file: every
 * completion's file exists with the stated size and SHA-256.
 *
 * <p>Disk full: the filesystem sink's root is on an in-memory file system with a size limit (Jimfs), filled so
 * that a file's first block fits and the rest does not: the write fails half-way with "out of disk space", as
 * ENOSPC does on a real disk (both reach the sink as a plain {@code IOException}). Chosen because it needs no root
 * and no mount, so it runs the same in CI; a read-only directory would not fail for root (which this machine's
 * tests run as), and a loop or tmpfs mount needs privileges.
 */
class StorageFaultIT {
    private static final Logger log = LoggerFactory.getLogger(StorageFaultIT.class);
    private static final int BLOCK = 512;
    private static final Duration BLOB_OUTAGE = Duration.ofSeconds(15);
    private static DevStack stack;

    @TempDir
    Path temp;

    @BeforeAll
    static void startStack() {
        stack = DevStack.builder().scenario(Scenario.defaultScenario().withPageRenderMillis(300)).kafka(true).start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void diskFullDuringAStoreFailsClassifiedAndNeverAnnouncesAPartialFile() throws Exception {
        int full = 5;
        int freed = 5;
        try (FileSystem disk = Jimfs.newFileSystem(Configuration.unix().toBuilder().setBlockSize(BLOCK)
                .setMaxSize(64L * BLOCK).build())) {
            Path root = disk.getPath("/exports");
            Files.createDirectories(root);
            Path filler = disk.getPath("/filler");
            fillLeaving(filler, BLOCK); // one free block: each file starts, then runs out of space
            // error budget 2: a store that keeps failing ends as a classified failure within seconds
            try (FaultRig rig = FaultRig.open(stack.kafka().orElseThrow(), stack, "diskfull", temp,
                    cfg -> FaultRig.withRetries(cfg, 2, cfg.limits().maxPollInterval()).withSinks(Sinks.single("files", new SinkConfig.Filesystem(root))))) {
                rig.startWorker();
                List<String> duringFull = publish(rig, "full", full);
                Tally fullTally = rig.await(duringFull, Duration.ofSeconds(45), Duration.ZERO);
                assertThat(leftovers(root)).as("no partial or temporary file is left behind").isEmpty();

                Files.delete(filler); // space again: the same worker stores the next files
                List<String> afterFree = publish(rig, "freed", freed);
                List<String> all = new ArrayList<>(duringFull);
                all.addAll(afterFree);
                Tally tally = rig.await(all, Duration.ofSeconds(30), Duration.ofSeconds(2));
                log.info("RELIABILITY disk-full: while full {}; in all {}", fullTally, tally);

                for (String id : duringFull) {
                    ExportFailed f = tally.first().get(id).failed();
                    assertThat(f.error().code()).as(f.error().message()).isEqualTo("STORAGE_UNAVAILABLE");
                    assertThat(f.error().category()).isEqualTo(ErrorCategory.TRANSIENT);
                    assertThat(f.error().retryable()).isTrue();
                }
                for (String id : afterFree) {
                    Tally.assertStored(tally.first().get(id).completed());
                }
                assertThat(tally.answered()).isEqualTo(full + freed);
                assertThat(tally.duplicates()).isZero();
                assertThat(stack.counters().get("fileDownloads")).as("each full-disk store was tried 3 times")
                        .isGreaterThanOrEqualTo(3L * full + freed);
            }
        }
    }

    @Test
    void azureBlobUnavailableMidStoreRetriesOrFailsClassifiedAndEveryCompletionNamesAWholeBlob() {
        int n = 12;
        String container = "faults";
        try (RestartableAzurite azurite = RestartableAzurite.start()) {
            SinkConfig blob = new SinkConfig.AzureBlob(Optional.of(azurite.connectionString()), Optional.empty(),
                    container, "it/", Optional.of("2025-11-05"));
            // 2 KB/s: each 1-2 KB download (streamed straight into the upload) keeps a store open for about a second
            stack.faults().merge("{\"downloadBytesPerSecond\":2048}".getBytes(StandardCharsets.UTF_8));
            try (FaultRig rig = FaultRig.open(stack.kafka().orElseThrow(), stack, "blob", temp,
                    cfg -> cfg.withSinks(Sinks.single("blob", blob)))) {
                rig.startWorker();
                long downloadsBefore = stack.counters().get("fileDownloads");
                List<String> ids = publish(rig, "blob", n);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                        .until(() -> stack.counters().get("fileDownloads") - downloadsBefore >= 3);
                azurite.stop(); // mid-run, with stores in flight
                int answeredAtStop = rig.answered(ids);
                // longer than the SDK's own retries (4 tries over about 10 s): the worker's retry must take over
                await().pollDelay(BLOB_OUTAGE).atMost(BLOB_OUTAGE.plusSeconds(1)).until(() -> true);
                azurite.restart();
                Tally tally = rig.await(ids, Duration.ofSeconds(75), Duration.ofSeconds(2));
                log.info("RELIABILITY blob-outage: {} (answered when Azurite stopped: {}, file downloads: {})", tally,
                        answeredAtStop, stack.counters().get("fileDownloads") - downloadsBefore);

                assertThat(tally.answered()).isEqualTo(n);
                assertThat(tally.duplicates()).isZero();
                BlobContainerClient client = new BlobServiceClientBuilder()
                        .connectionString(azurite.connectionString()).serviceVersion(Azurite.SERVICE_VERSION)
                        .buildClient().getBlobContainerClient(container);
                for (Outcome o : tally.first().values()) {
                    if (o.isCompleted()) {
                        assertBlob(client, container, o.completed());
                    } else {
                        assertThat(o.failed().error().code()).as(o.describe()).startsWith("STORAGE_");
                    }
                }
                assertThat(tally.completed()).as("stores retried after the outage complete").isPositive();
            } finally {
                stack.faults().merge("{\"downloadBytesPerSecond\":0}".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void assertBlob(BlobContainerClient client, String container, ExportCompleted c) {
        String path = URI.create(c.file().uri()).getPath();
        String name = path.substring(path.indexOf("/" + container + "/") + container.length() + 2);
        byte[] bytes = client.getBlobClient(name).downloadContent().toBytes();
        assertThat((long) bytes.length).as("size of %s", name).isEqualTo(c.file().sizeBytes());
        assertThat(Tally.sha256(bytes)).as("SHA-256 of %s", name).isEqualTo(c.file().sha256());
    }

    /** Fills the file system with one file until only {@code free} bytes are left. */
    private static void fillLeaving(Path filler, long free) throws IOException {
        long capacity = filler.getFileSystem().getFileStores().iterator().next().getTotalSpace();
        byte[] block = new byte[BLOCK];
        try (OutputStream out = Files.newOutputStream(filler)) {
            long usable = filler.getFileSystem().getFileStores().iterator().next().getUsableSpace();
            for (long written = 0; written + free < usable; written += BLOCK) {
                out.write(block);
            }
        }
        assertThat(filler.getFileSystem().getFileStores().iterator().next().getUsableSpace())
                .as("free space of a %d-byte disk", capacity).isEqualTo(free);
    }

    private static List<Path> leftovers(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static List<String> publish(FaultRig rig, String phase, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(rig.publish(ExportRequested.builder("storage-" + phase + "-" + i + "-" + UUID.randomUUID(),
                    DemoStack.CONTOSO, SALES_WS, SALES_REPORT, ExportFormat.PDF).build()));
        }
        return ids;
    }
}
