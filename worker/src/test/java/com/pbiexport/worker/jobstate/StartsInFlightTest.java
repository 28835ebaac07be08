package com.pbiexport.worker.jobstate;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class StartsInFlightTest {
    private final StartsInFlight starts = new StartsInFlight();

    @Test
    void revocationWaitsUntilTheStartsOfItsPartitionsAreAnswered() throws Exception {
        assertThat(starts.begin(1)).isTrue();
        assertThat(starts.begin(2)).isTrue();

        CompletableFuture<Integer> left = CompletableFuture.supplyAsync(
                () -> starts.closeAndAwait(List.of(1), Duration.ofSeconds(20)));
        assertThat(left).as("still waiting for partition 1's start").isNotDone();
        starts.end(2);
        assertThat(left).as("another partition's start does not matter").isNotDone();
        starts.end(1);

        assertThat(left.get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void givesUpAfterItsPatienceNamingTheStartsStillUnanswered() {
        starts.begin(0);
        starts.begin(0);

        assertThat(starts.closeAndAwait(List.of(0), Duration.ofMillis(50))).isEqualTo(2);
    }

    @Test
    void refusesNewStartsOfAClosingPartitionUntilItIsAssignedAgain() {
        starts.closeAndAwait(List.of(3), Duration.ZERO);

        assertThat(starts.begin(3)).isFalse();
        assertThat(starts.begin(4)).isTrue();
        starts.open(List.of(3));
        assertThat(starts.begin(3)).isTrue();
    }

    @Test
    void queuesAnAnswerOnlyWhileItsPartitionIsHeldSinceItWasPlanned() {
        long epoch = starts.epoch(5);
        assertThat(starts.whileOwned(5, epoch, () -> CompletableFuture.completedFuture(null))).isCompleted();

        starts.closeAndAwait(List.of(5), Duration.ZERO);
        CompletableFuture<Void> closed = starts.whileOwned(5, epoch, () -> {
            throw new AssertionError("must not be queued after the hand-over began");
        });
        starts.open(List.of(5));
        CompletableFuture<Void> reopened = starts.whileOwned(5, epoch, () -> {
            throw new AssertionError("a past assignment's answer must not be queued");
        });

        assertThat(closed).isCompletedExceptionally();
        assertThat(reopened).isCompletedExceptionally();
        assertThat(starts.whileOwned(5, starts.epoch(5), () -> CompletableFuture.completedFuture(null)))
                .as("an answer planned in the new assignment").isCompleted();
    }
}
