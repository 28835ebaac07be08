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
 * The three readiness checks behind {@code /health/ready}: partitions assigned, a reachable broker, usable tokens.
 * Each reads state another thread keeps (never calls the KafkaConsumer, which is not thread-safe; its metrics map
 * is, which is what Micrometer's Kafka binder reads too).
 */
public final class Readiness {
    /** The consumer heartbeats every 3 s by default; this many seconds without one means the coordinator is away. */
    public static final Duration MAX_HEARTBEAT_AGE = Duration.ofSeconds(30);

    private Readiness() {
    }

    /** Ready when the intake thread runs and the group gave this instance at least one partition. */
    public static Supplier<AdminServer.Check> partitions(BooleanSupplier intakeAlive, IntSupplier assigned) {
        return () -> {
            if (!intakeAlive.getAsBoolean()) {
                return new AdminServer.Check(false, "consumer thread stopped");
            }
            int n = assigned.getAsInt();
            return new AdminServer.Check(n > 0, n > 0 ? n + " partition(s) assigned"
                    : "no partition assigned (joining the group, or more instances than partitions)");
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
                boolean ok = heartbeatAge <= maxHeartbeatAge.toSeconds();
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

    /** Ready when every configured tenant's latest token acquisition succeeded (or none was needed yet). */
    public static Supplier<AdminServer.Check> tokens(Supplier<Map<String, TokenHealth>> health) {
        return () -> {
            List<String> unhealthy = health.get().values().stream().filter(h -> !h.healthy())
                    .map(TokenHealth::tenantAlias).toList();
            return new AdminServer.Check(unhealthy.isEmpty(), unhealthy.isEmpty() ? "all tenants have usable tokens"
                    : "no usable token for " + unhealthy);
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
