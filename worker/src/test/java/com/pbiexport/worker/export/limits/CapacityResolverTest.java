package com.pbiexport.worker.export.limits;

import com.pbiexport.devstack.sim.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CapacityResolverTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void looksUpOncePerWorkspaceAndTtlEvenWithManyConcurrentCallers() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        var io = Executors.newFixedThreadPool(2);
        try {
            CapacityResolver r = new CapacityResolver((t, ws, p) -> {
                lookups.incrementAndGet();
                await(release);
                return Optional.of("cap-1");
            }, Duration.ofMinutes(15), clock, io, timers, new RequestRate(0, clock));
            List<CompletableFuture<String>> all = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                all.add(r.resolve("contoso", "ws-1", Optional.empty()));
            }
            release.countDown();
            for (CompletableFuture<String> f : all) {
                assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("capacity:cap-1");
            }
            assertThat(lookups).hasValue(1);

            clock.advance(Duration.ofMinutes(16));
            assertThat(r.resolve("contoso", "ws-1", Optional.empty()).get(5, TimeUnit.SECONDS))
                    .isEqualTo("capacity:cap-1");
            assertThat(lookups).hasValue(2);
        } finally {
            io.shutdownNow();
        }
    }

    @Test
    void fallsBackToTheWorkspaceWhenTheCapacityIsUnknownOrTheLookupFails() throws Exception {
        CapacityResolver r = new CapacityResolver((t, ws, p) -> {
            if (ws.equals("broken")) {
                throw new IllegalStateException("403");
            }
            return Optional.empty();
        }, Duration.ofMinutes(15), clock, Runnable::run, timers, new RequestRate(0, clock));
        assertThat(r.resolve("contoso", "shared", Optional.empty()).get()).isEqualTo("workspace:shared");
        assertThat(r.resolve("contoso", "broken", Optional.empty()).get()).isEqualTo("workspace:broken");
    }

    @Test
    void aFailedLookupIsRetriedAfterAMinuteNotAfterTheWholeTtl() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        CapacityResolver r = new CapacityResolver((t, ws, p) -> {
            if (lookups.incrementAndGet() == 1) {
                throw new IllegalStateException("503");
            }
            return Optional.of("cap-9");
        }, Duration.ofMinutes(15), clock, Runnable::run, timers, new RequestRate(0, clock));
        assertThat(r.resolve("contoso", "ws", Optional.empty()).get()).isEqualTo("workspace:ws");
        clock.advance(Duration.ofSeconds(61));
        assertThat(r.resolve("contoso", "ws", Optional.empty()).get()).isEqualTo("capacity:cap-9");
        assertThat(lookups).hasValue(2);
    }

    @Test
    void theLookupWaitsForTheTenantsRequestRate() throws Exception {
        RequestRate rate = new RequestRate(1, clock);
        rate.reserve("contoso"); // the tenant's only token of this second is gone
        AtomicInteger lookups = new AtomicInteger();
        CapacityResolver r = new CapacityResolver((t, ws, p) -> {
            lookups.incrementAndGet();
            return Optional.of("cap");
        }, Duration.ofMinutes(15), clock, Runnable::run, timers, rate);
        CompletableFuture<String> f = r.resolve("contoso", "ws", Optional.empty());
        assertThat(f).isNotDone();
        assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("capacity:cap");
        assertThat(lookups).hasValue(1);
    }

    @Test
    void remembersAtMostItsBoundForgettingTheLeastRecentlyResolvedWorkspaces() throws Exception {
        List<String> looked = new ArrayList<>();
        CapacityResolver r = new CapacityResolver((t, ws, p) -> {
            looked.add(ws);
            return Optional.of("cap-" + ws);
        }, Duration.ofMinutes(15), clock, Runnable::run, timers, new RequestRate(0, clock), 3);
        for (int i = 0; i < 1000; i++) {
            r.resolve("contoso", "ws-" + i, Optional.empty()).get();
            assertThat(r.size()).isLessThanOrEqualTo(3);
        }
        looked.clear();

        r.resolve("contoso", "ws-999", Optional.empty()).get();
        r.resolve("contoso", "ws-997", Optional.empty()).get();
        assertThat(looked).as("the most recent ones are still known").isEmpty();
        r.resolve("contoso", "ws-0", Optional.empty()).get();
        assertThat(looked).as("the oldest was forgotten: looked up again").containsExactly("ws-0");
        assertThat(r.size()).isEqualTo(3);
    }

    @Test
    void forgetsExpiredWorkspacesBeforeValidOnesWhenTheBoundIsReached() throws Exception {
        List<String> looked = new ArrayList<>();
        CapacityResolver r = new CapacityResolver((t, ws, p) -> {
            looked.add(ws);
            return Optional.of("cap");
        }, Duration.ofMinutes(15), clock, Runnable::run, timers, new RequestRate(0, clock), 3);
        r.resolve("contoso", "a", Optional.empty()).get();
        clock.advance(Duration.ofMinutes(10));
        r.resolve("contoso", "b", Optional.empty()).get();
        r.resolve("contoso", "c", Optional.empty()).get();
        r.resolve("contoso", "a", Optional.empty()).get(); // used last, but it expires first
        clock.advance(Duration.ofMinutes(6));
        looked.clear();

        r.resolve("contoso", "d", Optional.empty()).get();
        r.resolve("contoso", "b", Optional.empty()).get();
        r.resolve("contoso", "c", Optional.empty()).get();

        assertThat(looked).as("b and c were kept; the expired a made room").containsExactly("d");
        assertThat(r.size()).isEqualTo(3);
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
