package com.pbiexport.devstack.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Admin-client operations every broker flavour shares: readiness and topic creation. */
final class BrokerAdmin {

    /** How long one readiness probe may block; short so a dead broker process is noticed quickly. */
    private static final Duration PROBE = Duration.ofSeconds(2);

    private BrokerAdmin() {
    }

    /**
     * Waits until the broker answers {@code describeCluster} with at least one node, i.e. it has registered
     * and is unfenced. The Admin client's own retry backoff paces the loop; {@code running} lets a caller
     * whose broker died stop waiting at once, and {@code diagnostics} adds its log tail to the failure.
     */
    static void awaitReady(String bootstrapServers, Deadline deadline, BooleanSupplier running,
            Supplier<String> diagnostics) {
        awaitReady(bootstrapServers, 0, deadline, running, diagnostics);
    }

    /**
     * The same, for one node of a cluster: ready once {@code nodeId} itself is among the unfenced brokers (the
     * others' answer lists only the live ones, so a restarted node is not ready merely because it answers).
     * {@code nodeId} 0: any node will do.
     */
    static void awaitReady(String bootstrapServers, int nodeId, Deadline deadline, BooleanSupplier running,
            Supplier<String> diagnostics) {
        try (Admin admin = Admin.create(clientProperties(bootstrapServers))) {
            while (true) {
                if (!running.getAsBoolean()) {
                    throw new IllegalStateException("Kafka broker at " + bootstrapServers
                            + " stopped before it became ready." + diagnostics.get());
                }
                if (deadline.passed()) {
                    throw new IllegalStateException("Kafka broker at " + bootstrapServers
                            + " was not ready before the deadline; a loaded machine may need a longer startup timeout."
                            + diagnostics.get());
                }
                long slice = deadline.sliceMillis(PROBE);
                try {
                    Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) slice))
                            .nodes().get(slice + 1_000, TimeUnit.MILLISECONDS);
                    if (nodeId == 0 ? !nodes.isEmpty() : nodes.stream().anyMatch(n -> n.id() == nodeId)) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException notYet) {
                    // not listening or not registered yet: probe again until the deadline
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka at " + bootstrapServers, e);
                }
            }
        }
    }

    /**
     * Creates a topic and waits until every partition has a leader, so a producer can write at once.
     * Idempotent: an existing topic with the same partition count is accepted; a different count is an error
     * because silently keeping it would make partition-sensitive tests lie.
     */
    static void createTopic(String bootstrapServers, String name, int partitions, Map<String, String> configs,
            Deadline deadline) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        try (Admin admin = Admin.create(clientProperties(bootstrapServers))) {
            NewTopic topic = new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(Map.copyOf(configs));
            try {
                admin.createTopics(List.of(topic)).all().get(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
                }
            }
            awaitLeaders(admin, name, partitions, deadline);
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topic " + name + " did not finish before the deadline", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    private static void awaitLeaders(Admin admin, String name, int partitions, Deadline deadline)
            throws InterruptedException, TimeoutException {
        while (!deadline.passed()) {
            try {
                TopicDescription description = admin.describeTopics(List.of(name)).allTopicNames()
                        .get(deadline.sliceMillis(PROBE), TimeUnit.MILLISECONDS).get(name);
                if (description.partitions().size() != partitions) {
                    throw new IllegalStateException("topic " + name + " already exists with "
                            + description.partitions().size() + " partitions, not " + partitions
                            + "; delete it or use another name");
                }
                if (description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("cannot describe topic " + name + ": " + e.getCause(), e.getCause());
                }
                // metadata not propagated yet
            }
        }
        throw new TimeoutException("partitions of " + name + " got no leader in time");
    }

    static Properties clientProperties(String bootstrapServers) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "devstack-kafka-admin");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        return props;
    }
}
