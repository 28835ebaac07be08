package com.pbiexport.devstack.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real three-node Apache Kafka cluster (KRaft; each node a combined broker + controller, the three a static
 * quorum) on loopback ports, each node its own JVM (a {@link KafkaProcess}) so a test can SIGKILL any of them and
 * {@link KafkaProcess#restart() restart} it with its data. Production-like durability: every topic, the
 * internal ones included (consumer offsets, transaction state), has replication factor 3 and
 * {@code min.insync.replicas} 2, so the cluster keeps accepting {@code acks=all} writes and transactions with one
 * node down.
 *
 * <pre>{@code
 * try (KafkaCluster cluster = KafkaCluster.start()) {
 *     cluster.createTopic("requests", 3, Map.of());
 *     int leader = cluster.leaderOf(new TopicPartition("requests", 0));
 *     cluster.node(leader).kill();              // SIGKILL: a real crash
 *     cluster.node(leader).restart();
 *     cluster.awaitFullyReplicated(Duration.ofSeconds(60));
 * }
 * }</pre>
 *
 * <p>Node ids are 1..n, {@link #node(int)} by id. Lifecycle methods of the nodes are synchronized per node; the
 * Admin queries open their own short-lived client, so any thread may call them.
 */
public final class KafkaCluster implements Broker {

    private static final Logger log = LoggerFactory.getLogger(KafkaCluster.class);
    public static final int DEFAULT_NODES = 3;
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PROBE = Duration.ofSeconds(2);
    private static final int BIND_ATTEMPTS = 3;
    /** A broker JVM in a cluster does little each; three at the single broker's heap would crowd 2 cores. */
    static final List<String> CLUSTER_JVM_OPTIONS =
            List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true");

    private final Path directory;
    private final List<KafkaProcess> nodes;
    private final Clock clock;
    private boolean closed;

    private KafkaCluster(Path directory, List<KafkaProcess> nodes, Clock clock) {
        this.directory = directory;
        this.nodes = List.copyOf(nodes);
        this.clock = clock;
    }

    /** Starts three nodes with the default settings and waits (up to 90 s) until every one is an unfenced broker. */
    public static KafkaCluster start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every node's client address, so clients find the cluster whichever nodes are down. */
    @Override
    public String bootstrapServers() {
        return nodes.stream().map(KafkaProcess::bootstrapServers).collect(Collectors.joining(","));
    }

    /** The node with this id (1..{@link #size()}): kill, restart, pid, log file. */
    public KafkaProcess node(int nodeId) {
        if (nodeId < 1 || nodeId > nodes.size()) {
            throw new IllegalArgumentException("node id must be 1-" + nodes.size() + ", was " + nodeId);
        }
        return nodes.get(nodeId - 1);
    }

    public int size() {
        return nodes.size();
    }

    /** Creates the topic with the cluster's replication factor (idempotent); returns once every partition has a leader. */
    @Override
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        BrokerAdmin.createTopic(bootstrapServers(), name, partitions, configs, Deadline.after(clock, TOPIC_TIMEOUT));
    }

    /** Id of the node that leads the partition now; fails if it has no leader. */
    public int leaderOf(TopicPartition partition) {
        return query(admin -> {
            TopicDescription topic = admin.describeTopics(List.of(partition.topic())).allTopicNames()
                    .get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(partition.topic());
            Node leader = topic.partitions().get(partition.partition()).leader();
            if (leader == null || leader.isEmpty()) {
                throw new IllegalStateException(partition + " has no leader");
            }
            return leader.id();
        });
    }

    /**
     * Id of the node acting as transaction coordinator for {@code transactionalId} (the leader of its
     * {@code __transaction_state} partition), as {@code describeTransactions} reports it. The producer must have
     * initialised its transactions.
     */
    public int transactionCoordinatorOf(String transactionalId) {
        return query(admin -> admin.describeTransactions(List.of(transactionalId)).description(transactionalId)
                .get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).coordinatorId());
    }

    /**
     * Waits until every partition of every topic (internal ones included) has all its replicas in sync, e.g. after
     * a restarted node caught up: only then does losing another node keep {@code min.insync.replicas}.
     */
    public void awaitFullyReplicated(Duration timeout) {
        Deadline deadline = Deadline.after(clock, timeout);
        List<String> lagging = List.of("(not yet described)");
        try (Admin admin = Admin.create(BrokerAdmin.clientProperties(bootstrapServers()))) {
            while (!deadline.passed()) {
                try {
                    lagging = underReplicated(admin, deadline.sliceMillis(PROBE));
                    if (lagging.isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException notNow) {
                    lagging = List.of(notNow.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for in-sync replicas", e);
                }
            }
        }
        throw new IllegalStateException("not every replica was in sync within " + timeout + "; lagging: " + lagging);
    }

    private static List<String> underReplicated(Admin admin, long sliceMillis)
            throws ExecutionException, TimeoutException, InterruptedException {
        Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                .get(sliceMillis, TimeUnit.MILLISECONDS);
        Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames()
                .get(sliceMillis, TimeUnit.MILLISECONDS);
        List<String> lagging = new ArrayList<>();
        topics.forEach((name, topic) -> {
            for (TopicPartitionInfo p : topic.partitions()) {
                if (p.isr().size() < p.replicas().size()) {
                    lagging.add(name + "-" + p.partition() + " isr " + p.isr().size() + "/" + p.replicas().size());
                }
            }
        });
        return lagging;
    }

    private <T> T query(AdminQuery<T> query) {
        try (Admin admin = Admin.create(BrokerAdmin.clientProperties(bootstrapServers()))) {
            return query.run(admin);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka admin query failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka admin query timed out after " + QUERY_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a Kafka admin query", e);
        }
    }

    @FunctionalInterface
    private interface AdminQuery<T> {
        T run(Admin admin) throws ExecutionException, TimeoutException, InterruptedException;
    }

    /**
     * Kills every node JVM and deletes the storage. Idempotent. No graceful stop: the storage is thrown away, and
     * the last nodes of a cluster that lost its quorum would wait out their controlled shutdown (30 s) in vain.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            closeAll(nodes);
        } finally {
            BrokerStorage.deleteRecursively(directory);
        }
    }

    private static void closeAll(List<KafkaProcess> nodes) {
        RuntimeException failure = null;
        for (KafkaProcess node : nodes) {
            try {
                node.kill();
                node.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Settings for {@link KafkaCluster}; every {@code server.properties} key may be overridden on all nodes. */
    public static final class Builder {
        private final Map<String, String> overrides = new LinkedHashMap<>(KafkaProcess.CRASH_FRIENDLY_DEFAULTS);
        private final KafkaProcess.Builder nodeBuilder = KafkaProcess.builder().jvmOptions(CLUSTER_JVM_OPTIONS);
        private int size = DEFAULT_NODES;
        private int replicationFactor = 3;
        private int minInsyncReplicas = 2;
        private Duration startupTimeout = Duration.ofSeconds(90);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Number of nodes (default 3), each a voter; at least the replication factor. An odd count keeps a quorum
         * with the most nodes down.
         */
        public Builder nodes(int count) {
            this.size = count;
            return this;
        }

        /** Replication factor of every topic (default 3) and the {@code min.insync.replicas} (default 2). */
        public Builder replication(int factor, int minInsync) {
            this.replicationFactor = factor;
            this.minInsyncReplicas = minInsync;
            return this;
        }

        /** Overrides (or adds) one broker setting on every node. */
        public Builder brokerProperty(String key, String value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Replaces each node JVM's options (default {@link #CLUSTER_JVM_OPTIONS}). */
        public Builder jvmOptions(List<String> options) {
            nodeBuilder.jvmOptions(options);
            return this;
        }

        /** Startup (and restart) timeout of the whole cluster and of each node; default 90 s. */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout, "timeout");
            nodeBuilder.startupTimeout(timeout);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            nodeBuilder.clock(clock);
            return this;
        }

        /**
         * Formats every node's storage with one cluster id, launches all node JVMs (none is ready before a
         * quorum of controllers runs) and waits until each is an unfenced broker. A port taken by another
         * process between our probe and a node's bind: every node starts again on fresh ports.
         */
        public KafkaCluster start() {
            if (minInsyncReplicas < 1 || replicationFactor < minInsyncReplicas || size < replicationFactor) {
                throw new IllegalArgumentException("need 1 <= min.insync.replicas (" + minInsyncReplicas
                        + ") <= replication factor (" + replicationFactor + ") <= nodes (" + size + ")");
            }
            Deadline deadline = Deadline.after(clock, startupTimeout);
            for (int attempt = 1; ; attempt++) {
                Path directory = createTempDirectory();
                List<KafkaProcess> nodes = new ArrayList<>();
                try {
                    List<BrokerPorts> ports = BrokerPorts.allocate(size);
                    String clusterId = Uuid.randomUuid().toString();
                    for (int id = 1; id <= size; id++) {
                        nodes.add(prepareNode(directory.resolve("node-" + id), id, ports, clusterId));
                    }
                    nodes.forEach(KafkaProcess::launchNode);
                    nodes.forEach(node -> node.awaitReady(deadline));
                    KafkaCluster cluster = new KafkaCluster(directory, nodes, clock);
                    log.info("Kafka cluster of {} nodes ready at {} (dir {})", size, cluster.bootstrapServers(),
                            directory);
                    return cluster;
                } catch (RuntimeException e) {
                    boolean bindConflict = nodes.stream().anyMatch(KafkaProcess::diedOfBindFailure);
                    closeAll(nodes);
                    BrokerStorage.deleteRecursively(directory);
                    if (!bindConflict || attempt >= BIND_ATTEMPTS || deadline.passed()) {
                        throw e;
                    }
                    log.info("a Kafka cluster port was taken meanwhile; starting again on fresh ports");
                }
            }
        }

        private KafkaProcess prepareNode(Path nodeDirectory, int id, List<BrokerPorts> ports, String clusterId) {
            try {
                Files.createDirectories(nodeDirectory);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + nodeDirectory, e);
            }
            Properties props = BrokerSettings.merge(BrokerSettings.clusterNode(id, ports,
                    nodeDirectory.resolve("data"), replicationFactor, minInsyncReplicas), overrides);
            Path propertiesFile = nodeDirectory.resolve("server.properties");
            BrokerSettings.write(props, propertiesFile);
            BrokerStorage.formatClusterNode(propertiesFile, clusterId);
            return KafkaProcess.clusterNode(nodeBuilder, nodeDirectory, ports.get(id - 1), id);
        }

        private static Path createTempDirectory() {
            try {
                return Files.createTempDirectory("devstack-kafka-cluster-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temp dir for the Kafka cluster", e);
            }
        }
    }
}
