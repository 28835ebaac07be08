package com.pbiexport.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import com.pbiexport.devstack.kafka.Broker;
import com.pbiexport.devstack.kafka.EmbeddedKafka;
import com.pbiexport.testkit.KafkaFixture.Kind;

class KafkaFixtureIT {

    @Test
    void defaultFixtureIsAWorkingEmbeddedBroker() throws Exception {
        try (Broker broker = KafkaFixture.start(Kind.EMBEDDED)) {
            assertThat(broker).isInstanceOf(EmbeddedKafka.class);
            assertRoundTrip(broker);
        }
    }

    /** Runs a real containerised broker where Docker exists; here (no Docker) it must abort with the clear message. */
    @Test
    void testcontainersChoiceRunsADockerBrokerOrAbortsClearly() throws Exception {
        Broker broker;
        try {
            broker = KafkaFixture.start(Kind.TESTCONTAINERS);
        } catch (TestAbortedException e) {
            assertThat(e).hasMessageStartingWith("kafka.fixture=testcontainers needs a Docker engine; none found");
            throw e;
        }
        try (broker) {
            assertThat(broker).isInstanceOf(TestcontainersKafka.class);
            assertRoundTrip(broker);
        }
    }

    /** One record written with acks=all reads back: the broker really serves clients. */
    private static void assertRoundTrip(Broker broker) throws Exception {
        broker.createTopic("fixture", 1, Map.of());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.<String, Object>of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.<String, Object>of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, "fixture-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                        new StringDeserializer(), new StringDeserializer())) {
            producer.send(new ProducerRecord<>("fixture", "k", "v")).get(30, TimeUnit.SECONDS);
            consumer.subscribe(List.of("fixture"));
            List<String> values = new ArrayList<>();
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < end) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            assertThat(values).containsExactly("v");
        }
    }
}
