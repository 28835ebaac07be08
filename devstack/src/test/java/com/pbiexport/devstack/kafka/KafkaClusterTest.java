package com.pbiexport.devstack.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class KafkaClusterTest {

    private static final List<BrokerPorts> PORTS =
            List.of(new BrokerPorts(9001, 9002), new BrokerPorts(9003, 9004), new BrokerPorts(9005, 9006));

    @Test
    void eachNodeListsEveryVoterAndListensOnItsOwnPorts() {
        Map<String, String> node2 = BrokerSettings.clusterNode(2, PORTS, Path.of("/tmp/data"), 3, 2);

        assertThat(node2).containsEntry("node.id", "2")
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:9002,2@127.0.0.1:9004,3@127.0.0.1:9006")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9003,CONTROLLER://127.0.0.1:9004")
                .doesNotContainKey("controller.quorum.bootstrap.servers");
    }

    @Test
    void everyTopicInternalOnesIncludedIsReplicatedThreeWaysAndNeedsTwoInSync() {
        Map<String, String> node = BrokerSettings.clusterNode(1, PORTS, Path.of("/tmp/data"), 3, 2);

        assertThat(node).containsEntry("default.replication.factor", "3")
                .containsEntry("min.insync.replicas", "2")
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2")
                .containsEntry("share.coordinator.state.topic.replication.factor", "3")
                .containsEntry("share.coordinator.state.topic.min.isr", "2")
                .containsEntry("unclean.leader.election.enable", "false");
    }

    @Test
    void rejectsMoreInSyncReplicasThanReplicasOrReplicasThanNodesBeforeStartingAnything() {
        assertThatThrownBy(() -> KafkaCluster.builder().replication(3, 4).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("need 1 <= min.insync.replicas (4) <= replication factor (3) <= nodes (3)");
        assertThatThrownBy(() -> KafkaCluster.builder().nodes(2).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("need 1 <= min.insync.replicas (2) <= replication factor (3) <= nodes (2)");
    }

    @Test
    void portsForThreeNodesAreAllDistinct() {
        List<BrokerPorts> drawn = BrokerPorts.allocate(3);

        assertThat(drawn).hasSize(3);
        assertThat(drawn.stream().flatMap(p -> java.util.stream.Stream.of(p.broker(), p.controller())).distinct())
                .hasSize(6);
    }
}
