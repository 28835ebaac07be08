package com.pbiexport.worker.it;

import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.kafka.EmbeddedKafka;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.config.DeliveryMode;
import com.pbiexport.worker.config.DeliverySettings;
import com.pbiexport.worker.intake.TransactionalDelivery;
import com.pbiexport.worker.publish.Outbox;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code delivery.mode} on the real broker: exactly-once answers each request once as a {@code read_committed}
 * reader sees it, with the offsets in the same transactions; an aborted transaction's records stay invisible; a
 * member the group has moved on from cannot commit; at-least-once still works; and an ExportTo still being
 * answered when its partition is revoked is handed over (the next owner polls it, no second ExportTo).
 */
class ExactlyOnceIT {
    private static WorkerHarness harness;

    @BeforeAll
    static void startStack() {
        harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(200));
    }

    @AfterAll
    static void stopStack() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void answersEveryRequestOnceAndCommitsItsOffsetInTheSameTransactions() {
        try (Lane lane = harness.lane("eos")) {
            assertThat(lane.config().delivery().mode()).isEqualTo(DeliveryMode.EXACTLY_ONCE);
            lane.startWorker();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(lane.publish(request("eos-" + i)));
            }
            lane.publishRaw("garbage", "{not json".getBytes(StandardCharsets.UTF_8));
            lane.awaitOutcomes(ids, Duration.ofSeconds(60));
            assertThat(lane.awaitDeadLetters(1, Duration.ofSeconds(30))).hasSize(1);
            Map<String, List<Outcome>> all = lane.allOutcomes(Duration.ofSeconds(2));
            ids.forEach(id -> assertThat(all.get(id)).as("outcomes of %s", id).hasSize(1)
                    .allSatisfy(o -> assertThat(o.isCompleted()).as(o.describe()).isTrue()));
            // 9 records in: every offset committed through the transactions (nothing left to redeliver)
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(committedTotal(lane.config().kafka().groupId())).isEqualTo(9));
        }
    }

    @Test
    void abortedTransactionsStayInvisibleAndTheirRecordsCommitOnceInTheNextTransaction() throws Exception {
        String topic = topic("abort", 1);
        String group = "it-abort-" + UUID.randomUUID();
        Outbox outbox = new Outbox();
        AtomicBoolean failNextCommit = new AtomicBoolean(true);
        // the first commit fails after the record reached the log
        TransactionalDelivery delivery = new TransactionalDelivery(outbox,
                () -> failingFirstCommit(new KafkaProducer<>(txProps(group + "-i1")), failNextCommit),
                Clock.systemUTC());
        try (KafkaConsumer<byte[], byte[]> member = member(group)) {
            member.subscribe(List.of(topic)); // a member of the group: only members commit offsets
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                member.poll(Duration.ofMillis(100));
                return !member.assignment().isEmpty();
            });
            CompletableFuture<Void> done = outbox.send(0, new ProducerRecord<>(topic, 0, bytes("r1"), bytes("one")));
            delivery.commit(member, Map.of(), true, offsets -> { });
            assertThat(done).as("not complete while its transaction was aborted").isNotDone();
            assertThat(failNextCommit).isFalse();

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
                delivery.commit(member, Map.of(), true, offsets -> { });
                return done.isDone();
            });
            assertThat(done).isCompleted();
            assertThat(read(topic, "read_committed", 1)).as("committed copies").containsExactly("one");
            assertThat(read(topic, "read_uncommitted", 2)).as("the aborted copy reached the log, hidden")
                    .containsExactly("one", "one");
        } finally {
            delivery.close();
        }
    }

    @Test
    void aMemberTheGroupMovedOnFromCannotCommitAnswersOrOffsets() throws Exception {
        String in = topic("zombie-in", 1);
        String out = topic("zombie-out", 1);
        String group = "it-zombie-" + UUID.randomUUID();
        TopicPartition tp = new TopicPartition(in, 0);
        try (KafkaConsumer<byte[], byte[]> first = member(group);
             KafkaConsumer<byte[], byte[]> second = member(group)) {
            first.subscribe(List.of(in));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                first.poll(Duration.ofMillis(100));
                return first.assignment().contains(tp);
            });
            // what a zombie still believes: the generation in which it owned the partition
            ConsumerGroupMetadata stale = first.groupMetadata();
            second.subscribe(List.of(in));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                first.poll(Duration.ofMillis(100));
                second.poll(Duration.ofMillis(100));
                return first.groupMetadata().generationId() > stale.generationId()
                        && second.groupMetadata().generationId() == first.groupMetadata().generationId()
                        && (first.assignment().contains(tp) || second.assignment().contains(tp));
            });
            KafkaConsumer<byte[], byte[]> owner = first.assignment().contains(tp) ? first : second;

            Outbox zombieOutbox = new Outbox();
            TransactionalDelivery zombie = new TransactionalDelivery(zombieOutbox,
                    () -> new KafkaProducer<>(txProps(group + "-zombie")), Clock.systemUTC());
            try {
                CompletableFuture<Void> answer = zombieOutbox.send(0, new ProducerRecord<>(out, 0, bytes("r"),
                        bytes("zombie answer")));
                zombie.commit(zombieView(stale), Map.of(tp, new OffsetAndMetadata(5)), true, offsets -> { });
                assertThat(answer).as("the zombie's answer is dropped, never reported durable")
                        .isCompletedExceptionally();
                assertThat(read(out, "read_committed", 0)).as("read_committed sees no zombie answer").isEmpty();
                assertThat(committedOffsets(group)).as("the zombie committed no offset").doesNotContainKey(tp);
            } finally {
                zombie.close();
            }

            Outbox ownerOutbox = new Outbox();
            TransactionalDelivery current = new TransactionalDelivery(ownerOutbox,
                    () -> new KafkaProducer<>(txProps(group + "-owner")), Clock.systemUTC());
            try {
                CompletableFuture<Void> real = ownerOutbox.send(0, new ProducerRecord<>(out, 0, bytes("r"),
                        bytes("owner answer")));
                current.commit(owner, Map.of(tp, new OffsetAndMetadata(5)), true, offsets -> { });
                assertThat(real).isCompleted();
                assertThat(read(out, "read_committed", 1)).containsExactly("owner answer");
                assertThat(committedOffsets(group).get(tp).offset()).isEqualTo(5);
            } finally {
                current.close();
            }
        }
    }

    /** A consumer as a zombie sees itself: the stale group generation, and no partitions any more. */
    @SuppressWarnings("unchecked")
    private static Consumer<byte[], byte[]> zombieView(ConsumerGroupMetadata stale) {
        return (Consumer<byte[], byte[]>) Proxy.newProxyInstance(Consumer.class.getClassLoader(),
                new Class<?>[] {Consumer.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "groupMetadata" -> stale;
                    case "assignment" -> Set.of();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void atLeastOnceModeStillAnswersEndToEnd() {
        try (Lane lane = harness.lane("alo", c -> c.withDelivery(new DeliverySettings(DeliveryMode.AT_LEAST_ONCE)))) {
            lane.startWorker();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(lane.publish(request("alo-" + i)));
            }
            lane.awaitOutcomes(ids, Duration.ofSeconds(60))
                    .forEach((id, o) -> assertThat(o.isCompleted()).as(o.describe()).isTrue());
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(committedTotal(lane.config().kafka().groupId())).isEqualTo(4));
        }
    }

    @Test
    void anExportToStillBeingAnsweredWhenItsPartitionIsRevokedIsResumedNotStartedAgain() {
        Counters counters = harness.stack().counters();
        try (Lane lane = harness.lane("handover")) {
            lane.startWorker(lane.config().withInstanceId(lane.config().instanceId() + "-a"));
            awaitStableGroup(lane.config().kafka().groupId(), 1);
            long startsBefore = counters.get("exportToCalls");
            harness.faults("{\"powerBiLatencyMillis\":6000}");
            String id;
            try {
                id = lane.publish(request("handover"));
                await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(50))
                        .until(() -> counters.get("exportToCalls") - startsBefore == 1);
            } finally {
                harness.faults("{\"powerBiLatencyMillis\":0}"); // the ExportTo already in the simulator still waits
            }
            // a second member joins while that ExportTo is unanswered: every partition is revoked (eager)
            lane.startWorker(lane.config().withInstanceId(lane.config().instanceId() + "-b"));

            lane.awaitOutcome(id, Duration.ofSeconds(60));
            Map<String, List<Outcome>> all = lane.allOutcomes(Duration.ofSeconds(3));
            assertThat(all.get(id)).hasSize(1).allSatisfy(o -> assertThat(o.isCompleted()).as(o.describe()).isTrue());
            assertThat(counters.get("exportToCalls") - startsBefore)
                    .as("the export accepted during the hand-over is polled by the next owner, not started again")
                    .isEqualTo(1);
        }
    }

    private static ExportRequested request(String name) {
        return ExportRequested.builder("it-" + name + "-" + UUID.randomUUID().toString().substring(0, 8),
                DemoStack.CONTOSO, SALES_WS, SALES_REPORT, ExportFormat.PDF).build();
    }

    private static String topic(String name, int partitions) {
        String t = "it.eos." + name + "." + UUID.randomUUID().toString().substring(0, 6);
        EmbeddedKafka kafka = harness.stack().kafka().orElseThrow();
        kafka.createTopic(t, partitions, Map.of());
        return t;
    }

    /** A producer whose first commit flushes the transaction's records, then fails (the transaction is aborted). */
    @SuppressWarnings("unchecked")
    private static Producer<byte[], byte[]> failingFirstCommit(Producer<byte[], byte[]> real, AtomicBoolean fail) {
        return (Producer<byte[], byte[]>) Proxy.newProxyInstance(Producer.class.getClassLoader(),
                new Class<?>[] {Producer.class}, (proxy, method, args) -> {
                    if (method.getName().equals("commitTransaction") && fail.getAndSet(false)) {
                        real.flush();
                        // a definite failure (a timeout would leave the outcome open: the same commit is retried)
                        throw new KafkaException("injected: the transaction failed");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static Properties txProps(String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, harness.stack().kafkaBootstrap());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    private static KafkaConsumer<byte[], byte[]> member(String group) {
        return member(group, new Properties());
    }

    private static KafkaConsumer<byte[], byte[]> member(String group, Properties extra) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, harness.stack().kafkaBootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.putAll(extra);
        return new KafkaConsumer<>(p);
    }

    /** Every value of the topic's partition 0 visible at {@code isolation}, read until {@code expected} arrived. */
    private static List<String> read(String topic, String isolation, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, harness.stack().kafkaBootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            // read a little past the expected count, so an unexpected extra copy is seen too
            Instant until = Instant.now().plusSeconds(3);
            while (Instant.now().isBefore(until) || values.size() < expected
                    && Instant.now().isBefore(until.plusSeconds(10))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.stack().kafkaBootstrap());
        return Admin.create(p);
    }

    private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(String group) throws Exception {
        try (Admin admin = admin()) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        }
    }

    /** Sum of the group's committed offsets over every partition: the records it is done with. */
    private static long committedTotal(String group) throws Exception {
        return committedOffsets(group).values().stream().filter(o -> o != null)
                .mapToLong(OffsetAndMetadata::offset).sum();
    }

    private static void awaitStableGroup(String groupId, int members) {
        try (Admin admin = admin()) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(groupId)).all()
                        .get(10, TimeUnit.SECONDS).get(groupId);
                return g.groupState() == GroupState.STABLE && g.members().size() == members;
            });
        }
    }
}
