package com.pbiexport.worker.metrics;

import com.pbiexport.worker.auth.TokenHealth;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The readiness checks behind {@code /health/ready}: a member of the consumer group, a reachable broker, a token
 * actually acquired for every tenant, plus whatever the composition root adds (topics, sinks).
 * Each reads state another thread keeps (never calls the KafkaConsumer, which is not thread-safe; its metrics map
 * is, which is what Micrometer's Kafka binder reads too).
 */
public final class Readiness {
    /** The consumer heartbeats every 3 s by default; this many seconds without one means the coordinator is away. */
    public static final Duration MAX_HEARTBEAT_AGE = Duration.ofSeconds(30);

    private Readiness() {
    }

    /**
     * Ready when the intake thread runs and the consumer has joined its group (the group's assignment reached it),
     * holding partitions or not: an instance beyond the partition count is a healthy stand-by, and a rollout with
     * more replicas than partitions must still finish.
     */
    public static Supplier<AdminServer.Check> group(BooleanSupplier intakeAlive, BooleanSupplier joined,
                                                    IntSupplier assigned) {
        return () -> {
            if (!intakeAlive.getAsBoolean()) {
                return new AdminServer.Check(false, "consumer thread stopped");
            }
            if (!joined.getAsBoolean()) {
                return new AdminServer.Check(false, "not yet a member of the consumer group (kafka.groupId)");
            }
            int n = assigned.getAsInt();
            return new AdminServer.Check(true, "member of the consumer group, " + n + " partition(s) assigned"
                    + (n == 0 ? " (stand-by: more instances than partitions)" : ""));
        };
    }

    /**
     * Ready when the consumer heartbeated its group coordinator recently (a poll that returns nothing does not tell
     * a quiet topic from a lost broker); when the client has no such metric, when it holds a broker connection.
     */
    public static Supplier<AdminServer.Check> broker(Supplier<Map<MetricName, ? extends Metric>> consumerMetrics,
                                                     Duration maxHeartbeatAge) {
        return () -> {
            Map<MetricName, ? extends Metric> metrics = consumerMetrics.get();
            Double heartbeatAge = value(metrics, "consumer-coordinator-metrics", "last-heartbeat-seconds-ago");
            if (heartbeatAge != null && !heartbeatAge.isNaN()) {
                // the client reports -1 until the first heartbeat: no evidence of a coordinator yet
                boolean ok = heartbeatAge >= 0 && heartbeatAge <= maxHeartbeatAge.toSeconds();
                if (heartbeatAge < 0) {
                    return new AdminServer.Check(false, "no heartbeat to a group coordinator yet: check the broker "
                            + "and kafka.bootstrapServers");
                }
                return new AdminServer.Check(ok, ok ? "group coordinator heartbeat " + heartbeatAge.longValue() + " s ago"
                        : "no heartbeat to the group coordinator for more than " + maxHeartbeatAge.toSeconds()
                        + " s: check the broker and kafka.bootstrapServers");
            }
            Double connections = value(metrics, "consumer-metrics", "connection-count");
            boolean ok = connections != null && connections > 0;
            return new AdminServer.Check(ok, ok ? "connected to the broker"
                    : "no broker connection: check the broker and kafka.bootstrapServers");
        };
    }

    /**
     * Ready when a token was really acquired for every configured tenant and its latest acquisition succeeded (the
     * worker fetches one per tenant at start-up, so a wrong secret shows here instead of in the first export).
     */
    public static Supplier<AdminServer.Check> tokens(Supplier<Map<String, TokenHealth>> health) {
        return () -> {
            List<String> failing = health.get().values().stream()
                    .filter(h -> h.lastSuccess().isPresent() && !h.healthy())
                    .map(TokenHealth::tenantAlias).sorted().toList();
            List<String> never = health.get().values().stream().filter(h -> h.lastSuccess().isEmpty())
                    .map(h -> h.tenantAlias() + h.lastFailure().map(f -> " (" + f.kind() + ")").orElse(" (pending)"))
                    .sorted().toList();
            boolean ok = failing.isEmpty() && never.isEmpty();
            return new AdminServer.Check(ok, ok ? "a token was acquired for every tenant"
                    : (never.isEmpty() ? "" : "no token acquired yet for " + never + (failing.isEmpty() ? "" : "; "))
                    + (failing.isEmpty() ? "" : "latest token request failed for " + failing));
        };
    }

    private static Double value(Map<MetricName, ? extends Metric> metrics, String group, String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            if (e.getKey().group().equals(group) && e.getKey().name().equals(name)
                    && e.getValue().metricValue() instanceof Number n) {
                return n.doubleValue();
            }
        }
        return null;
    }
}
