package com.pbiexport.devstack.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The {@code server.properties} of a single-node combined (broker + controller) KRaft broker, shared by the
 * in-process {@link EmbeddedKafka} and the separate-JVM {@link KafkaProcess} so both behave alike.
 */
final class BrokerSettings {

    private BrokerSettings() {
    }

    /** Defaults that make a one-node cluster fully functional (transactions, groups, share groups) and small. */
    static Map<String, String> defaults(BrokerPorts ports, Path dataDir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", ports.controllerAddress());
        p.put("listeners", "PLAINTEXT://" + ports.bootstrapServers() + ",CONTROLLER://" + ports.controllerAddress());
        p.put("advertised.listeners",
                "PLAINTEXT://" + ports.bootstrapServers() + ",CONTROLLER://" + ports.controllerAddress());
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.toAbsolutePath().toString());
        // Internal topics default to replication factor 3, which a single node can never satisfy: transactions
        // and consumer groups would hang waiting for their coordinator topics.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Sized for a 2-core dev machine and a small heap; the log cleaner's default buffer alone is 128 MB.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        return p;
    }

    /**
     * One node of a {@link KafkaCluster}: a combined broker + controller among {@code all.size()} voters (node ids
     * 1..n, a static quorum), with production-like durability: every topic, internal ones included, replicated to
     * {@code replicationFactor} nodes and writable while {@code minInsyncReplicas} of them are in sync.
     */
    static Map<String, String> clusterNode(int nodeId, List<BrokerPorts> all, Path dataDir, int replicationFactor,
            int minInsyncReplicas) {
        BrokerPorts own = all.get(nodeId - 1);
        Map<String, String> p = defaults(own, dataDir);
        p.remove("controller.quorum.bootstrap.servers");
        p.put("node.id", String.valueOf(nodeId));
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < all.size(); i++) {
            voters.append(i == 0 ? "" : ",").append(i + 1).append('@').append(all.get(i).controllerAddress());
        }
        p.put("controller.quorum.voters", voters.toString());
        String rf = String.valueOf(replicationFactor);
        String minIsr = String.valueOf(minInsyncReplicas);
        p.put("default.replication.factor", rf);
        p.put("min.insync.replicas", minIsr);
        p.put("offsets.topic.replication.factor", rf);
        p.put("transaction.state.log.replication.factor", rf);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", rf);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        // a replica that lost its leader must never become leader with missing records
        p.put("unclean.leader.election.enable", "false");
        return p;
    }

    static Properties merge(Map<String, String> defaults, Map<String, String> overrides) {
        Properties props = new Properties();
        props.putAll(defaults);
        props.putAll(overrides);
        return props;
    }

    static void write(Properties props, Path file) {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(out, "KRaft broker written by devstack");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
