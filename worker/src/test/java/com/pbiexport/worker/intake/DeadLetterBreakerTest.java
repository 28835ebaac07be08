package com.pbiexport.worker.intake;

import com.pbiexport.contracts.EventCodec;
import com.pbiexport.devstack.sim.ManualClock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterBreakerTest {
    private static final TopicPartition P0 = new TopicPartition("requests", 0);
    private static final TopicPartition P1 = new TopicPartition("requests", 1);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-30T12:00:00Z"));
    private final DeadLetterBreaker breaker = new DeadLetterBreaker(DeadLetterBreaker.Settings.defaults(), clock);

    /** Feeds n records of tp, one second apart; returns how many of them opened the breaker. */
    private int feed(TopicPartition tp, int n, boolean deadLetters) {
        int opened = 0;
        for (int i = 0; i < n; i++) {
            clock.advance(Duration.ofSeconds(1));
            opened += breaker.recorded(tp, i, deadLetters ? "MALFORMED_JSON" : null) ? 1 : 0;
        }
        return opened;
    }

    @Test
    void opensOnceMostOfAtLeastFiftyRecentRecordsAreDeadLetters() {
        assertThat(feed(P0, 49, true)).as("49 records are too few to judge").isZero();
        assertThat(breaker.state(P0)).isEqualTo(DeadLetterBreaker.State.CLOSED);

        assertThat(breaker.recorded(P0, 49, "NOT_AN_OBJECT")).as("the 50th opens it").isTrue();

        assertThat(breaker.state(P0)).isEqualTo(DeadLetterBreaker.State.OPEN);
        assertThat(breaker.openPartitions()).isEqualTo(1);
        assertThat(breaker.state(P1)).as("other partitions go on").isEqualTo(DeadLetterBreaker.State.CLOSED);
    }

    @Test
    void staysClosedWhileMoreThanATenthOfTheLastHundredAreValid() {
        for (int i = 0; i < 1_000; i++) {
            clock.advance(Duration.ofMillis(100));
            // 85% dead letters: a bad producer among good ones, not a flood of garbage
            assertThat(breaker.recorded(P0, i, i % 20 < 17 ? "MALFORMED_JSON" : null)).isFalse();
        }
        assertThat(breaker.openPartitions()).isZero();
    }

    @Test
    void aSlowTrickleOfDeadLettersOutsideTheWindowNeverOpensIt() {
        for (int i = 0; i < 500; i++) {
            clock.advance(Duration.ofSeconds(10)); // 6 a minute: at most 30 within the 5-minute window
            assertThat(breaker.recorded(P0, i, "MALFORMED_JSON")).isFalse();
        }
        assertThat(breaker.state(P0)).isEqualTo(DeadLetterBreaker.State.CLOSED);
    }

    @Test
    void probesAfterTheCoolDownAndClosesWhenTheProbeIsMostlyValid() {
        feed(P0, 50, true);
        MockConsumer<byte[], byte[]> consumer = consumer(P0, P1);

        clock.advance(Duration.ofMinutes(9));
        breaker.beforePoll(consumer, false);
        assertThat(consumer.paused()).as("still cooling down").containsExactly(P0);

        clock.advance(Duration.ofMinutes(1));
        breaker.beforePoll(consumer, false);
        assertThat(breaker.state(P0)).isEqualTo(DeadLetterBreaker.State.HALF_OPEN);
        assertThat(consumer.paused()).as("resumed to probe").isEmpty();
        assertThat(breaker.openPartitions()).as("probing still counts as not closed").isEqualTo(1);

        for (int i = 0; i < DeadLetterBreaker.PROBE_RECORDS; i++) {
            breaker.recorded(P0, 100 + i, i < 3 ? "MALFORMED_JSON" : null);
        }

        assertThat(breaker.state(P0)).isEqualTo(DeadLetterBreaker.State.CLOSED);
        assertThat(breaker.openPartitions()).isZero();
    }

    @Test
    void opensAgainForAnotherCoolDownWhenTheProbeIsStillGarbage() {
        feed(P0, 50, true);
        MockConsumer<byte[], byte[]> consumer = consumer(P0);
        clock.advance(DeadLetterBreaker.Settings.DEFAULT_COOL_DOWN);
        breaker.beforePoll(consumer, false);

        boolean reopened = false;
        for (int i = 0; i < DeadLetterBreaker.PROBE_RECORDS; i++) {
            reopened |= breaker.recorded(P0, 200 + i, "MALFORMED_JSON");
        }

        assertThat(reopened).isTrue();
        assertThat(breaker.state(P0)).isEqualTo(DeadLetterBreaker.State.OPEN);
        assertThat(breaker.trips(P0)).isEqualTo(2);
        breaker.beforePoll(consumer, false);
        assertThat(consumer.paused()).containsExactly(P0);
    }

    @Test
    void aProbeDueWhileTheWholeIntakeIsPausedLeavesTheResumeToTheLoop() {
        feed(P0, 50, true);
        MockConsumer<byte[], byte[]> consumer = consumer(P0);
        consumer.pause(Set.of(P0)); // the loop's own pause (in-flight budget full)
        clock.advance(DeadLetterBreaker.Settings.DEFAULT_COOL_DOWN);

        breaker.beforePoll(consumer, true);

        assertThat(breaker.state(P0)).isEqualTo(DeadLetterBreaker.State.HALF_OPEN);
        assertThat(consumer.paused()).as("the loop resumes everything once its budget allows").containsExactly(P0);
    }

    @Test
    void anOpenPartitionIsRewoundToItsFirstRecordNotHandedOutAndItsWaitingRecordsDropped() {
        feed(P0, 50, true);
        MockConsumer<byte[], byte[]> consumer = consumer(P0, P1);
        ArrayDeque<ConsumerRecord<byte[], byte[]>> waiting = new ArrayDeque<>(List.of(
                record(P0, 51), record(P1, 7), record(P0, 52), record(P1, 8)));

        ConsumerRecord<byte[], byte[]> first = waiting.poll();
        boolean admitted = breaker.admit(consumer, first, waiting);

        assertThat(admitted).isFalse();
        assertThat(consumer.position(P0)).as("read again from the first record not handed out").isEqualTo(51);
        assertThat(consumer.paused()).containsExactly(P0);
        assertThat(waiting).extracting(ConsumerRecord::partition).containsExactly(1, 1);
        assertThat(breaker.admit(consumer, waiting.poll(), waiting)).as("other partitions go on").isTrue();
    }

    @Test
    void keepsAnOpenPartitionPausedAfterTheLoopResumedEverything() {
        feed(P0, 50, true);
        MockConsumer<byte[], byte[]> consumer = consumer(P0, P1);
        consumer.pause(Set.of(P0, P1));
        consumer.resume(consumer.paused()); // what the loop does when its budget frees up

        breaker.beforePoll(consumer, false);

        assertThat(consumer.paused()).containsExactly(P0);
    }

    @Test
    void forgetsPartitionsNoLongerAssigned() {
        feed(P0, 50, true);
        MockConsumer<byte[], byte[]> consumer = consumer(P1);

        breaker.beforePoll(consumer, false);

        assertThat(breaker.openPartitions()).as("the next owner starts closed").isZero();
        assertThat(breaker.state(P0)).isEqualTo(DeadLetterBreaker.State.CLOSED);
    }

    @Test
    void aDisabledBreakerNeverOpens() {
        DeadLetterBreaker off = new DeadLetterBreaker(DeadLetterBreaker.Settings.disabled(), clock);

        for (int i = 0; i < 500; i++) {
            assertThat(off.recorded(P0, i, "MALFORMED_JSON")).isFalse();
        }
        assertThat(off.openPartitions()).isZero();
    }

    @Test
    void guardCountsExactlyTheRecordsTheParserFoundUnparseable() {
        RequestParser parser = new RequestParser(EventCodec.shared(), breaker::parsed);
        List<String> handled = new ArrayList<>();
        RecordHandler router = (r, finished) -> {
            handled.add(parser.parse(r.value(), Map.of()).getClass().getSimpleName());
            return RecordHandler.Cancellation.NONE;
        };
        RecordHandler guarded = breaker.guard(router);
        for (int i = 0; i < 200; i++) {
            parser.parse("garbage".getBytes(StandardCharsets.UTF_8), Map.of()); // outside the guard: not counted
        }
        for (int i = 0; i < 50; i++) {
            guarded.handle(new ConsumerRecord<>("requests", 0, i, null,
                    ("{\"requestId\":\"r-" + i + "\"}").getBytes(StandardCharsets.UTF_8)), () -> { });
        }
        int openedAt = -1;
        for (int i = 0; i < 100 && openedAt < 0; i++) {
            guarded.handle(record(P0, 50 + i), () -> { });
            openedAt = breaker.state(P0) == DeadLetterBreaker.State.OPEN ? i + 1 : -1;
        }

        assertThat(openedAt).as("opens once 90 of the last 100 records are dead letters").isEqualTo(90);
        assertThat(handled).hasSize(140);
    }

    @Test
    void refusesSettingsThatCouldNeverOrWouldAlwaysOpen() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DeadLetterBreaker.Settings(true, 0, 100, 50,
                Duration.ofMinutes(5), Duration.ofMinutes(10))).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DeadLetterBreaker.Settings(true, 0.9, 10, 50,
                Duration.ofMinutes(5), Duration.ofMinutes(10))).isInstanceOf(IllegalArgumentException.class);
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, null, "not json".getBytes(StandardCharsets.UTF_8));
    }

    private static MockConsumer<byte[], byte[]> consumer(TopicPartition... assigned) {
        MockConsumer<byte[], byte[]> c = new MockConsumer<>("earliest");
        c.assign(List.of(assigned));
        Map<TopicPartition, Long> begin = new java.util.HashMap<>();
        for (TopicPartition tp : assigned) {
            begin.put(tp, 0L);
        }
        c.updateBeginningOffsets(begin);
        return c;
    }
}
