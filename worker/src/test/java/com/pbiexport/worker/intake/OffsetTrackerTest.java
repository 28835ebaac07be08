package com.pbiexport.worker.intake;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTrackerTest {
    private static final TopicPartition P0 = new TopicPartition("requests", 0);
    private static final TopicPartition P1 = new TopicPartition("requests", 1);

    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void commitsNothingBeforeAnyRecordIsSeen() {
        assertThat(tracker.committable()).isEmpty();
        assertThat(tracker.unfinishedCount()).isZero();
    }

    @Test
    void commitsUpToTheLowestUnfinishedOffset() {
        tracker.received(P0, 10);
        tracker.received(P0, 11);
        tracker.received(P0, 12);
        tracker.finished(P0, 11);
        tracker.finished(P0, 12);

        assertThat(tracker.committable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(10)));
    }

    @Test
    void commitsOnePastTheHighestWhenEverythingIsFinished() {
        tracker.received(P0, 10);
        tracker.received(P0, 11);
        tracker.finished(P0, 10);
        tracker.finished(P0, 11);

        assertThat(tracker.committable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(12)));
        assertThat(tracker.unfinishedCount()).isZero();
    }

    @Test
    void offersAnOffsetOnlyOnceItMovedPastTheLastCommit() {
        tracker.received(P0, 5);
        tracker.finished(P0, 5);
        tracker.committed(tracker.committable());

        assertThat(tracker.committable()).isEmpty();

        tracker.received(P0, 6);
        assertThat(tracker.committable()).as("6 is unfinished: position 6 was already committed").isEmpty();
        tracker.finished(P0, 6);
        assertThat(tracker.committable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(7)));
    }

    @Test
    void keepsPartitionsApart() {
        tracker.received(P0, 1);
        tracker.received(P1, 100);
        tracker.received(P1, 101);
        tracker.finished(P1, 100);

        assertThat(tracker.unfinishedCount(P0)).isEqualTo(1);
        assertThat(tracker.unfinishedCount(P1)).isEqualTo(1);
        assertThat(tracker.unfinishedCount()).isEqualTo(2);
        assertThat(tracker.committable()).containsOnly(
                Map.entry(P0, new OffsetAndMetadata(1)), Map.entry(P1, new OffsetAndMetadata(101)));
    }

    @Test
    void forgetsRevokedPartitionsAndIgnoresTheirLateCompletions() {
        tracker.received(P0, 1);
        tracker.received(P1, 7);
        tracker.forget(List.of(P0));

        assertThat(tracker.finished(P0, 1)).isFalse();
        assertThat(tracker.unfinishedCount(P0)).isZero();
        assertThat(tracker.committable()).containsOnlyKeys(P1);
    }

    @Test
    void reportsWhetherACompletionWasKnown() {
        tracker.received(P0, 3);

        assertThat(tracker.finished(P0, 3)).isTrue();
        assertThat(tracker.finished(P0, 3)).as("second completion of the same offset").isFalse();
        assertThat(tracker.finished(P0, 4)).as("never received").isFalse();
    }

    @Test
    void neverMovesTheCommittedPositionBackwards() {
        tracker.received(P0, 20);
        tracker.finished(P0, 20);
        tracker.committed(Map.of(P0, new OffsetAndMetadata(21)));
        tracker.committed(Map.of(P0, new OffsetAndMetadata(15)));

        assertThat(tracker.committable()).isEmpty();
    }
}
