package com.pbiexport.worker.metrics;

import com.pbiexport.worker.auth.FakeTokenSource;
import com.pbiexport.worker.auth.TokenFailure;
import com.pbiexport.worker.auth.TokenHealth;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ReadinessTest {

    private static Map<MetricName, Metric> metric(String group, String name, double value) {
        MetricName n = new MetricName(name, group, "", Map.of());
        return Map.of(n, new Metric() {
            @Override
            public MetricName metricName() {
                return n;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        });
    }

    @Test
    void partitionsNeedARunningConsumerWithAnAssignment() {
        assertThat(Readiness.partitions(() -> false, () -> 3).get())
                .isEqualTo(new AdminServer.Check(false, "consumer thread stopped"));
        assertThat(Readiness.partitions(() -> true, () -> 0).get().ok()).isFalse();
        assertThat(Readiness.partitions(() -> true, () -> 2).get())
                .isEqualTo(new AdminServer.Check(true, "2 partition(s) assigned"));
    }

    @Test
    void brokerNeedsARecentHeartbeat() {
        assertThat(Readiness.broker(() -> metric("consumer-coordinator-metrics", "last-heartbeat-seconds-ago", 3),
                Duration.ofSeconds(30)).get()).isEqualTo(new AdminServer.Check(true, "group coordinator heartbeat 3 s ago"));
        AdminServer.Check stale = Readiness.broker(() -> metric("consumer-coordinator-metrics",
                "last-heartbeat-seconds-ago", 31), Duration.ofSeconds(30)).get();
        assertThat(stale.ok()).isFalse();
        assertThat(stale.detail()).contains("kafka.bootstrapServers");
    }

    @Test
    void brokerFallsBackToTheConnectionCount() {
        assertThat(Readiness.broker(() -> metric("consumer-metrics", "connection-count", 1), Duration.ofSeconds(30))
                .get().ok()).isTrue();
        assertThat(Readiness.broker(Map::of, Duration.ofSeconds(30)).get().ok()).isFalse();
    }

    @Test
    void tokensNameEveryTenantWithoutAUsableToken() {
        TokenFailure failure = new TokenFailure("fabrikam", Optional.of(401), Optional.of("invalid_client"), Optional.of(7000215),
                "AADSTS7000215: Invalid client secret provided.", TokenFailure.Kind.REJECTED, Optional.empty());
        Map<String, TokenHealth> health = new LinkedHashMap<>();
        health.put("contoso", new FakeTokenSource("contoso").health());
        health.put("fabrikam", new TokenHealth("fabrikam", Optional.empty(), Optional.of(failure),
                Optional.of(Instant.now()), Optional.empty()));

        AdminServer.Check check = Readiness.tokens(() -> health).get();

        assertThat(check).isEqualTo(new AdminServer.Check(false, "no usable token for [fabrikam]"));
        assertThat(Readiness.tokens(() -> Map.of("contoso", new FakeTokenSource("contoso").health())).get().ok()).isTrue();
    }
}
