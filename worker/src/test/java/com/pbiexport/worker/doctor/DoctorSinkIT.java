package com.pbiexport.worker.doctor;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.pbiexport.worker.app.DoctorInfraChecks;
import com.pbiexport.worker.config.KafkaSettings;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.config.Sinks;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.diagnose.doctor.CheckResult;
import com.pbiexport.worker.diagnose.doctor.CheckStatus;
import com.pbiexport.worker.testing.Azurite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The doctor's {@code sink} check of an Azure Blob sink against a real Azurite (fails, never skips, when Azurite is
 * not installed): a doctor only looks, so a missing container is a failed check with its fix and is still missing
 * afterwards, where the worker would have created it.
 */
class DoctorSinkIT {
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
    void aMissingContainerFailsTheCheckWithItsFixAndIsNotCreated() {
        String container = "doctor-missing-" + CONTAINERS.incrementAndGet();

        CheckResult sink = DoctorInfraChecks.sinks(config(container), Map.of());

        assertThat(sink.status()).as(sink.detail()).isEqualTo(CheckStatus.FAIL);
        assertThat(sink.name()).isEqualTo("sink");
        assertThat(sink.detail()).contains("blob (azure-blob:" + azurite.blobEndpoint() + "/" + container,
                "Container '" + container + "' does not exist",
                "create it, or start the worker, which creates a missing container");
        assertThat(sink.fix()).contains("a blob container that exists",
                "create it, or start the worker, which creates a missing one");
        assertThat(service.getBlobContainerClient(container).exists()).as("the doctor created the container").isFalse();
    }

    @Test
    void anExistingContainerPasses() {
        String container = "doctor-present-" + CONTAINERS.incrementAndGet();
        service.createBlobContainer(container);

        CheckResult sink = DoctorInfraChecks.sinks(config(container), Map.of());

        assertThat(sink.status()).as(sink.detail()).isEqualTo(CheckStatus.PASS);
        assertThat(sink.detail()).isEqualTo("ready: blob (azure-blob:" + azurite.blobEndpoint() + "/" + container
                + "/exports)");
    }

    private static WorkerConfig config(String container) {
        return WorkerConfig.of(new KafkaSettings("127.0.0.1:9", "doctor-sink-it", Map.of(), Map.of(), Map.of()),
                Map.of(), Sinks.single("blob", new SinkConfig.AzureBlob(Optional.of(azurite.connectionString()),
                        Optional.empty(), container, "exports", Optional.of(Azurite.SERVICE_VERSION.getVersion()))));
    }
}
