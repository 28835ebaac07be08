package com.pbiexport.worker.metrics;

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
    void groupNeedsARunningConsumerThatJoinedTheGroup() {
        assertThat(Readiness.group(() -> false, () -> true, () -> 3).get())
                .isEqualTo(new AdminServer.Check(false, "consumer thread stopped"));
        assertThat(Readiness.group(() -> true, () -> false, () -> 0).get())
                .isEqualTo(new AdminServer.Check(false, "not yet a member of the consumer group (kafka.groupId)"));
        assertThat(Readiness.group(() -> true, () -> true, () -> 2).get())
                .isEqualTo(new AdminServer.Check(true, "member of the consumer group, 2 partition(s) assigned"));
    }

    @Test
    void anInstanceBeyondThePartitionCountIsStillReady() {
        AdminServer.Check standBy = Readiness.group(() -> true, () -> true, () -> 0).get();
        assertThat(standBy.ok()).isTrue();
        assertThat(standBy.detail()).contains("stand-by");
    }

    @Test
    void aHeartbeatAgeOfMinusOneMeansNoCoordinatorYet() {
        // the client reports -1 before its first heartbeat; this used to read "heartbeat -1 s ago", ok
        AdminServer.Check never = Readiness.broker(() -> metric("consumer-coordinator-metrics",
                "last-heartbeat-seconds-ago", -1), Duration.ofSeconds(30)).get();
        assertThat(never.ok()).isFalse();
        assertThat(never.detail()).contains("kafka.bootstrapServers");
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
        assertThat(Readiness.broker(() -> metric("consumer-metrics", "connection-count", 0), Duration.ofSeconds(30))
                .get().ok()).isFalse();
        assertThat(Readiness.broker(Map::of, Duration.ofSeconds(30)).get().ok()).isFalse();
    }

    @Test
    void tokensNameEveryTenantWithoutAUsableToken() {
        TokenFailure failure = new TokenFailure("fabrikam", Optional.of(401), Optional.of("invalid_client"), Optional.of(7000215),
                "AADSTS7000215: Invalid client secret provided.", TokenFailure.Kind.REJECTED, Optional.empty());
        Map<String, TokenHealth> health = new LinkedHashMap<>();
        health.put("contoso", new TokenHealth("contoso", Optional.of(Instant.parse("2026-12-03T10:00:00Z")),
                Optional.empty(), Optional.empty(), Optional.of(Instant.parse("2026-12-03T11:00:00Z"))));
        health.put("fabrikam", new TokenHealth("fabrikam", Optional.empty(), Optional.of(failure),
                Optional.of(Instant.now()), Optional.empty()));

        AdminServer.Check check = Readiness.tokens(() -> health).get();

        assertThat(check).isEqualTo(new AdminServer.Check(false, "no token acquired yet for [fabrikam (REJECTED)]"));
    }

    @Test
    void tokensAreNotReadyBeforeOneWasAcquired() {
        TokenHealth pending = new TokenHealth("contoso", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
        assertThat(Readiness.tokens(() -> Map.of("contoso", pending)).get())
                .isEqualTo(new AdminServer.Check(false, "no token acquired yet for [contoso (pending)]"));
        TokenHealth acquired = new TokenHealth("contoso", Optional.of(Instant.parse("2026-12-03T10:00:00Z")),
                Optional.empty(), Optional.empty(), Optional.of(Instant.parse("2026-12-03T11:00:00Z")));
        assertThat(Readiness.tokens(() -> Map.of("contoso", acquired)).get())
                .isEqualTo(new AdminServer.Check(true, "a token was acquired for every tenant"));
    }

    @Test
    void aTenantWhoseRefreshFailsAfterASuccessIsNamed() {
        TokenFailure failure = new TokenFailure("contoso", Optional.empty(), Optional.empty(), Optional.empty(),
                "connect timed out", TokenFailure.Kind.UNAVAILABLE, Optional.empty());
        TokenHealth failing = new TokenHealth("contoso", Optional.of(Instant.parse("2026-12-03T10:00:00Z")),
                Optional.of(failure), Optional.of(Instant.parse("2026-12-03T10:50:00Z")), Optional.empty());
        assertThat(Readiness.tokens(() -> Map.of("contoso", failing)).get())
                .isEqualTo(new AdminServer.Check(false, "latest token request failed for [contoso]"));
    }
}
