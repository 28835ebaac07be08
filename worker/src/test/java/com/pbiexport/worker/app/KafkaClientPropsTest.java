package com.pbiexport.worker.app;

import com.pbiexport.worker.config.DeliveryMode;
import com.pbiexport.worker.config.DeliverySettings;
import com.pbiexport.worker.config.KafkaSettings;
import com.pbiexport.worker.config.Sinks;
import com.pbiexport.worker.config.WorkerConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the delivery guarantees need (docs/ARCHITECTURE.md, "Delivery modes") wins over the pass-through
 * {@code kafka.*} settings; everything else passes through.
 */
class KafkaClientPropsTest {
    private static WorkerConfig config(DeliveryMode mode, Map<String, String> consumer, Map<String, String> producer) {
        return WorkerConfig.of(new KafkaSettings("b:9092", "exports", Map.of(), consumer, producer), Map.of(),
                new Sinks("none", Map.of())).withInstanceId("pod-1").withDelivery(new DeliverySettings(mode));
    }

    @Test
    void theWorkerCommitsItsOwnOffsetsWhateverTheSettingSays() {
        Properties p = KafkaClientProps.consumer(config(DeliveryMode.AT_LEAST_ONCE,
                Map.of("enable.auto.commit", "true", "max.poll.records", "7"), Map.of()));

        assertThat(p).containsEntry("enable.auto.commit", "false").containsEntry("max.poll.records", "7")
                .containsEntry("group.id", "exports").containsEntry("client.id", "pod-1-intake")
                .doesNotContainKey("isolation.level");
    }

    @Test
    void exactlyOnceReadsOnlyCommittedRequestsAndFencesByGroupAndInstance() {
        WorkerConfig c = config(DeliveryMode.EXACTLY_ONCE, Map.of(), Map.of("acks", "1"));

        assertThat(KafkaClientProps.consumer(c)).containsEntry("isolation.level", "read_committed");
        assertThat(KafkaClientProps.transactionalProducer(c)).containsEntry("transactional.id", "exports-pod-1")
                .containsEntry("acks", "all").containsEntry("enable.idempotence", "true")
                .containsEntry("client.id", "pod-1-outcomes");
    }
}
