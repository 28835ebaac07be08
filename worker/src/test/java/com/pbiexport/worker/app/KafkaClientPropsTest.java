package com.pbiexport.worker.app;

import com.pbiexport.worker.config.DeliveryMode;
import com.pbiexport.worker.config.DeliverySettings;
import com.pbiexport.worker.config.HttpSettings;
import com.pbiexport.worker.config.KafkaSettings;
import com.pbiexport.worker.config.Sinks;
import com.pbiexport.worker.config.WorkerConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
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

    @Test
    void theImmediateJobStateWriterIsIdempotentUnlingeredAndGivesUpWithinTwentySeconds() {
        Properties p = KafkaClientProps.jobStateProducer(config(DeliveryMode.EXACTLY_ONCE, Map.of(),
                Map.of("acks", "1", "linger.ms", "50", "transactional.id", "not-this-one")));

        assertThat(p).containsEntry("acks", "all").containsEntry("enable.idempotence", "true")
                .containsEntry("linger.ms", "0").containsEntry("client.id", "pod-1-jobstate-writer")
                .containsEntry("request.timeout.ms", "10000").containsEntry("delivery.timeout.ms", "20000")
                .doesNotContainKey("transactional.id");
        Properties slow = KafkaClientProps.jobStateProducer(config(DeliveryMode.EXACTLY_ONCE, Map.of(),
                Map.of("request.timeout.ms", "30000")));
        assertThat(slow).as("delivery.timeout.ms must cover one request").containsEntry("delivery.timeout.ms",
                "30000");
    }

    @Test
    void theJobStateReaderReadsCommittedRecordsByAssignmentWithoutAGroup() {
        Properties p = KafkaClientProps.jobStateReader(config(DeliveryMode.AT_LEAST_ONCE, Map.of(
                "group.instance.id", "static-1", "isolation.level", "read_uncommitted", "enable.auto.commit", "true",
                "client.id", "mine", "security.protocol", "SSL", "allow.auto.create.topics", "true"), Map.of()));

        assertThat(p).doesNotContainKeys("group.id", "group.instance.id")
                .containsEntry("allow.auto.create.topics", "false")
                .containsEntry("isolation.level", "read_committed").containsEntry("enable.auto.commit", "false")
                .containsEntry("client.id", "pod-1-jobstate").containsEntry("security.protocol", "SSL");
    }

    @Test
    void theJobStateEndsReaderNeverCreatesTheTopicEither() {
        assertThat(KafkaClientProps.jobStateEnds(config(DeliveryMode.EXACTLY_ONCE, Map.of(), Map.of())))
                .containsEntry("allow.auto.create.topics", "false")
                .containsEntry("isolation.level", "read_uncommitted");
    }

    @Test
    void adminClientsReachTheBrokerAsTheConsumerDoesWithOnlyKeysAnAdminClientDefines() {
        WorkerConfig c = WorkerConfig.of(new KafkaSettings("b:9092", "exports",
                        Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN"),
                        Map.of("max.poll.records", "7", "request.timeout.ms", "9000"), Map.of("linger.ms", "3")),
                Map.of(), new Sinks("none", Map.of())).withInstanceId("pod-1");

        Properties startup = KafkaClientProps.admin(c, "startup");

        // security.protocol, sasl.mechanism, request.timeout.ms are admin client configs; max.poll.records and
        // group.id (consumer) and linger.ms (producer) are not (Kafka's AdminClientConfig)
        assertThat(startup).containsEntry("bootstrap.servers", "b:9092").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN").containsEntry("request.timeout.ms", "9000")
                .containsEntry("client.id", "pod-1-startup")
                .doesNotContainKeys("max.poll.records", "group.id", "linger.ms");
        assertThat(KafkaClientProps.admin(c, "doctor")).containsEntry("client.id", "pod-1-doctor");
    }

    @Test
    void aRevocationWaitsOneResponseAndFiveSecondsButNeverMoreThanHalfTheMaxPollInterval() {
        // http.responseTimeout defaults to PT1M (docs/CONFIGURATION.md), max.poll.interval.ms to 300000 (Kafka)
        WorkerConfig c = config(DeliveryMode.AT_LEAST_ONCE, Map.of(), Map.of());
        assertThat(KafkaClientProps.handOverPatience(c)).isEqualTo(Duration.ofSeconds(65));

        WorkerConfig shortPoll = config(DeliveryMode.AT_LEAST_ONCE, Map.of("max.poll.interval.ms", "60000"), Map.of());
        assertThat(KafkaClientProps.handOverPatience(shortPoll)).isEqualTo(Duration.ofSeconds(30));

        WorkerConfig quick = shortPoll.withHttp(new HttpSettings(Duration.ofSeconds(10), Duration.ofSeconds(5), 200));
        assertThat(KafkaClientProps.handOverPatience(quick)).isEqualTo(Duration.ofSeconds(10));
    }
}
