package com.pbiexport.worker.export.limits;

import com.pbiexport.devstack.sim.ManualClock;
import com.pbiexport.worker.export.ExportObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class AdmissionSchedulerTest {
    private static final Instant NEVER = Instant.MAX;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final List<String> admitted = new CopyOnWriteArrayList<>();
    private final List<AdmissionScheduler.Ticket> holding = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    private AdmissionScheduler.Ticket submit(AdmissionScheduler s, String tenant, String capacity, String name) {
        return s.submit(tenant, capacity, NEVER, t -> {
            admitted.add(name);
            holding.add(t);
        }, () -> { });
    }

    @Test
    void aSingleRequestOfTenantBStartsAtTheNextFreedSlotAheadOfFiveThousandOfTenantA() {
        AdmissionScheduler s = new AdmissionScheduler(64, 500, 500, new ManualClock(Instant.parse("2026-01-01T00:00:00Z")), timers, null);
        for (int i = 0; i < 5_000; i++) {
            submit(s, "A", "capacity:a", "A" + i);
        }
        assertThat(admitted).hasSize(64);
        submit(s, "B", "capacity:b", "B");
        assertThat(admitted).hasSize(64).doesNotContain("B");
        assertThat(s.queued()).isEqualTo(5_000 - 64 + 1);

        holding.get(0).close(); // one of A's exports ends
        assertThat(admitted).hasSize(65).last().isEqualTo("B");
        holding.get(1).close();
        assertThat(admitted).hasSize(66).last().isEqualTo("A64"); // A's queue resumes in order
    }

    @Test
    void tenantBStartsAtOnceWhenOnlyTenantAsCapacityIsFull() {
        AdmissionScheduler s = new AdmissionScheduler(64, 2, 500, new ManualClock(Instant.parse("2026-01-01T00:00:00Z")), timers, null);
        for (int i = 0; i < 100; i++) {
            submit(s, "A", "capacity:a", "A" + i);
        }
        assertThat(admitted).containsExactly("A0", "A1");
        submit(s, "B", "capacity:b", "B");
        assertThat(admitted).containsExactly("A0", "A1", "B");
    }

    @Test
    void tenantsAreServedRoundRobinLeastRecentlyServedFirst() {
        AdmissionScheduler s = new AdmissionScheduler(1, 500, 500, new ManualClock(Instant.parse("2026-01-01T00:00:00Z")), timers, null);
        submit(s, "A", "capacity:a", "A0");
        for (int i = 1; i <= 3; i++) {
            submit(s, "A", "capacity:a", "A" + i);
            submit(s, "B", "capacity:b", "B" + i);
            submit(s, "C", "capacity:c", "C" + i);
        }
        for (int i = 0; i < 9; i++) {
            holding.get(i).close();
        }
        // A was just served (A0), so B and C go first; then strict rotation
        assertThat(admitted.subList(1, 10)).containsExactly("B1", "C1", "A1", "B2", "C2", "A2", "B3", "C3", "A3");
    }

    @Test
    void aPermitIsHeldUntilRenderEndsAndTheSlotUntilTheExportEnds() {
        AdmissionScheduler s = new AdmissionScheduler(10, 1, 500, new ManualClock(Instant.parse("2026-01-01T00:00:00Z")), timers, null);
        submit(s, "A", "capacity:a", "first");
        submit(s, "A", "capacity:a", "second");
        assertThat(admitted).containsExactly("first");
        holding.get(0).renderEnded(); // downloading: the capacity no longer counts it
        assertThat(admitted).containsExactly("first", "second");
        assertThat(s.slotsInUse()).isEqualTo(2);
        assertThat(s.permitsInUse("capacity:a")).isEqualTo(1);
        holding.get(0).close();
        assertThat(s.slotsInUse()).isEqualTo(1);
        assertThat(s.permitsInUse("capacity:a")).isEqualTo(1);
    }

    @Test
    void aThrottleHalvesTheLimitAndNothingStartsOnThatCapacityUntilRetryAfterPassed() {
        Map<String, Integer> limits = new ConcurrentHashMap<>();
        AtomicInteger throttles = new AtomicInteger();
        ExportObserver observer = new ExportObserver() {
            @Override
            public void capacityLimit(String capacity, int limit) {
                limits.put(capacity, limit);
            }

            @Override
            public void capacityThrottled(String capacity) {
                throttles.incrementAndGet();
            }
        };
        AdmissionScheduler s = new AdmissionScheduler(100, 8, 500, Clock.systemUTC(), timers, observer);
        submit(s, "A", "capacity:a", "A0");
        submit(s, "A", "capacity:a", "A1");
        Instant throttledAt = Instant.now();
        holding.get(0).throttled(Duration.ofMillis(400)); // other load fills the capacity: 1 of ours still runs
        holding.get(1).throttled(Duration.ofMillis(400)); // the same overload: shrinks once
        assertThat(s.capacityLimit("capacity:a")).isEqualTo(4);
        assertThat(limits).containsEntry("capacity:a", 4);
        assertThat(throttles).hasValue(2);
        for (int i = 2; i < 20; i++) {
            submit(s, "A", "capacity:a", "A" + i);
        }
        submit(s, "B", "capacity:b", "B");
        assertThat(admitted).containsExactly("A0", "A1", "B"); // capacity a waits out Retry-After, b does not
        await().atMost(Duration.ofSeconds(5)).until(() -> admitted.size() == 7);
        assertThat(Duration.between(throttledAt, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        // the throttled exports start first again, then the queue in order, up to the new limit
        assertThat(admitted.subList(3, 7)).containsExactly("A1", "A0", "A2", "A3");
        assertThat(s.permitsInUse("capacity:a")).isEqualTo(4);
    }

    @Test
    void aThrottleNeverShrinksTheLimitBelowTheAcceptedExportsStillRunningThere() {
        AdmissionScheduler s = new AdmissionScheduler(100, 20, 500, new ManualClock(Instant.parse("2026-01-01T00:00:00Z")), timers, null);
        for (int i = 0; i < 20; i++) {
            submit(s, "A", "capacity:a", "A" + i);
        }
        for (int i = 0; i < 15; i++) {
            holding.get(i).started(); // 15 accepted; 5 starts still in flight
        }
        holding.get(19).throttled(Duration.ofSeconds(1));
        assertThat(s.capacityLimit("capacity:a")).isEqualTo(15);
    }

    @Test
    void aThrottleBringsAnUnknownLimitDownToTheExportsAcceptedInOneRetryAfter() {
        // shipped start of 50 on a capacity that carries 5: the burst's 429 settles it at once, not by halvings
        AdmissionScheduler s = new AdmissionScheduler(100, 50, 500,
                new ManualClock(Instant.parse("2026-01-01T00:00:00Z")), timers, null);
        for (int i = 0; i < 60; i++) {
            submit(s, "A", "capacity:a", "A" + i);
        }
        assertThat(admitted).hasSize(50);
        for (int i = 0; i < 3; i++) {
            holding.get(i).started();
        }
        holding.get(49).throttled(Duration.ofSeconds(30)); // answered before two more starts of the burst
        assertThat(s.capacityLimit("capacity:a")).isEqualTo(3);
        holding.get(3).started();
        holding.get(4).started(); // accepted after the 429: the capacity carries them
        for (int i = 5; i < 49; i++) {
            holding.get(i).throttled(Duration.ofSeconds(30));
        }
        assertThat(s.capacityLimit("capacity:a")).as("the 5 accepted, after one throttle window").isEqualTo(5);
    }

    @Test
    void theLimitGrowsBackSlowlyAndOnlyWhileFullyUsed() {
        AdmissionScheduler s = new AdmissionScheduler(100, 2, 3, new ManualClock(Instant.parse("2026-01-01T00:00:00Z")), timers, null);
        submit(s, "A", "capacity:a", "A0");
        holding.get(0).started();
        holding.get(0).started(); // counted once
        assertThat(s.capacityLimit("capacity:a")).isEqualTo(2); // one of two permits used: no evidence of demand
        for (int i = 1; i < 10; i++) {
            submit(s, "A", "capacity:a", "A" + i);
        }
        holding.get(1).started(); // full: 2.5
        holding.get(0).renderEnded();
        holding.get(2).started(); // 2.9
        assertThat(s.capacityLimit("capacity:a")).isEqualTo(2);
        holding.get(1).renderEnded();
        holding.get(3).started(); // 3.24 -> capped at 3, and one more starts at once
        assertThat(s.capacityLimit("capacity:a")).isEqualTo(3);
        assertThat(admitted).containsExactly("A0", "A1", "A2", "A3", "A4");
        assertThat(s.permitsInUse("capacity:a")).isEqualTo(3);
    }

    @Test
    void theLimitProbesPastTheLastThrottleOnlyAfterFiveMinutes() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        AdmissionScheduler s = new AdmissionScheduler(1000, 10, 500, clock, timers, null);
        for (int i = 0; i < 300; i++) {
            submit(s, "A", "capacity:a", "A" + i);
        }
        for (int i = 0; i < 9; i++) {
            holding.get(i).started();
        }
        holding.get(9).throttled(Duration.ZERO); // the capacity carries 9 of ours: its limit is about 10
        assertThat(s.capacityLimit("capacity:a")).isEqualTo(9);
        int oldest = 0;
        for (int round = 0; round < 100; round++) { // fully used all along: each end admits the next
            holding.get(oldest++).renderEnded();
            holding.get(holding.size() - 1).started();
        }
        assertThat(s.capacityLimit("capacity:a")).as("stays below the limit that was answered 429").isEqualTo(9);
        clock.advance(Duration.ofMinutes(5));
        holding.get(oldest++).renderEnded();
        holding.get(holding.size() - 1).started();
        assertThat(s.capacityLimit("capacity:a")).as("probes again").isEqualTo(10);
    }

    @Test
    void aTicketStillQueuedAtItsDeadlineExpiresWithoutEverStarting() {
        AdmissionScheduler s = new AdmissionScheduler(1, 500, 500, Clock.systemUTC(), timers, null);
        submit(s, "A", "capacity:a", "running");
        List<String> expired = new ArrayList<>();
        s.submit("A", "capacity:a", Instant.now().plusMillis(200), t -> admitted.add("late"),
                () -> expired.add("late"));
        await().atMost(Duration.ofSeconds(5)).until(() -> expired.size() == 1);
        assertThat(s.queued()).isZero();
        holding.get(0).close();
        assertThat(admitted).containsExactly("running");
    }

    @Test
    void aClosedTicketLeavesItsQueue() {
        AdmissionScheduler s = new AdmissionScheduler(1, 500, 500, new ManualClock(Instant.parse("2026-01-01T00:00:00Z")), timers, null);
        submit(s, "A", "capacity:a", "running");
        AdmissionScheduler.Ticket waiting = submit(s, "B", "capacity:b", "cancelled");
        submit(s, "C", "capacity:c", "next");
        waiting.close();
        holding.get(0).close();
        assertThat(admitted).containsExactly("running", "next");
        assertThat(s.queued()).isZero();
    }

    @Test
    void remembersAtMostItsBoundOfCapacityLimitsForgettingIdleOnesButNeverABusyOrBlockedOne() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        List<String> forgotten = new ArrayList<>();
        AdmissionScheduler s = new AdmissionScheduler(10_000, 2, 500, clock, timers, new ExportObserver() {
            @Override
            public void capacityForgotten(String capacity) {
                forgotten.add(capacity);
            }
        }, 5);
        AdmissionScheduler.Ticket busy = submit(s, "A", "workspace:busy", "busy");
        submit(s, "A", "workspace:blocked", "blocked").throttled(Duration.ofMinutes(5));
        for (int i = 0; i < 1_000; i++) { // one export per workspace whose capacity is unknown, each ending at once
            AdmissionScheduler.Ticket t = submit(s, "A", "workspace:" + i, "w" + i);
            t.started();
            t.renderEnded();
            t.close();
            assertThat(s.capacitiesKnown()).isLessThanOrEqualTo(5);
        }

        assertThat(s.permitsInUse("workspace:busy")).as("its permit is still counted").isEqualTo(1);
        busy.started();
        assertThat(s.capacityLimit("workspace:blocked")).as("its halved limit was kept, not re-learnt")
                .isEqualTo(1);
        assertThat(s.capacitiesKnown()).isLessThanOrEqualTo(5);
        assertThat(forgotten).as("told, so their meters go too").hasSizeGreaterThanOrEqualTo(1_000 - 5)
                .doesNotContain("workspace:busy", "workspace:blocked").startsWith("workspace:0");
    }
}
