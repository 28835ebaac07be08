package com.pbiexport.worker.ops;

import com.pbiexport.worker.auth.TokenFailure;
import com.pbiexport.worker.auth.TokenHealth;
import com.pbiexport.worker.metrics.AdminServer;
import com.pbiexport.worker.metrics.Readiness;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The three readiness checks, each on its own inputs. */
class ReadinessTest {
    @Test
    void notReadyWithoutPartitionsOrWithAStoppedConsumerThread() {
        assertThat(Readiness.partitions(() -> true, () -> 0).get())
                .isEqualTo(new AdminServer.Check(false, "no partition assigned (joining the group, or more instances than partitions)"));
        assertThat(Readiness.partitions(() -> true, () -> 3).get()).isEqualTo(new AdminServer.Check(true, "3 partition(s) assigned"));
        assertThat(Readiness.partitions(() -> false, () -> 3).get().ok()).isFalse();
    }

    @Test
    void brokerIsUnreachableWhenTheLastHeartbeatIsOlderThanTheLimit() {
        Duration limit = Duration.ofSeconds(30);
        assertThat(Readiness.broker(() -> Map.of(name("consumer-coordinator-metrics", "last-heartbeat-seconds-ago"),
                metric(2.0)), limit).get()).isEqualTo(new AdminServer.Check(true, "group coordinator heartbeat 2 s ago"));
        AdminServer.Check stale = Readiness.broker(() -> Map.of(
                name("consumer-coordinator-metrics", "last-heartbeat-seconds-ago"), metric(31.0)), limit).get();
        assertThat(stale.ok()).isFalse();
        assertThat(stale.detail()).contains("kafka.bootstrapServers");
    }

    @Test
    void brokerFallsBackToTheConnectionCountWithoutAHeartbeatMetric() {
        Duration limit = Duration.ofSeconds(30);
        assertThat(Readiness.broker(() -> Map.of(name("consumer-metrics", "connection-count"), metric(1.0)), limit)
                .get().ok()).isTrue();
        assertThat(Readiness.broker(() -> Map.of(name("consumer-metrics", "connection-count"), metric(0.0)), limit)
                .get().ok()).isFalse();
        assertThat(Readiness.broker(Map::of, limit).get().ok()).isFalse();
    }

    @Test
    void tokensNameEveryTenantWhoseLatestAcquisitionFailed() {
        Instant t = Instant.parse("2026-11-30T12:00:00Z");
        TokenHealth ok = new TokenHealth("contoso", Optional.of(t), Optional.empty(), Optional.empty(), Optional.of(t.plusSeconds(3600)));
        TokenHealth failing = new TokenHealth("fabrikam", Optional.of(t), Optional.of(new TokenFailure("fabrikam", Optional.of(401),
                Optional.of("invalid_client"), Optional.of(7000222), "expired", TokenFailure.Kind.REJECTED, Optional.empty())),
                Optional.of(t.plusSeconds(60)), Optional.empty());
        assertThat(Readiness.tokens(() -> Map.of("contoso", ok)).get())
                .isEqualTo(new AdminServer.Check(true, "all tenants have usable tokens"));
        assertThat(Readiness.tokens(() -> Map.of("contoso", ok, "fabrikam", failing)).get())
                .isEqualTo(new AdminServer.Check(false, "no usable token for [fabrikam]"));
    }

    private static MetricName name(String group, String name) {
        return new MetricName(name, group, "", Map.of());
    }

    private static Metric metric(double value) {
        return new Metric() {
            @Override
            public MetricName metricName() {
                return null;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        };
    }
}
