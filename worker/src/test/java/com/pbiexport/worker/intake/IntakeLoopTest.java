package com.pbiexport.worker.intake;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The consumer thread against Kafka's own {@link MockConsumer}: budget, pause/resume, commits, rebalance, drain. */
class IntakeLoopTest {
    private static final String TOPIC = "pbi.export.requests";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final PacedConsumer consumer = new PacedConsumer();
    private final RecordingHandler handler = new RecordingHandler();
    private final RecordingObserver observer = new RecordingObserver();
    private IntakeLoop loop;
    private Thread thread;

    /** MockConsumer.poll returns at once; a real poll waits. Pausing a little keeps the loop from spinning. */
    static final class PacedConsumer extends MockConsumer<byte[], byte[]> {
        /** Every commit, in order (MockConsumer forgets them once closed). */
        final List<Map<TopicPartition, OffsetAndMetadata>> commits = new CopyOnWriteArrayList<>();

        PacedConsumer() {
            super("earliest");
        }

        @Override
        public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets,
                                             org.apache.kafka.clients.consumer.OffsetCommitCallback callback) {
            commits.add(Map.copyOf(offsets));
            super.commitAsync(offsets, callback);
        }

        @Override
        public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            return super.poll(timeout);
        }
    }

    /** One record handed to the handler: its finish callback, and whether it was cancelled. */
    record Handed(ConsumerRecord<byte[], byte[]> record, Runnable finished, AtomicBoolean cancelled, String thread) {
        TopicPartition tp() {
            return new TopicPartition(record.topic(), record.partition());
        }
    }

    static final class RecordingHandler implements RecordHandler {
        final List<Handed> handed = new CopyOnWriteArrayList<>();
        volatile long throwOnOffset = -1;

        @Override
        public Cancellation handle(ConsumerRecord<byte[], byte[]> record, Runnable finished) {
            if (record.offset() == throwOnOffset) {
                throw new IllegalStateException("handler bug");
            }
            AtomicBoolean cancelled = new AtomicBoolean();
            handed.add(new Handed(record, finished, cancelled, Thread.currentThread().getName()));
            return () -> cancelled.set(true);
        }

        Handed get(TopicPartition tp, long offset) {
            return handed.stream().filter(h -> h.tp().equals(tp) && h.record().offset() == offset).findFirst()
                    .orElseThrow(() -> new AssertionError("not handed: " + tp + "@" + offset));
        }
    }

    static final class RecordingObserver implements IntakeObserver {
        final List<Boolean> pauses = new CopyOnWriteArrayList<>();
        final AtomicInteger received = new AtomicInteger();
        final AtomicInteger pollFailures = new AtomicInteger();
        final AtomicInteger commits = new AtomicInteger();

        @Override
        public void received(String topic) {
            received.incrementAndGet();
        }

        @Override
        public void paused(boolean paused) {
            pauses.add(paused);
        }

        @Override
        public void committed(int partitions) {
            commits.incrementAndGet();
        }

        @Override
        public void pollFailed(Exception e) {
            pollFailures.incrementAndGet();
        }
    }

    private void start(int maxQueued, Duration drainTimeout, TopicPartition... assignment) {
        startWith(maxQueued, drainTimeout, () -> { }, assignment);
    }

    /** Starts the loop; {@code firstPoll} runs inside its first poll, right after the assignment. */
    private void startWith(int maxQueued, Duration drainTimeout, Runnable firstPoll, TopicPartition... assignment) {
        Map<TopicPartition, Long> beginning = new java.util.HashMap<>();
        for (TopicPartition tp : assignment) {
            beginning.put(tp, 0L);
        }
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(assignment));
            consumer.updateBeginningOffsets(beginning);
            firstPoll.run();
        });
        loop = new IntakeLoop(consumer, TOPIC, handler, maxQueued, Duration.ZERO, drainTimeout, Clock.systemUTC(),
                observer, PartitionListener.NONE, new AtLeastOnceDelivery(), Duration.ZERO);
        thread = new Thread(loop, "intake-under-test");
        thread.start();
        await().atMost(WAIT).until(() -> consumer.assignment().containsAll(List.of(assignment)));
    }

    private void add(TopicPartition tp, long offset) {
        consumer.addRecord(new ConsumerRecord<>(tp.topic(), tp.partition(), offset, null,
                ("{\"requestId\":\"r-" + offset + "\"}").getBytes(StandardCharsets.UTF_8)));
    }

    /** The last offset committed for a partition, or null. */
    private Long committed(TopicPartition tp) {
        Long last = null;
        for (Map<TopicPartition, OffsetAndMetadata> c : consumer.commits) {
            if (c.containsKey(tp)) {
                last = c.get(tp).offset();
            }
        }
        return last;
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (loop != null) {
            handler.handed.forEach(h -> h.finished().run());
            loop.shutdown();
            assertThat(loop.awaitStopped(WAIT)).isTrue();
            thread.join(WAIT.toMillis());
        }
    }

    @Test
    void rejectsAZeroBudgetNamingTheSetting() {
        assertThatThrownBy(() -> new IntakeLoop(consumer, TOPIC, handler, 0, Duration.ZERO, Duration.ZERO,
                Clock.systemUTC(), null, PartitionListener.NONE, new AtLeastOnceDelivery(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxQueued must be at least 1, was 0");
    }

    @Test
    void handsEveryRecordToTheHandlerInOrder() {
        start(10, WAIT, P0);
        add(P0, 0);
        add(P0, 1);
        add(P0, 2);

        await().atMost(WAIT).until(() -> handler.handed.size() == 3);
        assertThat(handler.handed).extracting(h -> h.record().offset()).containsExactly(0L, 1L, 2L);
        assertThat(handler.handed).extracting(Handed::thread).containsOnly("intake-under-test");
        assertThat(observer.received).hasValue(3);
        assertThat(loop.inFlight()).isEqualTo(3);
    }

    @Test
    void commitsOnlyUpToTheLowestUnfinishedRecord() {
        start(10, WAIT, P0);
        add(P0, 0);
        add(P0, 1);
        add(P0, 2);
        await().atMost(WAIT).until(() -> handler.handed.size() == 3);

        handler.get(P0, 1).finished().run();
        handler.get(P0, 2).finished().run();
        await().atMost(WAIT).until(() -> loop.inFlight() == 1);
        await().atMost(WAIT).until(() -> committed(P0) != null);
        assertThat(committed(P0)).as("record 0 is unfinished: nothing past it may be committed").isZero();

        handler.get(P0, 0).finished().run();
        await().atMost(WAIT).until(() -> Long.valueOf(3).equals(committed(P0)));
        assertThat(loop.inFlight()).isZero();
    }

    @Test
    void pausesWhenTheBudgetIsFullAndResumesAfter() {
        startWith(2, WAIT, () -> {
            for (long o = 0; o < 5; o++) {
                add(P0, o);
            }
        }, P0, P1);
        await().atMost(WAIT).until(() -> handler.handed.size() == 2);
        await().atMost(WAIT).until(() -> consumer.paused().containsAll(List.of(P0, P1)));
        assertThat(observer.pauses).containsExactly(true);

        handler.get(P0, 0).finished().run();
        await().atMost(WAIT).until(() -> handler.handed.size() == 3);
        assertThat(loop.inFlight()).isEqualTo(2);
        assertThat(consumer.paused()).as("records still wait for the budget").containsExactlyInAnyOrder(P0, P1);

        for (long o = 1; o < 5; o++) {
            final long offset = o;
            await().atMost(WAIT).until(() -> handler.handed.stream().anyMatch(h -> h.record().offset() == offset));
            handler.get(P0, o).finished().run();
        }
        await().atMost(WAIT).until(() -> consumer.paused().isEmpty());
        await().atMost(WAIT).until(() -> Long.valueOf(5).equals(committed(P0)));
        assertThat(observer.pauses).containsExactly(true, false);
        assertThat(handler.handed).hasSize(5);
    }

    @Test
    void pausesNewlyAssignedPartitionsWhileTheBudgetIsFull() {
        start(1, WAIT, P0);
        add(P0, 0);
        await().atMost(WAIT).until(() -> consumer.paused().contains(P0));

        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0, P1));
            consumer.updateBeginningOffsets(Map.of(P1, 0L));
        });

        await().atMost(WAIT).until(() -> consumer.assignment().contains(P1));
        await().atMost(WAIT).until(() -> consumer.paused().contains(P1));
    }

    @Test
    void revocationCancelsTheRevokedPartitionsWorkAndCommitsWhatIsFinished() {
        start(10, WAIT, P0, P1);
        add(P0, 0);
        add(P0, 1);
        add(P1, 0);
        await().atMost(WAIT).until(() -> handler.handed.size() == 3);
        handler.get(P0, 0).finished().run();

        consumer.schedulePollTask(() -> consumer.rebalance(List.of(P1)));

        await().atMost(WAIT).until(() -> handler.get(P0, 1).cancelled().get());
        assertThat(committed(P0)).as("finished record 0 committed on revocation").isEqualTo(1L);
        assertThat(handler.get(P1, 0).cancelled()).isFalse();
        assertThat(loop.inFlight()).isEqualTo(1);

        handler.get(P0, 1).finished().run(); // a late completion of revoked work changes nothing
        handler.get(P1, 0).finished().run();
        await().atMost(WAIT).until(() -> Long.valueOf(1).equals(committed(P1)));
        assertThat(committed(P0)).isEqualTo(1L);
        assertThat(loop.inFlight()).isZero();
    }

    @Test
    void lostPartitionsCancelTheirWork() {
        start(10, WAIT, P0);
        add(P0, 0);
        await().atMost(WAIT).until(() -> handler.handed.size() == 1);

        consumer.schedulePollTask(() -> consumer.losePartitions(List.of(P0)));

        await().atMost(WAIT).until(() -> handler.get(P0, 0).cancelled().get());
        assertThat(loop.inFlight()).isZero();
    }

    @Test
    void lostPartitionsAreNotCommittedBecauseAnotherMemberMayOwnThemAlready() {
        start(10, WAIT, P0);
        add(P0, 0);
        await().atMost(WAIT).until(() -> handler.handed.size() == 1);
        java.util.concurrent.atomic.AtomicInteger before = new java.util.concurrent.atomic.AtomicInteger(-1);

        consumer.schedulePollTask(() -> {
            before.set(consumer.commits.size());
            handler.get(P0, 0).finished().run(); // finished just as the partition is lost: revocation would commit it
            consumer.losePartitions(List.of(P0));
        });

        await().atMost(WAIT).until(() -> before.get() >= 0 && consumer.assignment().isEmpty());
        assertThat(consumer.commits.subList(before.get(), consumer.commits.size()))
                .noneMatch(c -> c.containsKey(P0));
    }

    @Test
    void shutdownWaitsForInFlightWorkThenCommitsAndCloses() throws InterruptedException {
        start(10, WAIT, P0);
        add(P0, 0);
        await().atMost(WAIT).until(() -> handler.handed.size() == 1);

        loop.shutdown();
        assertThat(loop.awaitStopped(Duration.ofMillis(300))).as("drains while work is in flight").isFalse();
        handler.get(P0, 0).finished().run();

        assertThat(loop.awaitStopped(WAIT)).isTrue();
        assertThat(consumer.closed()).isTrue();
        assertThat(committed(P0)).isEqualTo(1L);
        assertThat(handler.get(P0, 0).cancelled()).isFalse();
    }

    @Test
    void shutdownCancelsWorkStillRunningAfterTheDrainTimeout() throws InterruptedException {
        start(10, Duration.ofMillis(200), P0);
        add(P0, 0);
        await().atMost(WAIT).until(() -> handler.handed.size() == 1);

        loop.shutdown();

        assertThat(loop.awaitStopped(WAIT)).isTrue();
        assertThat(handler.get(P0, 0).cancelled()).isTrue();
        assertThat(consumer.commits).as("nothing past the unfinished record: the next owner runs it again")
                .allSatisfy(c -> assertThat(c.get(P0).offset()).isZero());
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void stopsTakingRecordsOnShutdown() throws InterruptedException {
        start(1, WAIT, P0);
        add(P0, 0);
        add(P0, 1);
        await().atMost(WAIT).until(() -> handler.handed.size() == 1);

        loop.shutdown();
        handler.get(P0, 0).finished().run();

        assertThat(loop.awaitStopped(WAIT)).isTrue();
        assertThat(handler.handed).as("the waiting record is left for the next owner").hasSize(1);
        assertThat(committed(P0)).isEqualTo(1L);
    }

    @Test
    void keepsRunningWhenAPollFails() {
        start(10, WAIT, P0);
        consumer.setPollException(new KafkaException("broker away"));
        await().atMost(WAIT).until(() -> observer.pollFailures.get() == 1);

        add(P0, 0);

        await().atMost(WAIT).until(() -> handler.handed.size() == 1);
        assertThat(thread.isAlive()).isTrue();
    }

    @Test
    void aHandlerThatThrowsLeavesItsRecordUncommitted() {
        handler.throwOnOffset = 0;
        start(10, Duration.ofMillis(200), P0);
        add(P0, 0);
        add(P0, 1);
        await().atMost(WAIT).until(() -> handler.handed.size() == 1);

        handler.get(P0, 1).finished().run();

        await().atMost(WAIT).until(() -> committed(P0) != null);
        assertThat(committed(P0)).isZero();
        assertThat(thread.isAlive()).isTrue();
    }
}
