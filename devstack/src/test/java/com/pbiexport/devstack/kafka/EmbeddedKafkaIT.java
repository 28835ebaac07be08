package com.pbiexport.devstack.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaIT {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void roundTripsARecordThroughTheBroker() throws Exception {
        kafka.createTopic("round-trip", 2, Map.of());
        try (KafkaProducer<String, String> producer = TestClients.producer(kafka.bootstrapServers(), Map.of());
                KafkaConsumer<String, String> consumer = TestClients.consumer(kafka.bootstrapServers(), "read_uncommitted")) {
            producer.send(new ProducerRecord<>("round-trip", "k", "hello")).get(30, TimeUnit.SECONDS);
            consumer.subscribe(List.of("round-trip"));

            assertThat(TestClients.pollValues(consumer, 1, Duration.ofSeconds(30))).containsExactly("hello");
        }
    }

    @Test
    void readCommittedConsumerSeesCommittedTransactionsButNotAbortedOnes() throws Exception {
        kafka.createTopic("transactions", 1, Map.of());
        try (KafkaProducer<String, String> producer = TestClients.transactionalProducer(kafka.bootstrapServers());
                KafkaConsumer<String, String> consumer = TestClients.consumer(kafka.bootstrapServers(), "read_committed")) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactions", "k", "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactions", "k", "committed"));
            producer.commitTransaction();
            consumer.subscribe(List.of("transactions"));

            assertThat(TestClients.pollValues(consumer, 1, Duration.ofSeconds(30))).containsExactly("committed");
        }
    }

    @Test
    void createTopicIsIdempotentButRejectsADifferentPartitionCount() throws Exception {
        kafka.createTopic("twice", 3, Map.of("cleanup.policy", "compact"));
        kafka.createTopic("twice", 3, Map.of("cleanup.policy", "compact"));

        try (Admin admin = Admin.create(BrokerAdmin.clientProperties(kafka.bootstrapServers()))) {
            assertThat(admin.describeTopics(List.of("twice")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("twice").partitions()).hasSize(3);
        }
        assertThatThrownBy(() -> kafka.createTopic("twice", 5, Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already exists with 3 partitions, not 5");
    }

    @Test
    void appliesBrokerPropertyOverridesAndDeletesItsDirectoryOnClose() throws Exception {
        Path directory;
        try (EmbeddedKafka custom = EmbeddedKafka.builder().brokerProperty("num.partitions", "4").start()) {
            directory = custom.directory();
            assertThat(directory).isDirectory();
            try (KafkaProducer<String, String> producer = TestClients.producer(custom.bootstrapServers(), Map.of())) {
                // auto-created topic takes the overridden default partition count
                producer.send(new ProducerRecord<>("auto-created", "v")).get(30, TimeUnit.SECONDS);
                assertThat(producer.partitionsFor("auto-created")).hasSize(4);
            }
        }
        assertThat(Files.exists(directory)).isFalse();
    }

    @Test
    void retriesWithFreshPortsWhenAPortIsTakenBeforeKafkaBindsIt() throws IOException {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getByName(BrokerPorts.HOST), 0));
            AtomicInteger calls = new AtomicInteger();
            BrokerPorts taken = new BrokerPorts(squatter.getLocalPort(), BrokerPorts.allocate().controller());

            try (EmbeddedKafka retried = EmbeddedKafka.builder()
                    .portSource(() -> calls.getAndIncrement() == 0 ? taken : BrokerPorts.allocate())
                    .start()) {
                assertThat(calls).hasValue(2);
                assertThat(retried.bootstrapServers()).isNotEqualTo(taken.bootstrapServers());
            }
        }
    }

    @Test
    void listensOnAFixedClientPortAndAdvertisesTheGivenHost() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(BrokerPorts.HOST))) {
            port = probe.getLocalPort();
        }
        // "localhost" resolves on every machine; the clients must follow the advertised listener to produce
        try (EmbeddedKafka fixed = EmbeddedKafka.builder().clientListener(BrokerPorts.HOST, port, "localhost").start();
             KafkaProducer<String, String> producer = TestClients.producer(fixed.bootstrapServers(), Map.of())) {
            assertThat(fixed.bootstrapServers()).isEqualTo("localhost:" + port);
            producer.send(new ProducerRecord<>("fixed-port", "v")).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTakenFixedPortFailsTheStartInsteadOfMovingElsewhere() throws IOException {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getByName(BrokerPorts.HOST), 0));
            assertThatThrownBy(() -> EmbeddedKafka.builder()
                    .clientListener(BrokerPorts.HOST, squatter.getLocalPort(), BrokerPorts.HOST).start())
                    .hasStackTraceContaining("Address already in use");
        }
    }

    @Test
    void aClientPortOutsideTheRangeIsRejected() {
        assertThatThrownBy(() -> EmbeddedKafka.builder().clientListener(BrokerPorts.HOST, 70000, BrokerPorts.HOST))
                .hasMessageContaining("Kafka port");
    }
}
