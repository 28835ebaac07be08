package com.pbiexport.devstack.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

class KafkaClusterIT {

    @Test
    void replicatesThreeWaysAndKeepsCommittingTransactionsWhenTheLeaderAndThenTheCoordinatorAreKilled()
            throws Exception {
        try (KafkaCluster cluster = KafkaCluster.start()) {
            assertThat(cluster.size()).isEqualTo(3);
            assertThat(cluster.bootstrapServers().split(",")).hasSize(3);
            cluster.createTopic("orders", 2, Map.of());
            TopicPartition p0 = new TopicPartition("orders", 0);
            try (Admin admin = Admin.create(BrokerAdmin.clientProperties(cluster.bootstrapServers()))) {
                assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).hasSize(3);
                TopicDescription orders = admin.describeTopics(List.of("orders")).allTopicNames()
                        .get(10, TimeUnit.SECONDS).get("orders");
                assertThat(orders.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
                Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "orders")))
                        .all().get(10, TimeUnit.SECONDS).values().iterator().next();
                assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
            }

            String bootstrap = cluster.bootstrapServers();
            Map<String, Object> txId = Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "cluster-it");
            try (KafkaProducer<String, String> producer = TestClients.producer(bootstrap, txId)) {
                producer.initTransactions();
                commit(producer, "before");

                int leader = cluster.leaderOf(p0);
                long pid = cluster.node(leader).pid();
                cluster.node(leader).kill();
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
                commit(producer, "leader killed"); // two of three in sync: min.insync.replicas is met
                assertThat(cluster.leaderOf(p0)).as("a new leader").isNotEqualTo(leader);

                cluster.node(leader).restart();
                cluster.awaitFullyReplicated(Duration.ofSeconds(60));
                int coordinator = cluster.transactionCoordinatorOf("cluster-it");
                cluster.node(coordinator).kill();
                // the transaction state is replicated: another node takes the transactional id over
                commit(producer, "coordinator killed");
                assertThat(cluster.transactionCoordinatorOf("cluster-it")).isNotEqualTo(coordinator);
            }
            try (KafkaConsumer<String, String> consumer = TestClients.consumer(bootstrap, "read_committed")) {
                consumer.assign(List.of(p0));
                consumer.seekToBeginning(List.of(p0));
                assertThat(TestClients.pollValues(consumer, 3, Duration.ofSeconds(30)))
                        .containsExactly("before", "leader killed", "coordinator killed");
            }
        }
    }

    private static void commit(KafkaProducer<String, String> producer, String value) throws Exception {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("orders", 0, "k", value)).get(60, TimeUnit.SECONDS);
        producer.commitTransaction();
    }

}
