package com.pbiexport.worker.metrics;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.export.ExportJobSpec;
import com.pbiexport.worker.export.ExportObserver.Stage;
import com.pbiexport.worker.export.JobResult;
import com.pbiexport.worker.storage.SinkResult;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import com.pbiexport.worker.auth.FakeTokenSource;
import io.micrometer.core.instrument.Tags;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerMetricsTest {
    static final String REQUEST_ID = "req-0b9e2a51-unique";
    static final String WORKSPACE = "3d5e0000-0000-4000-a000-000000000001";
    static final String REPORT = "7e000000-0000-4000-a000-000000000001";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final WorkerMetrics metrics = new WorkerMetrics(registry);

    static ExportJobSpec spec() {
        ExportRequested r = ExportRequested.builder(REQUEST_ID, "contoso", WORKSPACE, REPORT, ExportFormat.PDF).build();
        return new ExportJobSpec(r, JsonNodeFactory.instance.objectNode(), "files", Instant.now(), Optional.empty());
    }

    static JobResult.Stored stored() {
        return new JobResult.Stored(spec(), new SinkResult(URI.create("file:///out/" + REQUEST_ID + ".pdf"), 2048,
                "0".repeat(64), "application/pdf", REQUEST_ID + ".pdf"), "export-77",
                new JobResult.Timings(5, 1500, 200, 1705), 1, List.of("pbi-request-9"));
    }

    static JobResult.Failed failed() {
        return new JobResult.Failed(spec(), Diagnosis.of(ErrorCode.PBI_REPORT_NOT_FOUND, "no such report " + REPORT),
                Optional.of("export-78"), 1, List.of());
    }

    /** Drives every meter of the catalogue once, with ids that must never show up as tags. */
    static void exerciseEverything(WorkerMetrics m) {
        m.received("pbi.export.requests");
        m.paused(true);
        m.stageEntered("contoso", Stage.RENDERING);
        m.throttled("contoso", "start", Duration.ofSeconds(30));
        m.polled("contoso");
        m.busyRestart("contoso");
        m.finished(stored());
        m.finished(failed());
        m.answered(stored());
        m.answered(failed());
        m.rejected("INVALID_GUID");
        m.deadLettered("MALFORMED_JSON");
        m.publishRetried();
        m.permitLimit(64);
        m.tenantMeters("contoso", new FakeTokenSource("contoso"), s -> 3L, Clock.systemUTC());
        m.assigned(List.of(new TopicPartition("pbi.export.requests", 0), new TopicPartition("pbi.export.requests", 1)));
        m.committed(2);
        m.pollFailed(new KafkaException("broker away"));
        m.capacityLimit("capacity:ca000000-0000-4000-a000-000000000001", 25);
        m.capacityPermits("capacity:ca000000-0000-4000-a000-000000000001", 7);
        m.capacityThrottled("capacity:ca000000-0000-4000-a000-000000000001");
        m.rateLimited("contoso", Duration.ofMillis(20));
        m.cacheEntries(CacheName.ANSWERED_REQUESTS, () -> 3);
    }

    @Test
    void capacityMetersFollowTheLimiter() {
        metrics.capacityLimit("capacity:c1", 50);
        metrics.capacityLimit("capacity:c1", 25);
        metrics.capacityPermits("capacity:c1", 7);
        metrics.capacityThrottled("capacity:c1");

        String scrape = registry.scrape();

        assertThat(scrape).contains("pbiexport_capacity_concurrency_limit{capacity=\"capacity:c1\"} 25.0");
        assertThat(scrape).contains("pbiexport_capacity_concurrency_in_use{capacity=\"capacity:c1\"} 7.0");
        assertThat(scrape).contains("pbiexport_capacity_throttled_total{capacity=\"capacity:c1\"} 1.0");
    }

    @Test
    void publishesEveryCatalogueMeterUnderItsPrometheusName() {
        exerciseEverything(metrics);

        String scrape = registry.scrape();

        for (MeterCatalogue meter : MeterCatalogue.values()) {
            assertThat(scrape).as(meter.name()).contains("\n" + meter.prometheusName());
        }
        assertThat(scrape).contains("pbiexport_requests_received_total 1.0");
        assertThat(scrape).contains("pbiexport_intake_paused 1.0");
        assertThat(scrape).contains("pbiexport_exports_in_flight{stage=\"rendering\"} 1.0");
        assertThat(scrape).contains("pbiexport_dead_letters_total{reason=\"MALFORMED_JSON\"} 1.0");
        assertThat(scrape).contains("pbiexport_token_acquisitions_total{tenant=\"contoso\"} 3.0");
        assertThat(scrape).contains("pbiexport_intake_assigned_partitions 2.0");
        assertThat(scrape).contains("pbiexport_intake_offsets_committed_total 2.0");
        assertThat(scrape).contains("pbiexport_capacity_permits_in_use{tenant=\"contoso\"} 1.0");
    }

    @Test
    void neverTagsARequestReportWorkspaceOrExportId() {
        exerciseEverything(metrics);

        String scrape = registry.scrape();

        assertThat(scrape).doesNotContain(REQUEST_ID, REPORT, WORKSPACE, "export-77", "export-78", "pbi-request-9",
                "file:///");
    }

    @Test
    void tagsOnlyWhatTheCatalogueAllows() {
        exerciseEverything(metrics);

        List<Meter> ours = registry.getMeters().stream().filter(m -> m.getId().getName().startsWith("pbiexport.")).toList();

        assertThat(ours).isNotEmpty();
        for (Meter m : ours) {
            MeterCatalogue entry = Arrays.stream(MeterCatalogue.values())
                    .filter(c -> c.meterName().equals(m.getId().getName())).findFirst()
                    .orElseThrow(() -> new AssertionError(m.getId().getName() + " is not in the catalogue"));
            assertThat(m.getId().getTags()).extracting(Tag::getKey).as(entry.name()).isSubsetOf(entry.tags());
        }
    }

    @Test
    void anExportThatFinishedIsNotAnOutcomeUntilItsEventIsPublished() {
        metrics.finished(stored());
        metrics.finished(failed());

        assertThat(registry.find("pbiexport.outcomes").counters()).isEmpty();
        assertThat(registry.get(MeterCatalogue.BYTES_STORED.meterName()).counter().count()).isEqualTo(2048);
    }

    @Test
    void countsOutcomesByResultCodeAndCategory() {
        metrics.finished(stored());
        metrics.finished(failed());
        metrics.answered(stored());
        metrics.answered(failed());
        metrics.rejected("INVALID_FORMAT");

        assertThat(registry.get("pbiexport.outcomes").tags("result", "completed", "tenant", "contoso").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("pbiexport.outcomes").tags("result", "failed", "code", "PBI_REPORT_NOT_FOUND",
                "category", "not_found", "format", "PDF").counter().count()).isEqualTo(1);
        assertThat(registry.get("pbiexport.outcomes").tags("code", "INVALID_FORMAT", "category", "invalid_request")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get(MeterCatalogue.BYTES_STORED.meterName()).counter().count()).isEqualTo(2048);
        assertThat(registry.get("pbiexport.export.phase.duration").tags("phase", "render").timer()
                .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(1500);
    }

    @Test
    void refusesATagTheCatalogueDoesNotList() {
        assertThatThrownBy(() -> WorkerMetrics.tags(MeterCatalogue.POLLS, Tags.of("requestId", REQUEST_ID)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("meter pbiexport.powerbi.polls may not carry tag 'requestId'; allowed: [tenant] (MeterCatalogue)");
    }

    @Test
    void holdsAPermitOnlyOutsideTheQueue() {
        metrics.stageEntered("contoso", Stage.QUEUED);
        assertThat(registry.find(MeterCatalogue.PERMITS_IN_USE.meterName()).gauge()).isNull();

        metrics.stageLeft("contoso", Stage.QUEUED);
        metrics.stageEntered("contoso", Stage.STARTING);
        assertThat(registry.get(MeterCatalogue.PERMITS_IN_USE.meterName()).tag("tenant", "contoso").gauge().value())
                .isEqualTo(1);
        metrics.stageLeft("contoso", Stage.STARTING);
        assertThat(registry.get(MeterCatalogue.PERMITS_IN_USE.meterName()).gauge().value()).isZero();
    }

    @Test
    void tracksStagesUpAndDown() {
        metrics.stageEntered("contoso", Stage.QUEUED);
        metrics.stageEntered("contoso", Stage.QUEUED);
        metrics.stageLeft("contoso", Stage.QUEUED);
        metrics.paused(true);
        metrics.paused(false);

        assertThat(registry.get("pbiexport.exports.in.flight").tag("stage", "queued").gauge().value()).isEqualTo(1);
        assertThat(registry.get("pbiexport.exports.in.flight").tag("stage", "downloading").gauge().value()).isZero();
        assertThat(registry.get("pbiexport.intake.paused").gauge().value()).isZero();
    }

    @Test
    void aForgottenCapacityTakesItsMetersAlongSoTheCapacityTagStaysBounded() {
        metrics.capacityLimit("workspace:w1", 5);
        metrics.capacityPermits("workspace:w1", 0);
        metrics.capacityThrottled("workspace:w1");
        metrics.capacityLimit("capacity:c2", 5);

        metrics.capacityForgotten("workspace:w1");

        String scrape = registry.scrape();
        assertThat(scrape).doesNotContain("capacity=\"workspace:w1\"");
        assertThat(scrape).contains("pbiexport_capacity_concurrency_limit{capacity=\"capacity:c2\"} 5.0");
        metrics.capacityLimit("workspace:w1", 3); // used again later: measured again
        assertThat(registry.scrape()).contains("pbiexport_capacity_concurrency_limit{capacity=\"workspace:w1\"} 3.0");
    }

    @Test
    void eachCachesSizeIsAGaugeReadAtScrapeTimeTaggedWithItsName() {
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger(2);
        for (CacheName c : CacheName.values()) {
            metrics.cacheEntries(c, c == CacheName.CAPACITY_LOOKUPS ? lookups::get : () -> 0);
        }
        lookups.set(7);

        String scrape = registry.scrape();
        assertThat(scrape).contains("pbiexport_cache_entries{cache=\"capacity_lookups\"} 7.0");
        for (CacheName c : CacheName.values()) {
            assertThat(scrape).contains("cache=\"" + c.tag() + "\"");
        }
        assertThat(CacheName.TOKEN_SOURCES.tag()).isEqualTo("token_sources");
    }
}
