package com.pbiexport.worker.intake;

import com.pbiexport.devstack.sim.ManualClock;
import com.pbiexport.worker.publish.Outbox;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionalDeliveryTest {
    private static final String REQUESTS = "requests";
    private static final TopicPartition P0 = new TopicPartition(REQUESTS, 0);
    private static final TopicPartition P1 = new TopicPartition(REQUESTS, 1);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-30T12:00:00Z"));
    private final Outbox outbox = new Outbox();
    private final List<MockProducer<byte[], byte[]>> producers = new ArrayList<>();
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final List<Map<TopicPartition, OffsetAndMetadata>> committed = new ArrayList<>();
    private TransactionalDelivery delivery;

    @BeforeEach
    void setUp() {
        delivery = new TransactionalDelivery(outbox, () -> {
            MockProducer<byte[], byte[]> p = new MockProducer<>(true, null, new ByteArraySerializer(),
                    new ByteArraySerializer());
            producers.add(p);
            return p;
        }, clock);
        consumer.assign(List.of(P0, P1));
    }

    @Test
    void initialisesTransactionsBeforeTheFirstPollSoAPredecessorsOpenTransactionIsAbortedBeforeStatesLoad() {
        delivery.open();

        assertThat(producers).singleElement().satisfies(p -> assertThat(p.transactionInitialized()).isTrue());
        delivery.commit(consumer, Map.of(P0, new OffsetAndMetadata(3)), true, committed::add);
        assertThat(producers).as("the producer opened early is the one that commits").hasSize(1);
        assertThat(producers.get(0).transactionCommitted()).isTrue();
    }

    @Test
    void sendsQueuedRecordsAndOffsetsInOneTransactionAndCompletesThemOnlyAfterItCommitted() {
        CompletableFuture<Void> answer = outbox.send(0, List.of(record("outcome"), record("done-state")));
        assertThat(answer).isNotDone();

        delivery.commit(consumer, Map.of(P0, new OffsetAndMetadata(7)), false, committed::add);

        MockProducer<byte[], byte[]> p = producers.get(0);
        assertThat(p.transactionInitialized()).isTrue();
        assertThat(p.transactionCommitted()).isTrue();
        assertThat(values(p)).containsExactly("outcome", "done-state");
        assertThat(p.consumerGroupOffsetsHistory()).hasSize(1);
        assertThat(answer).isCompleted();
        assertThat(committed).containsExactly(Map.of(P0, new OffsetAndMetadata(7)));
    }

    @Test
    void runsNoTransactionWhenNothingIsQueuedAndNoCommitIsDue() {
        delivery.commit(consumer, Map.of(P0, new OffsetAndMetadata(7)), false, committed::add);

        assertThat(producers).isEmpty();
        assertThat(committed).isEmpty();
    }

    @Test
    void keepsTheRecordsOfAFailedTransactionAndCommitsThemInTheNextAfterABackoff() {
        CompletableFuture<Void> answer = outbox.send(0, record("outcome"));
        delivery.commit(consumer, Map.of(), true, committed::add); // creates the producer
        CompletableFuture<Void> second = outbox.send(1, record("second"));
        MockProducer<byte[], byte[]> p = producers.get(0);
        p.commitTransactionException = new KafkaException("broker away");

        delivery.commit(consumer, Map.of(P1, new OffsetAndMetadata(3)), true, committed::add);
        assertThat(second).isNotDone();
        assertThat(p.transactionAborted()).isTrue();
        assertThat(committed).isEmpty();

        p.commitTransactionException = null;
        delivery.commit(consumer, Map.of(P1, new OffsetAndMetadata(3)), true, committed::add);
        assertThat(second).as("waits out the backoff").isNotDone();

        clock.advance(Duration.ofSeconds(1));
        delivery.commit(consumer, Map.of(P1, new OffsetAndMetadata(3)), true, committed::add);
        assertThat(answer).isCompleted();
        assertThat(second).isCompleted();
        assertThat(committed).containsExactly(Map.of(P1, new OffsetAndMetadata(3)));
        assertThat(values(p)).containsExactly("outcome", "second");
    }

    @Test
    void aCommitThatTimedOutIsRetriedAsTheSameCommitNeverBySendingItsRecordsAgain() {
        delivery.commit(consumer, Map.of(P0, new OffsetAndMetadata(1)), true, committed::add);
        MockProducer<byte[], byte[]> p = producers.get(0);
        CompletableFuture<Void> answer = outbox.send(0, record("answer"));
        p.commitTransactionException = new org.apache.kafka.common.errors.TimeoutException("EndTxn timed out");

        delivery.commit(consumer, Map.of(P0, new OffsetAndMetadata(2)), true, committed::add);
        assertThat(answer).as("it may or may not have committed").isNotDone();

        p.commitTransactionException = null;
        clock.advance(Duration.ofSeconds(1));
        delivery.commit(consumer, Map.of(P0, new OffsetAndMetadata(2)), true, committed::add);

        assertThat(answer).isCompleted();
        assertThat(values(p)).as("sent once").containsExactly("answer");
        assertThat(committed).containsExactly(Map.of(P0, new OffsetAndMetadata(1)), Map.of(P0, new OffsetAndMetadata(2)));
        assertThat(producers).hasSize(1);
    }

    @Test
    void fencingRecreatesTheProducerAndDropsOnlyRecordsOfPartitionsNoLongerOwned() {
        delivery.commit(consumer, Map.of(P0, new OffsetAndMetadata(1)), true, committed::add);
        producers.get(0).fenceProducer();
        CompletableFuture<Void> owned = outbox.send(0, record("still ours"));
        CompletableFuture<Void> moved = outbox.send(1, record("moved away"));
        consumer.assign(List.of(P0)); // partition 1 went to another member

        delivery.commit(consumer, Map.of(), true, committed::add);
        assertThat(moved).isCompletedExceptionally();
        assertThat(owned).isNotDone();
        assertThat(producers.get(0).closed()).isTrue();

        clock.advance(Duration.ofSeconds(1));
        delivery.commit(consumer, Map.of(), true, committed::add);
        assertThat(producers).hasSize(2);
        assertThat(owned).isCompleted();
        assertThat(values(producers.get(1))).containsExactly("still ours");
    }

    @Test
    void handOverCommitsNowAndDropsWhatCouldNotBeCommittedForTheRevokedPartitions() {
        delivery.commit(consumer, Map.of(P0, new OffsetAndMetadata(1)), true, committed::add);
        producers.get(0).commitTransactionException = new KafkaException("broker away");
        CompletableFuture<Void> revoked = outbox.send(1, record("state of a started export"));
        CompletableFuture<Void> kept = outbox.send(0, record("answer"));

        delivery.handOver(consumer, List.of(P1), Map.of(P1, new OffsetAndMetadata(4)), committed::add);

        assertThat(revoked).as("the next owner answers it").isCompletedExceptionally();
        assertThat(kept).isNotDone();
    }

    @Test
    void runsNoTransactionWhileTheConsumerIsNotAMemberOfTheGroup() {
        MockConsumer<byte[], byte[]> left = new MockConsumer<>("earliest") {
            @Override
            public synchronized org.apache.kafka.clients.consumer.ConsumerGroupMetadata groupMetadata() {
                // what a consumer reports after leaving the group (missed max.poll.interval): no generation
                return new org.apache.kafka.clients.consumer.ConsumerGroupMetadata("g", -1, "",
                        java.util.Optional.empty());
            }
        };
        CompletableFuture<Void> answer = outbox.send(0, record("answer"));

        delivery.commit(left, Map.of(P0, new OffsetAndMetadata(3)), true, committed::add);

        assertThat(producers).isEmpty();
        assertThat(answer).isNotDone();
        assertThat(committed).isEmpty();
    }

    @Test
    void lostPartitionsLoseTheirQueuedRecords() {
        CompletableFuture<Void> lost = outbox.send(1, record("x"));
        CompletableFuture<Void> kept = outbox.send(0, record("y"));

        delivery.lost(List.of(P1));

        assertThat(lost).isCompletedExceptionally();
        assertThat(kept).isNotDone();
        assertThat(producers).isEmpty();
    }

    private static ProducerRecord<byte[], byte[]> record(String value) {
        return new ProducerRecord<>("results", 0, "k".getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> values(MockProducer<byte[], byte[]> p) {
        return p.history().stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }
}
