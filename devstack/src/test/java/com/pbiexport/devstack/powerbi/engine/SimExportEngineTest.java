package com.pbiexport.devstack.powerbi.engine;

import com.pbiexport.devstack.sim.ManualClock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.devstack.powerbi.ExportEngine.ExportJob;
import com.pbiexport.devstack.powerbi.ExportEngine.Started;
import com.pbiexport.devstack.powerbi.ExportEngine.StartResult;
import com.pbiexport.devstack.powerbi.ExportEngine.Throttled;
import com.pbiexport.devstack.scenario.Capacity;
import com.pbiexport.devstack.scenario.Report;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.devstack.sim.FaultSettings;
import com.pbiexport.devstack.sim.Faults;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SimExportEngineTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Capacity F64 = new Capacity("cap-f64", null, "F64", null, null, null, null);
    static final Report THREE_PAGES = new Report("r3", "Sales Overview", "ws", "PowerBIReport", 3, false, null);

    ManualClock clock;
    Faults faults;
    Counters counters;
    SimExportEngine engine;

    @BeforeEach
    void setUp() {
        clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
        faults = new Faults(clock);
        counters = new Counters();
        // 1 s per render round, Retry-After 2 s on polls, files kept 1 hour
        engine = new SimExportEngine(new Scenario("test", 3599L, 3600L, 1000L, 2, List.of()), faults, counters, clock);
    }

    ExportJob start(Capacity cap, Report report, String format, int pages) {
        return start(cap, report, format, pages, JSON.createObjectNode());
    }

    ExportJob start(Capacity cap, Report report, String format, int pages, JsonNode config) {
        StartResult r = engine.start("tenant", cap, "ws", report, format, pages, "app", config);
        assertThat(r).isInstanceOf(Started.class);
        return ((Started) r).job();
    }

    ExportJob poll(ExportJob job) {
        return engine.get(job.id()).orElseThrow();
    }

    @Test
    void goesNotStartedThenRunningWithRisingPercentThenSucceeded() {
        ExportJob job = start(F64, new Report("r10", "Ten", "ws", "PowerBIReport", 10, false, null), "PDF", 10);
        assertThat(job.status()).isEqualTo("NotStarted");
        assertThat(job.resourceFileExtension()).isEqualTo(".pdf");

        clock.advanceMillis(500 + 500); // queued for half a round, then half of the first of 2 rounds
        ExportJob running = poll(job);
        assertThat(running.status()).isEqualTo("Running");
        assertThat(running.percentComplete()).isEqualTo(25);

        clock.advanceMillis(1000);
        assertThat(poll(job).percentComplete()).isEqualTo(75);

        clock.advanceMillis(500);
        ExportJob done = poll(job);
        assertThat(done.status()).isEqualTo("Succeeded");
        assertThat(done.percentComplete()).isEqualTo(100);
        assertThat(done.lastActionDateTime()).isEqualTo(job.createdDateTime().plusMillis(2500));
        assertThat(done.expirationTime()).isEqualTo(done.lastActionDateTime().plusSeconds(3600));
    }

    @Test
    void renderTimeGrowsByOneRoundPerFivePages() {
        assertThat(timeToSucceed(5)).isEqualTo(Duration.ofMillis(500 + 1000));
        assertThat(timeToSucceed(6)).isEqualTo(Duration.ofMillis(500 + 2000));
        assertThat(timeToSucceed(50)).isEqualTo(Duration.ofMillis(500 + 10_000));
    }

    private Duration timeToSucceed(int pages) {
        ExportJob job = start(F64, new Report("r", "R", "ws", "PowerBIReport", pages, false, null), "PDF", pages);
        Instant started = clock.instant();
        for (int i = 0; i < 1000 && !poll(job).status().equals("Succeeded"); i++) {
            clock.advanceMillis(100);
        }
        return Duration.between(started, clock.instant());
    }

    @Test
    void capacityPageLimitOfOlderSkusSlowsRendering() {
        assertThat(SimExportEngine.renderRounds(10, null, 1)).isEqualTo(2);
        assertThat(SimExportEngine.renderRounds(10, 1, 1)).as("A1: one page at a time").isEqualTo(10);
        assertThat(SimExportEngine.renderRounds(10, 6, 1)).as("P1 alone: still 5 per round").isEqualTo(2);
        assertThat(SimExportEngine.renderRounds(10, 6, 3)).as("P1 shared by 3: 2 pages each").isEqualTo(5);
        assertThat(SimExportEngine.renderRounds(2, 1, 3)).as("more exports than pages").isEqualTo(6);

        Capacity a1 = new Capacity("cap-a1", null, "A1", null, null, null, null);
        ExportJob job = start(a1, THREE_PAGES, "PDF", 3);
        clock.advanceMillis(500 + 2999);
        assertThat(poll(job).status()).isEqualTo("Running");
        clock.advanceMillis(1);
        assertThat(poll(job).status()).isEqualTo("Succeeded");
    }

    @Test
    void aCapacityWithItsOwnRenderRoundRendersAtThatPace() {
        // a benchmark knob: 5 s rounds on this capacity, the scenario's 1 s elsewhere
        Capacity slow = new Capacity("cap-slow", null, "F64", null, null, null, null, 5000L, null);
        ExportJob job = start(slow, THREE_PAGES, "PDF", 3);
        clock.advanceMillis(2500 + 4999);
        assertThat(poll(job).status()).as("half a round NotStarted, then one 5 s round").isEqualTo("Running");
        clock.advanceMillis(1);
        assertThat(poll(job).status()).isEqualTo("Succeeded");
    }

    @Test
    void throttlesBeyondTheCapacityLimitUntilARunningExportFinishes() {
        Capacity small = new Capacity("cap-small", null, "F2", null, null, 2, null);
        ExportJob first = start(small, THREE_PAGES, "PDF", 3);
        clock.advanceMillis(300);
        start(small, THREE_PAGES, "PDF", 3);

        StartResult third = engine.start("tenant", small, "ws", THREE_PAGES, "PDF", 3, "app", JSON.createObjectNode());
        assertThat(third).isInstanceOf(Throttled.class);
        assertThat(((Throttled) third).retryAfterSeconds()).as("first ends 1.2 s from now").isEqualTo(2);
        assertThat(counters.get("concurrentExports.cap-small")).isEqualTo(2);

        clock.advanceMillis(1200); // the first export has finished: its slot is free again
        assertThat(poll(first).status()).isEqualTo("Succeeded");
        assertThat(counters.get("concurrentExports.cap-small")).isEqualTo(1);
        start(small, THREE_PAGES, "PDF", 3);
        assertThat(counters.get("maxConcurrentExports.cap-small")).isEqualTo(2);
    }

    @Test
    void fiveHundredConcurrentExportsFitOnACurrentCapacityAndTheNextIsThrottled() {
        for (int i = 0; i < 500; i++) {
            start(F64, THREE_PAGES, "PDF", 3);
        }
        assertThat(engine.start("tenant", F64, "ws", THREE_PAGES, "PDF", 3, "app", null)).isInstanceOf(Throttled.class);
        assertThat(counters.get("maxConcurrentExports.cap-f64")).isEqualTo(500);
        clock.advanceMillis(1500);
        engine.sweep();
        assertThat(counters.get("concurrentExports.cap-f64")).isZero();
        assertThat(engine.activeExports("cap-f64")).isZero();
    }

    @Test
    void neverAdmitsMoreThanTheLimitWhenStartsRace() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    go.await();
                    int started = 0;
                    for (int i = 0; i < 100; i++) {
                        if (engine.start("tenant", F64, "ws", THREE_PAGES, "PDF", 3, "app", null) instanceof Started) {
                            started++;
                        }
                    }
                    return started;
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(500);
            assertThat(counters.get("concurrentExports.cap-f64")).isEqualTo(500);
            assertThat(counters.get("maxConcurrentExports.cap-f64")).isEqualTo(500);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void busyFailureEndsFailedWithRetryAfterAndPermanentFailureWithout() {
        faults.set(new FaultSettings(0, 0, 0, 0, 5, 0, null, 0, 5, 0, 1, 1));
        ExportJob busy = start(F64, THREE_PAGES, "PDF", 3);
        ExportJob permanent = start(F64, THREE_PAGES, "PDF", 3);
        ExportJob fine = start(F64, THREE_PAGES, "PDF", 3);
        assertThat(faults.current().exportBusyFailures()).isZero();
        assertThat(faults.current().exportPermanentFailures()).isZero();

        clock.advanceMillis(1500);
        ExportJob b = poll(busy);
        ExportJob p = poll(permanent);
        assertThat(b.status()).isEqualTo("Failed");
        assertThat(b.retryAfterSeconds()).contains(2);
        assertThat(p.status()).isEqualTo("Failed");
        assertThat(p.retryAfterSeconds()).isEmpty();
        assertThat(poll(fine).status()).isEqualTo("Succeeded");
        assertThat(engine.file(busy.id())).isEmpty();
        assertThat(engine.file(fine.id())).isPresent();
    }

    @Test
    void pollsCarryRetryAfterWhileRunningExceptEveryThirdAndNeverWhenSucceeded() {
        ExportJob job = start(F64, new Report("r", "R", "ws", "PaginatedReport", 50, false, null), "PDF", 50);
        assertThat(job.retryAfterSeconds()).contains(2);
        List<Optional<Integer>> headers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            headers.add(poll(job).retryAfterSeconds());
        }
        assertThat(headers).containsExactly(Optional.of(2), Optional.of(2), Optional.empty(),
                Optional.of(2), Optional.of(2), Optional.empty());
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) {
            ExportJob done = poll(job);
            assertThat(done.status()).isEqualTo("Succeeded");
            assertThat(done.retryAfterSeconds()).isEmpty();
        }
    }

    @Test
    void expiredFileIsGoneButTheJobKeepsItsStatus() {
        ExportJob job = start(F64, THREE_PAGES, "PDF", 3);
        clock.advanceMillis(1500);
        assertThat(engine.file(job.id())).isPresent();
        clock.advance(Duration.ofSeconds(3600));
        assertThat(engine.file(job.id())).isEmpty();
        assertThat(poll(job).status()).isEqualTo("Succeeded");
    }

    @Test
    void fileIsNotAvailableBeforeTheExportSucceeds() {
        ExportJob job = start(F64, THREE_PAGES, "PDF", 3);
        clock.advanceMillis(700);
        assertThat(engine.file(job.id())).isEmpty();
        assertThat(engine.get("no-such-export")).isEmpty();
        assertThat(engine.file("no-such-export")).isEmpty();
    }

    @Test
    void exportIdsAreOpaqueAndUnique() {
        ExportJob a = start(F64, THREE_PAGES, "PDF", 3);
        ExportJob b = start(F64, THREE_PAGES, "PDF", 3);
        assertThat(a.id()).isNotEqualTo(b.id()).matches("[A-Za-z0-9_-]{22}");
    }
}
