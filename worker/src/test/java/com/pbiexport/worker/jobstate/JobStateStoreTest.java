package com.pbiexport.worker.jobstate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Loading job states on assignment: same partition numbers, tombstones applied, forgotten on release. */
class JobStateStoreTest {
    private static final String TOPIC = "jobstate";
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

    private final MockConsumer<byte[], byte[]> reader = new MockConsumer<>("earliest");
    private final AtomicInteger flushes = new AtomicInteger();
    private final JobStateStore store = new JobStateStore(reader, TOPIC, Duration.ofSeconds(5), flushes::incrementAndGet,
            Clock.systemUTC());

    private void topicWithPartitions(int n) {
        List<PartitionInfo> infos = new ArrayList<>();
        Map<TopicPartition, Long> zero = new HashMap<>();
        for (int p = 0; p < n; p++) {
            infos.add(new PartitionInfo(TOPIC, p, Node.noNode(), new Node[0], new Node[0]));
            zero.put(new TopicPartition(TOPIC, p), 0L);
        }
        reader.updatePartitions(TOPIC, infos);
        reader.updateBeginningOffsets(zero);
    }

    private static JobState state(String requestId, String exportId) {
        return new JobState(requestId, "contoso", "ws", "rep", exportId, 1, NOW, JobState.STATUS_RUNNING,
                NOW.plus(Duration.ofHours(24)));
    }

    private static ConsumerRecord<byte[], byte[]> record(int partition, long offset, String key, JobState value) {
        return new ConsumerRecord<>(TOPIC, partition, offset, key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.toJson());
    }

    @Test
    void loadsTheStatesOfTheSamePartitionNumberAndAppliesTombstones() {
        topicWithPartitions(3);
        reader.updateEndOffsets(Map.of(new TopicPartition(TOPIC, 1), 3L));
        reader.schedulePollTask(() -> {
            reader.addRecord(record(1, 0, "r-a", state("r-a", "e-a")));
            reader.addRecord(record(1, 1, "r-b", state("r-b", "e-b")));
            reader.addRecord(record(1, 2, "r-a", null));
        });

        store.assigned(List.of(new TopicPartition("requests", 1)));

        assertThat(store.find("r-b")).map(JobState::exportId).contains("e-b");
        assertThat(store.find("r-a")).as("ended by a tombstone").isEmpty();
        assertThat(store.size()).isEqualTo(1);
        assertThat(reader.assignment()).as("the reader leaves nothing assigned").isEmpty();
        assertThat(store.writable(1)).isTrue();
        assertThat(store.writable(2)).as("not assigned here").isFalse();
    }

    @Test
    void aDoneStateStaysUntilItsTombstoneEvenWhenAPastOwnersLateRunningStateFollowsIt() {
        topicWithPartitions(2);
        reader.updateEndOffsets(Map.of(new TopicPartition(TOPIC, 1), 5L));
        JobState done = new JobState("r-d", "contoso", "ws", "rep", "e-new", 1, NOW, JobState.STATUS_DONE,
                NOW.plus(Duration.ofHours(24)));
        reader.schedulePollTask(() -> {
            reader.addRecord(record(1, 0, "r-d", state("r-d", "e-new")));
            reader.addRecord(record(1, 1, "r-d", done));
            reader.addRecord(record(1, 2, "r-d", state("r-d", "e-old"))); // written late by the past owner
            reader.addRecord(record(1, 3, "r-e", state("r-e", "e-1")));
            reader.addRecord(record(1, 4, "r-e", state("r-e", "e-2"))); // a busy restart: the later export wins
        });

        store.assigned(List.of(new TopicPartition("requests", 1)));

        assertThat(store.find("r-d")).hasValueSatisfying(s -> {
            assertThat(s.isDone()).as("answered: a redelivery is skipped, not answered twice").isTrue();
            assertThat(s.exportId()).isEqualTo("e-new");
        });
        assertThat(store.find("r-e")).map(JobState::exportId).contains("e-2");
    }

