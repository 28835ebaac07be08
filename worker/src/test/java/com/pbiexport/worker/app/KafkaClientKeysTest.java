package com.pbiexport.worker.app;

import com.pbiexport.worker.config.ConfigException;
import com.pbiexport.worker.config.KafkaSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kafka pass-through keys are checked against the clients' own definitions (issue 13, item 6). */
class KafkaClientKeysTest {

    @Test
    void aMistypedKafkaKeyIsAnErrorWithTheClosestRealKey() {
        KafkaSettings k = new KafkaSettings("b:9092", "g", Map.of("sasl.mechansim", "PLAIN"), Map.of(), Map.of());
        assertThat(KafkaClientKeys.problems(k)).containsExactly("kafka.common.sasl.mechansim is not a Kafka client "
                + "setting (did you mean sasl.mechanism?) (env: PBIEXPORT_KAFKA_[CONSUMER_|PRODUCER_]<NAME>)");
    }

    @Test
    void aProducerKeyInTheConsumerSectionIsRefused() {
        KafkaSettings k = new KafkaSettings("b:9092", "g", Map.of(), Map.of("linger.ms", "5"), Map.of());
        assertThat(KafkaClientKeys.problems(k)).singleElement().asString()
                .startsWith("kafka.consumer.linger.ms is not a Kafka consumer setting");
    }

    @Test
    void realKeysPassInEverySection() {
        KafkaSettings k = new KafkaSettings("b:9092", "g",
                Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "linger.ms", "5"),
                Map.of("max.poll.records", "100", "isolation.level", "read_committed"),
                Map.of("linger.ms", "5", "compression.type", "zstd"));
        assertThat(KafkaClientKeys.problems(k)).isEmpty();
    }

    @Test
    void requireThrowsAConfigExceptionListingEveryUnknownKey() {
        KafkaSettings k = new KafkaSettings("b:9092", "g", Map.of("bogus.one", "1"), Map.of(),
                Map.of("bogus.two", "2"));
        assertThatThrownBy(() -> KafkaClientKeys.require(k)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(2));
    }
}
