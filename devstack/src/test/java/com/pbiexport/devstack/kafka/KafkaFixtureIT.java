package com.pbiexport.devstack.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import com.pbiexport.devstack.kafka.KafkaFixture.Kind;

class KafkaFixtureIT {

    @Test
    void defaultFixtureIsAWorkingEmbeddedBroker() throws Exception {
        try (KafkaFixture.Broker broker = KafkaFixture.start(Kind.EMBEDDED)) {
            assertThat(broker).isInstanceOf(EmbeddedKafka.class);
            assertRoundTrip(broker);
        }
    }

    /** Runs a real containerised broker where Docker exists; here (no Docker) it must abort with the clear message. */
    @Test
    void testcontainersChoiceRunsADockerBrokerOrAbortsClearly() throws Exception {
        KafkaFixture.Broker broker;
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

    private static void assertRoundTrip(KafkaFixture.Broker broker) throws Exception {
        broker.createTopic("fixture", 1, Map.of());
        try (KafkaProducer<String, String> producer = TestClients.producer(broker.bootstrapServers(), Map.of());
                KafkaConsumer<String, String> consumer = TestClients.consumer(broker.bootstrapServers(), "read_committed")) {
            producer.send(new ProducerRecord<>("fixture", "k", "v")).get(30, TimeUnit.SECONDS);
            consumer.subscribe(List.of("fixture"));
            assertThat(TestClients.pollValues(consumer, 1, Duration.ofSeconds(30))).containsExactly("v");
        }
    }
}