    @Test
    void waitsForRunningStatesWrittenBehindAnOpenTransactionUntilItIsResolved() {
        topicWithPartitions(2);
        TopicPartition state1 = new TopicPartition(TOPIC, 1);
        reader.updateEndOffsets(Map.of(state1, 1L)); // read_committed: stable up to the open transaction
        store.waitingForOpenTransactions(tps -> Map.of(state1, 3L)); // written: two records behind it
        reader.schedulePollTask(() -> reader.addRecord(record(1, 0, "r-a", state("r-a", "e-a"))));
        reader.schedulePollTask(() -> { }); // still open
        reader.schedulePollTask(() -> { // aborted: the immediate running write behind it becomes visible
            reader.addRecord(record(1, 2, "r-b", state("r-b", "e-b")));
        });

        store.assigned(List.of(new TopicPartition("requests", 1)));

        assertThat(store.find("r-a")).map(JobState::exportId).contains("e-a");
        assertThat(store.find("r-b")).as("not started again").map(JobState::exportId).contains("e-b");
    }

    @Test
    void keepsWhatWasReadUpToTheStableOffsetWhenAnOpenTransactionOutlastsTheLoad() {
        JobStateStore patient = new JobStateStore(reader, TOPIC, Duration.ofMillis(400), () -> { }, Clock.systemUTC())
                .waitingForOpenTransactions(tps -> Map.of(new TopicPartition(TOPIC, 0), 9L));
        topicWithPartitions(1);
        reader.updateEndOffsets(Map.of(new TopicPartition(TOPIC, 0), 1L));
        reader.schedulePollTask(() -> reader.addRecord(record(0, 0, "r-c", state("r-c", "e-c"))));

        patient.assigned(List.of(new TopicPartition("requests", 0)));

        assertThat(patient.find("r-c")).as("as without the wait").map(JobState::exportId).contains("e-c");
    }

    @Test
    void releasedPartitionsForgetTheirStatesAfterFlushingPendingWrites() {
        topicWithPartitions(2);
        reader.updateEndOffsets(Map.of(new TopicPartition(TOPIC, 0), 1L));
        reader.schedulePollTask(() -> reader.addRecord(record(0, 0, "r-c", state("r-c", "e-c"))));
        store.assigned(List.of(new TopicPartition("requests", 0)));
        assertThat(store.find("r-c")).isPresent();

        store.released(List.of(new TopicPartition("requests", 0)));

        assertThat(store.find("r-c")).isEmpty();
        assertThat(flushes).hasValue(1);
    }

    @Test
    void aMissingJobStateTopicMeansNothingToResume() {
        store.assigned(List.of(new TopicPartition("requests", 0)));

        assertThat(store.size()).isZero();
        assertThat(store.find("anything")).isEmpty();
        assertThat(store.writable(0)).as("a write would block on metadata").isFalse();
    }

    @Test
    void aRequestPartitionWithoutAJobStatePartitionIsNotWritable() {
        topicWithPartitions(1);
        reader.updateEndOffsets(Map.of(new TopicPartition(TOPIC, 0), 0L));

        store.assigned(List.of(new TopicPartition("requests", 0), new TopicPartition("requests", 3)));

        assertThat(store.writable(0)).isTrue();
        assertThat(store.writable(3)).isFalse();
        store.released(List.of(new TopicPartition("requests", 0)));
        assertThat(store.writable(0)).isFalse();
    }

    @Test
    void jobStateJsonRoundTripsAndExpiredStatesAreNotResumable() {
        JobState s = state("r-d", "e-d");

        assertThat(JobState.fromJson(s.toJson())).contains(s);
        assertThat(JobState.fromJson("not json".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(s.resumableAt(NOW.plusSeconds(60))).isTrue();
        assertThat(s.resumableAt(NOW.plus(Duration.ofHours(25)))).isFalse();
    }
}
