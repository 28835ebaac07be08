package com.pbiexport.devstack.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A running Kafka broker, whatever runs it ({@link EmbeddedKafka} in this JVM, {@link KafkaProcess} in another;
 * tests also get a container from the testkit's {@code KafkaFixture}). Closing it stops the broker and removes
 * its storage.
 */
public interface Broker extends AutoCloseable {
    /** {@code host:port} list for {@code bootstrap.servers}. */
    String bootstrapServers();

    /** Creates the topic (idempotent) and returns once every partition has a leader. */
    void createTopic(String name, int partitions, Map<String, String> configs);

    @Override
    void close();

    /**
     * What {@link #createTopic} does, for a broker this package does not run (a container): idempotent, waits
     * until every partition has a leader, gives up after {@code timeout}.
     */
    static void createTopic(String bootstrapServers, String name, int partitions, Map<String, String> configs,
            Duration timeout) {
        BrokerAdmin.createTopic(bootstrapServers, name, partitions, configs, Deadline.after(Clock.systemUTC(), timeout));
    }
}
