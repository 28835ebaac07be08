package com.pbiexport.worker.app;

import com.pbiexport.devstack.kafka.Broker;
import com.pbiexport.testkit.KafkaFixture;
import com.pbiexport.worker.config.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Missing or mis-configured topics fail readiness with the fix, and {@code topics.create=true} creates them right
 * (issue 13, item 4), against a real broker.
 */
class TopicCheckIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static Broker kafka;
    private static Admin admin;

    @BeforeAll
    static void start() {
        kafka = KafkaFixture.start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Topics topics(boolean create) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        return new Topics("t." + id + ".requests", "t." + id + ".results", "t." + id + ".jobstate",
                "t." + id + ".deadletter", create);
    }

    @Test
    void missingTopicsAreNamedWithTheirSettingAndTheFix() throws Exception {
        Topics t = topics(false);
        kafka.createTopic(t.requests(), 3, Map.of());

        List<String> problems = new TopicCheck(admin, t, TIMEOUT).run();

        assertThat(problems).hasSize(3);
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("topic " + t.jobState()
                + " (topics.jobState) does not exist").contains("cleanup.policy=compact").contains("topics.create=true"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("topic " + t.results() + " (topics.results)"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("topic " + t.deadLetter() + " (topics.deadLetter)"));
    }

    @Test
    void aJobStateTopicThatIsNotCompactedIsAProblem() throws Exception {
        Topics t = topics(false);
        kafka.createTopic(t.requests(), 3, Map.of());
        kafka.createTopic(t.results(), 3, Map.of());
        kafka.createTopic(t.jobState(), 3, Map.of("cleanup.policy", "delete"));
        kafka.createTopic(t.deadLetter(), 1, Map.of());

        assertThat(new TopicCheck(admin, t, TIMEOUT).run()).singleElement().asString()
                .startsWith("topic " + t.jobState() + " (topics.jobState) has cleanup.policy=delete, must be compacted")
                .contains("--add-config cleanup.policy=compact");
    }

    @Test
    void aJobStateTopicWithFewerPartitionsThanRequestsIsAProblem() throws Exception {
        Topics t = topics(false);
        kafka.createTopic(t.requests(), 6, Map.of());
        kafka.createTopic(t.results(), 3, Map.of());
        kafka.createTopic(t.jobState(), 3, Map.of("cleanup.policy", "compact"));
        kafka.createTopic(t.deadLetter(), 1, Map.of());

        assertThat(new TopicCheck(admin, t, TIMEOUT).run()).singleElement().asString()
                .contains("has 3 partition(s), fewer than the 6 of " + t.requests()).contains("--partitions 6");
    }

    @Test
    void fitTopicsPass() throws Exception {
        Topics t = topics(false);
        kafka.createTopic(t.requests(), 3, Map.of());
        kafka.createTopic(t.results(), 3, Map.of());
        kafka.createTopic(t.jobState(), 3, Map.of("cleanup.policy", "compact"));
        kafka.createTopic(t.deadLetter(), 1, Map.of());

        assertThat(new TopicCheck(admin, t, TIMEOUT).run()).isEmpty();
    }

    @Test
    void createTrueCreatesTheJobStateTopicCompactedWithTheRequestTopicsPartitions() throws Exception {
        Topics t = topics(true);
        kafka.createTopic(t.requests(), 5, Map.of());

        assertThat(new TopicCheck(admin, t, TIMEOUT).run()).isEmpty();

        Map<String, TopicDescription> d = admin.describeTopics(List.of(t.results(), t.jobState(), t.deadLetter()))
                .allTopicNames().get();
        assertThat(d).containsOnlyKeys(t.results(), t.jobState(), t.deadLetter());
        assertThat(d.get(t.jobState()).partitions()).hasSize(5);
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, t.jobState());
        assertThat(admin.describeConfigs(List.of(r)).all().get().get(r).get("cleanup.policy").value())
                .isEqualTo("compact");
        assertThat(new TopicCheck(admin, t, TIMEOUT).run()).as("a second run finds them fit").isEmpty();
    }
}
