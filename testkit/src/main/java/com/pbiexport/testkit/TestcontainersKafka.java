package com.pbiexport.testkit;

import java.time.Duration;
import java.util.Map;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import com.pbiexport.devstack.kafka.Broker;
import org.apache.kafka.common.utils.internals.AppInfoParser;

/**
 * The Testcontainers flavour of {@link Broker}. Kept in its own class and only reached after
 * {@link KafkaFixture} has checked that Testcontainers is on the classpath, so the embedded path never loads it.
 */
final class TestcontainersKafka implements Broker {

    /** The broker image of the Kafka release the clients and the embedded broker come from (one pinned version). */
    static final String DEFAULT_IMAGE = "apache/kafka:" + AppInfoParser.getVersion();

    private final KafkaContainer container;

    private TestcontainersKafka(KafkaContainer container) {
        this.container = container;
    }

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    static TestcontainersKafka start(String image) {
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(image))
                // Testcontainers already sets the offsets/transaction topics to one replica; share groups and a
                // prompt first rebalance need the same treatment to match the embedded broker.
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withStartupTimeout(Duration.ofSeconds(120));
        container.start();
        return new TestcontainersKafka(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        Broker.createTopic(bootstrapServers(), name, partitions, configs, Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        container.stop();
    }
}
