package com.pbiexport.worker.intake;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The consumer thread tells its {@link PartitionListener} (the job-state store) of assignments and commits. */
class IntakeLoopPartitionListenerTest {
    private static final String TOPIC = "pbi.export.requests";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final IntakeLoopTest.PacedConsumer consumer = new IntakeLoopTest.PacedConsumer();
    private final IntakeLoopTest.RecordingHandler handler = new IntakeLoopTest.RecordingHandler();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private IntakeLoop loop;
    private Thread thread;

    private final PartitionListener listener = new PartitionListener() {
        @Override
        public void assigned(Collection<TopicPartition> partitions) {
            events.add("assigned " + partitions + " handed " + handler.handed.size());
        }

        @Override
        public void revoking(Collection<TopicPartition> partitions, Duration patience) {
            events.add("revoking " + partitions + " cancelled " + handler.handed.stream()
                    .filter(h -> h.cancelled().get()).count());
        }

        @Override
        public void released(Collection<TopicPartition> partitions) {
            events.add("released " + partitions);
        }

        @Override
        public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
            offsets.forEach((tp, om) -> events.add("committed " + tp + " " + om.offset()));
        }
    };

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
    void hearsOfTheAssignmentBeforeAnyRecordIsHandedOutAndOfEveryCommit() {
        consumer.subscribe(List.of(TOPIC)); // replaced by the loop's own subscription with its listener
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            consumer.updateBeginningOffsets(Map.of(P0, 0L));
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, null,
                    "{\"requestId\":\"r-0\"}".getBytes(StandardCharsets.UTF_8)));
        });
        loop = new IntakeLoop(consumer, TOPIC, handler, 10, Duration.ZERO, WAIT, Clock.systemUTC(), null, listener,
                new AtLeastOnceDelivery(), Duration.ZERO);
        thread = new Thread(loop, "intake-under-test");
        thread.start();

        await().atMost(WAIT).until(() -> handler.handed.size() == 1);
        handler.handed.get(0).finished().run();
        await().atMost(WAIT).until(() -> events.contains("committed " + P0 + " 1"));

        assertThat(events.get(0)).isEqualTo("assigned [" + P0 + "] handed 0");
    }

    @Test
    void aShutdownHandsOverWorkStillRunningAfterTheDrainTimeoutBeforeItsFinalCommit() throws InterruptedException {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            consumer.updateBeginningOffsets(Map.of(P0, 0L));
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, null,
                    "{\"requestId\":\"r-0\"}".getBytes(StandardCharsets.UTF_8)));
        });
        loop = new IntakeLoop(consumer, TOPIC, handler, 10, Duration.ZERO, Duration.ofMillis(200), Clock.systemUTC(),
                null, listener, new AtLeastOnceDelivery(), Duration.ZERO);
        thread = new Thread(loop, "intake-under-test");
        thread.start();
        await().atMost(WAIT).until(() -> handler.handed.size() == 1);

        loop.shutdown(); // the record never finishes: the drain times out

        assertThat(loop.awaitStopped(WAIT)).isTrue();
        // a graceful stop is a hand-over, not a crash: the job is cancelled, then jobstate gives back its claims
        // (JobStates.revoking) before the final commit, which therefore carries them
        assertThat(events).as("MockConsumer.close() runs no rebalance listener: the drain itself handed it over")
                .filteredOn(e -> !e.startsWith("committed"))
                .containsExactly("assigned [" + P0 + "] handed 0", "revoking [" + P0 + "] cancelled 1");
    }
}
