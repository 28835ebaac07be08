package com.pbiexport.worker.jobstate;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The answered set: one owner thread, answers handed over from others, none re-added after a release. */
class AnsweredRequestsTest {
    private static final TopicPartition P1 = new TopicPartition("requests", 1);
    private static final TopicPartition P2 = new TopicPartition("requests", 2);

    private final AnsweredRequests answered = new AnsweredRequests();

    @Test
    void answersHandedOverFromAnotherThreadAreTombstonedBelowTheCommittedOffsetOnly() throws Exception {
        long assignment = answered.assignment(P1);
        CompletableFuture.runAsync(() -> {
            answered.handOver(P1, assignment, 4, "r-4");
            answered.handOver(P1, assignment, 7, "r-7");
        }).get();

        assertThat(answered.takeBelow(P1, 5)).containsExactly("r-4");
        assertThat(answered.takeBelow(P1, 5)).as("taken once").isEmpty();
        assertThat(answered.takeBelow(P1, 8)).containsExactly("r-7");
    }

    @Test
    void aLateAnswerOfAReleasedPartitionIsDroppedEvenWhenThePartitionComesBack() {
        long before = answered.assignment(P2);
        answered.handOver(P1, answered.assignment(P1), 3, "r-3");

        answered.released(List.of(P2));
        answered.handOver(P2, before, 5, "r-5"); // acknowledged after the release, on the producer's thread

        assertThat(answered.takeBelow(P2, 6)).as("given up with its partition").isEmpty();
        assertThat(answered.takeBelow(P1, 4)).as("other partitions keep theirs").containsExactly("r-3");
        assertThat(answered.size()).isZero();
    }

    @Test
    void answersOfTheNewAssignmentCountAfterAPartitionCameBack() {
        answered.released(List.of(P2));
        long now = answered.assignment(P2);

        answered.handOver(P2, now, 9, "r-9");

        assertThat(answered.takeBelow(P2, 10)).containsExactly("r-9");
    }

    @Test
    void refusesAnyThreadButItsOwner() throws Exception {
        answered.add(P1, 1, "r-1");

        CompletableFuture<List<String>> fromElsewhere = CompletableFuture.supplyAsync(() -> answered.takeBelow(P1, 2));

        assertThatThrownBy(fromElsewhere::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("hand answers over with handOver()");
        assertThat(answered.takeBelow(P1, 2)).containsExactly("r-1");
    }

    @Test
    void remembersAtMostItsBoundPerPartitionBehindALongUnfinishedRecordAndCountsTheRest() {
        AnsweredRequests bounded = new AnsweredRequests(100);
        long assignment = bounded.assignment(P1);
        for (int offset = 1; offset <= 10_000; offset++) {
            bounded.handOver(P1, assignment, offset, "r-" + offset); // offset 0 is still unfinished
        }
        bounded.add(P2, 1, "r-other");

        assertThat(bounded.size()).as("100 of P1 plus P2's own").isEqualTo(101);
        assertThat(bounded.notRemembered()).isEqualTo(9_900);
        List<String> tombstoned = bounded.takeBelow(P1, 10_001);
        assertThat(tombstoned).as("the first answers are kept, in offset order").hasSize(100)
                .startsWith("r-1", "r-2").endsWith("r-100");

        bounded.handOver(P1, assignment, 10_001, "r-10001");
        assertThat(bounded.takeBelow(P1, 10_002)).as("room again once committed").containsExactly("r-10001");
    }

    @Test
    void theSizeReadFromAnyThreadFollowsAnswersCommitsAndReleasesAndStaysWithinTheBound() throws Exception {
        AnsweredRequests bounded = new AnsweredRequests(100);
        long assignment = bounded.assignment(P1);
        CompletableFuture.runAsync(() -> {
            for (int offset = 1; offset <= 5_000; offset++) {
                bounded.handOver(P1, assignment, offset, "r-" + offset);
            }
        }).get();
        bounded.add(P2, 1, "r-p2-1");
        bounded.add(P2, 1, "r-p2-1"); // a redelivery of the same record counts once

        assertThat(bounded.size()).isEqualTo(101);
        assertThat(CompletableFuture.supplyAsync(bounded::rememberedNow).get())
                .as("the gauge's reading, on another thread: the bound holds").isEqualTo(101);
        bounded.takeBelow(P1, 51);
        assertThat(bounded.rememberedNow()).isEqualTo(51);
        bounded.released(List.of(P2));
        assertThat(bounded.rememberedNow()).isEqualTo(50);
        bounded.takeBelow(P1, 10_000);
        assertThat(bounded.rememberedNow()).as("nothing left behind once committed").isZero();
    }
}
