package com.pbiexport.worker.it.chaos;

import com.pbiexport.worker.it.chaos.ChaosSchedule.Fault;
import com.pbiexport.worker.it.chaos.ChaosSchedule.Kind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChaosScheduleTest {
    private static final Duration CI_RUN = Duration.ofSeconds(150);

    @Test
    void theSameSeedGivesTheSameFaultsAndAnotherSeedOthers() {
        assertThat(ChaosSchedule.of(42, CI_RUN)).isEqualTo(ChaosSchedule.of(42, CI_RUN));
        assertThat(ChaosSchedule.of(42, CI_RUN)).isNotEqualTo(ChaosSchedule.of(43, CI_RUN));
    }

    @Test
    void everyThirdOfTheRunHasEachFaultOnceAndOneWorkerJoins() {
        for (long seed = 0; seed < 200; seed++) {
            List<Fault> faults = ChaosSchedule.of(seed, CI_RUN);
            Map<Kind, Long> counts = faults.stream().collect(Collectors.groupingBy(Fault::kind, Collectors.counting()));
            assertThat(counts).as("seed %d", seed).containsEntry(Kind.POWER_BI_FLAKY, 1L)
                    .containsEntry(Kind.BROKER_KILL, 3L).containsEntry(Kind.TOKEN_OUTAGE, 3L)
                    .containsEntry(Kind.SINK_SLOW, 3L).containsEntry(Kind.SINK_DOWN, 3L)
                    .containsEntry(Kind.WORKER_SIGKILL, 3L).containsEntry(Kind.WORKER_SIGTERM, 3L)
                    .containsEntry(Kind.WORKER_JOIN, 1L);
            long third = CI_RUN.toMillis() * 9 / 10 / 3;
            for (Kind k : List.of(Kind.BROKER_KILL, Kind.TOKEN_OUTAGE, Kind.SINK_SLOW, Kind.SINK_DOWN,
                    Kind.WORKER_SIGKILL, Kind.WORKER_SIGTERM)) {
                Map<Long, Long> perThird = faults.stream().filter(f -> f.kind() == k)
                        .collect(Collectors.groupingBy(f -> f.at().toMillis() / third, Collectors.counting()));
                assertThat(perThird).as("seed %d %s", seed, k).isEqualTo(Map.of(0L, 1L, 1L, 1L, 2L, 1L));
            }
        }
    }

    @Test
    void faultsStayWithinTheirBoundsAndEndBeforeTheLastTenthOfTheRun() {
        for (long seed = 0; seed < 200; seed++) {
            for (Fault f : ChaosSchedule.of(seed, CI_RUN)) {
                assertThat(f.end()).as("seed %d %s", seed, f).isLessThanOrEqualTo(Duration.ofSeconds(135));
                switch (f.kind()) {
                    case BROKER_KILL -> assertThat(f.duration()).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
                    case TOKEN_OUTAGE, SINK_SLOW -> assertThat(f.duration())
                            .isBetween(Duration.ofSeconds(5), Duration.ofSeconds(15));
                    case SINK_DOWN -> assertThat(f.duration()).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(10));
                    case WORKER_SIGKILL, WORKER_SIGTERM -> {
                        assertThat(f.duration()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(3));
                        assertThat(f.target()).isBetween(0, ChaosSchedule.INITIAL_WORKERS - 1);
                    }
                    case WORKER_JOIN -> {
                        assertThat(f.target()).isEqualTo(ChaosSchedule.INITIAL_WORKERS);
                        assertThat(f.at()).isBetween(Duration.ofSeconds(45), Duration.ofSeconds(90));
                    }
                    case POWER_BI_FLAKY -> assertThat(f.at()).isEqualTo(Duration.ZERO);
                }
                if (f.kind() == Kind.SINK_SLOW) {
                    assertThat(f.parameter()).isBetween(20, 120);
                }
            }
        }
    }

    @Test
    void faultsOverlapOtherFaults() {
        for (long seed = 0; seed < 200; seed++) {
            List<Fault> windows = ChaosSchedule.of(seed, CI_RUN).stream()
                    .filter(f -> f.kind() != Kind.POWER_BI_FLAKY && f.kind() != Kind.WORKER_JOIN).toList();
            long overlapping = windows.stream().filter(a -> windows.stream().anyMatch(b -> b != a
                    && a.at().compareTo(b.end()) < 0 && b.at().compareTo(a.end()) < 0)).count();
            assertThat(overlapping).as("seed %d: faults overlapping another", seed).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void theWorkerStoppedWithSigtermIsNotTheOneKilledInTheSameThird() {
        for (long seed = 0; seed < 200; seed++) {
            List<Fault> faults = ChaosSchedule.of(seed, CI_RUN);
            long third = CI_RUN.toMillis() * 9 / 10 / 3;
            Function<Kind, Map<Long, Integer>> slots = k -> faults.stream().filter(f -> f.kind() == k)
                    .collect(Collectors.toMap(f -> f.at().toMillis() / third, Fault::target));
            Map<Long, Integer> killed = slots.apply(Kind.WORKER_SIGKILL);
            slots.apply(Kind.WORKER_SIGTERM).forEach((t, slot) -> assertThat(slot).isNotEqualTo(killed.get(t)));
        }
    }

    @Test
    void aTenMinuteRunHasThirteenRoundsOfEveryFaultAllBeforeItsLastMinute() {
        List<Fault> faults = ChaosSchedule.of(7, Duration.ofMinutes(10));
        Map<Kind, Long> counts = faults.stream().collect(Collectors.groupingBy(Fault::kind, Collectors.counting()));
        // 540 s of faults (the last tenth is quiet) in rounds of at least 40 s: 13 rounds
        assertThat(counts).containsEntry(Kind.BROKER_KILL, 13L).containsEntry(Kind.WORKER_SIGKILL, 13L)
                .containsEntry(Kind.WORKER_SIGTERM, 13L).containsEntry(Kind.SINK_DOWN, 13L)
                .containsEntry(Kind.WORKER_JOIN, 1L);
        assertThat(faults).allMatch(f -> f.end().compareTo(Duration.ofSeconds(540)) <= 0);
    }

    @Test
    void aRunShorterThanThirtySecondsIsRefusedNamingItsLength() {
        assertThatThrownBy(() -> ChaosSchedule.of(1, Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT10S");
    }
}
