package com.pbiexport.worker.intake;

import com.pbiexport.worker.publish.Outbox;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The consumer thread with {@link TransactionalDelivery}: offsets, answers and hand-over go through transactions. */
class IntakeLoopExactlyOnceTest {
    private static final String TOPIC = "pbi.export.requests";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final IntakeLoopTest.PacedConsumer consumer = new IntakeLoopTest.PacedConsumer();
    private final IntakeLoopTest.RecordingHandler handler = new IntakeLoopTest.RecordingHandler();
    private final Outbox outbox = new Outbox();
    private final List<MockProducer<byte[], byte[]>> producers = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private IntakeLoop loop;
    private Thread thread;

    /** Like the router: an export accepted while the partition is revoked queues its job state during the wait. */
    private final PartitionListener listener = new PartitionListener() {
        @Override
        public void assigned(Collection<TopicPartition> partitions) {
        }

        @Override
        public void revoking(Collection<TopicPartition> partitions, Duration patience) {
            events.add("revoking " + partitions + " patience " + patience);
            partitions.forEach(tp -> outbox.send(tp.partition(), record("started state of " + tp)));
        }

        @Override
        public void released(Collection<TopicPartition> partitions) {
            events.add("released " + partitions + " after " + committedValues().size() + " committed");
        }
    };

    @AfterEach
    void stop() throws InterruptedException {
        if (loop != null) {
            loop.shutdown();
            assertThat(loop.awaitStopped(WAIT)).isTrue();
            thread.join(WAIT.toMillis());
        }
    }

    private void start(Duration drainTimeout) {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0, P1));
            consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        });
        TransactionalDelivery delivery = new TransactionalDelivery(outbox, () -> {
            MockProducer<byte[], byte[]> p = new MockProducer<>(true, null, new ByteArraySerializer(),
                    new ByteArraySerializer());
            producers.add(p);
            return p;
        }, Clock.systemUTC());
        loop = new IntakeLoop(consumer, TOPIC, handler, 10, Duration.ZERO, drainTimeout, Clock.systemUTC(), null,
                listener, delivery, Duration.ofSeconds(7));
        thread = new Thread(loop, "intake-under-test");
        thread.start();
        await().atMost(WAIT).until(() -> consumer.assignment().containsAll(List.of(P0, P1)));
    }

    /** Answers a handed record the way the router does: through the outbox, finished once committed. */
    private void answer(IntakeLoopTest.Handed h) {
        outbox.send(h.record().partition(), record("answer " + h.record().offset()))
                .thenRun(h.finished());
    }

    @Test
    void commitsOffsetsInTheTransactionWithTheAnswersNeverThroughTheConsumer() {
        start(WAIT);
        add(P0, 0);
        add(P0, 1);
        await().atMost(WAIT).until(() -> handler.handed.size() == 2);
        handler.handed.forEach(this::answer);

        await().atMost(WAIT).until(() -> transactionalOffsets().contains(Map.of(P0, new OffsetAndMetadata(2))));
        assertThat(committedValues()).containsExactly("answer 0", "answer 1");
        assertThat(consumer.commits).as("no consumer commit in exactly-once mode").isEmpty();
    }

    @Test
    void shutdownCommitsAnswersThatArriveDuringTheDrainWithoutWaitingOutItsTimeout() throws InterruptedException {
        start(Duration.ofSeconds(30));
        add(P0, 0);
        await().atMost(WAIT).until(() -> handler.handed.size() == 1);
        Instant asked = Instant.now();
        loop.shutdown();
        answer(handler.handed.get(0)); // the export finishes while the loop drains

        assertThat(loop.awaitStopped(Duration.ofSeconds(20))).isTrue();
        assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofSeconds(10));
        assertThat(committedValues()).containsExactly("answer 0");
        assertThat(transactionalOffsets()).contains(Map.of(P0, new OffsetAndMetadata(1)));
        loop = null;
    }

    @Test
    void revocationHandsTheJobStatesQueuedDuringItsWaitToTheNextOwnerBeforeReleasing() {
        start(WAIT);
        add(P1, 0);
        await().atMost(WAIT).until(() -> handler.handed.size() == 1);

        consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));

        await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.startsWith("released")));
        assertThat(handler.handed.get(0).cancelled()).isTrue();
        assertThat(events).containsExactly("revoking [" + P1 + "] patience PT7S", "released [" + P1 + "] after 1 committed");
        assertThat(committedValues()).containsExactly("started state of " + P1);
    }

    private void add(TopicPartition tp, long offset) {
        consumer.addRecord(new ConsumerRecord<>(tp.topic(), tp.partition(), offset, null,
                ("{\"requestId\":\"r-" + offset + "\"}").getBytes(StandardCharsets.UTF_8)));
    }

    private static ProducerRecord<byte[], byte[]> record(String value) {
        return new ProducerRecord<>("results", 0, null, value.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> committedValues() {
        return producers.stream().flatMap(p -> p.history().stream())
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    private List<Map<TopicPartition, OffsetAndMetadata>> transactionalOffsets() {
        return producers.stream().flatMap(p -> p.consumerGroupOffsetsHistory().stream())
                .flatMap(m -> m.values().stream()).toList();
    }
}
