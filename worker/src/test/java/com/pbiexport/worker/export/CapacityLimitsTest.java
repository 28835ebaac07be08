package com.pbiexport.worker.export;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.config.Limits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-capacity limits end to end: the devstack's "Ops (A1)" capacity accepts 2 concurrent exports and answers
 * 429 with Retry-After beyond; the worker starts with a limit of 4, and must shrink to the capacity's real limit,
 * wait out Retry-After, and still complete every export.
 */
class CapacityLimitsTest {
    private static final String OPS_WORKSPACE = "3d5e0000-0000-4000-a000-000000000005";
    private static final String OPS_REPORT = "7e000000-0000-4000-a000-000000000005";

    @TempDir
    static Path output;
    private static SimulatedPowerBi powerBi;

    @BeforeAll
    static void start() {
        powerBi = new SimulatedPowerBi(Scenario.defaultScenario().withPageRenderMillis(300), output);
    }

    @AfterAll
    static void stop() throws Exception {
        powerBi.close();
    }

    @Test
    void shrinksToTheCapacitysRealLimitOn429AndCompletesEveryExport() throws Exception {
        Map<String, Integer> minLimit = new ConcurrentHashMap<>();
        AtomicInteger throttles = new AtomicInteger();
        AtomicInteger maxPermits = new AtomicInteger();
        ExportObserver observer = new ExportObserver() {
            @Override
            public void capacityLimit(String capacity, int limit) {
                minLimit.merge(capacity, limit, Math::min);
            }

            @Override
            public void capacityPermits(String capacity, int inUse) {
                maxPermits.accumulateAndGet(inUse, Math::max);
            }

            @Override
            public void capacityThrottled(String capacity) {
                throttles.incrementAndGet();
            }
        };
        Limits limits = Limits.defaults().withPollFallbackInterval(Duration.ofMillis(300))
                .withCapacityLimits(1000, 4, 500, 0);
        ExportService service = powerBi.service(limits, observer);

        List<CompletableFuture<JobResult>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            CompletableFuture<JobResult> f = new CompletableFuture<>();
            service.submit(spec("ops-" + i), f::complete);
            results.add(f);
        }
        for (CompletableFuture<JobResult> f : results) {
            assertThat(f.get(60, TimeUnit.SECONDS)).isInstanceOf(JobResult.Stored.class);
        }

        String key = "workspace:" + OPS_WORKSPACE; // SimulatedPowerBi does not resolve capacities
        assertThat(maxPermits).hasValueLessThanOrEqualTo(4);
        assertThat(throttles).as("429s seen").hasPositiveValue();
        assertThat(minLimit.get(key)).as("the limit shrank").isLessThanOrEqualTo(2);
        assertThat(powerBi.counter("throttled429")).isEqualTo(throttles.get());
        assertThat(powerBi.counter("exportToCalls")).as("every 429 retried once, nothing more")
                .isEqualTo(8 + throttles.get());
        assertThat(service.exportLimits().admission().slotsInUse()).isZero();
        assertThat(service.exportLimits().admission().permitsInUse(key)).isZero();
    }

    private ExportJobSpec spec(String requestId) {
        ExportRequested r = ExportRequested.builder(requestId + "-" + System.nanoTime(), SimulatedPowerBi.TENANT,
                OPS_WORKSPACE, OPS_REPORT, ExportFormat.PDF).build();
        return new ExportJobSpec(r, JsonNodeFactory.instance.objectNode().put("format", "PDF"), SimulatedPowerBi.SINK,
                Instant.now(), Optional.empty());
    }
}
