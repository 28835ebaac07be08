package com.pbiexport.worker.metrics;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Says in the log, within {@link #FIRST_WARNING} of losing (or never reaching) the broker, that the consumer has no
 * broker connection, naming {@code kafka.bootstrapServers}: the Kafka client itself retries silently (DEBUG) for
 * much longer. Then once a minute while it lasts, and once at INFO when the connection is back. Reads the consumer's
 * metrics map (thread-safe), so a timer thread can run {@link #tick()}; the clock is injected.
 */
public final class BrokerWatch {
    /** How long without a broker connection before the first WARN. */
    public static final Duration FIRST_WARNING = Duration.ofSeconds(10);
    static final Duration REPEAT = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(BrokerWatch.class);

    private final Supplier<Map<MetricName, ? extends Metric>> consumerMetrics;
    private final String bootstrapServers;
    private final Clock clock;
    private Instant downSince;
    private Instant lastWarning;

    public BrokerWatch(Supplier<Map<MetricName, ? extends Metric>> consumerMetrics, String bootstrapServers,
                       Clock clock) {
        this.consumerMetrics = consumerMetrics;
        this.bootstrapServers = bootstrapServers;
        this.clock = clock;
        this.downSince = clock.instant(); // not connected until a connection is seen
    }

    /** One look; returns the warning it logged, if any (tests). */
    public synchronized Optional<String> tick() {
        Instant now = clock.instant();
        if (connected()) {
            if (lastWarning != null) {
                log.info("Kafka broker reachable again after {} s", Duration.between(downSince, now).toSeconds());
            }
            downSince = null;
            lastWarning = null;
            return Optional.empty();
        }
        if (downSince == null) {
            downSince = now;
        }
        Duration down = Duration.between(downSince, now);
        boolean due = lastWarning == null ? down.compareTo(FIRST_WARNING) >= 0
                : Duration.between(lastWarning, now).compareTo(REPEAT) >= 0;
        if (!due) {
            return Optional.empty();
        }
        lastWarning = now;
        String message = "No connection to any Kafka broker for " + down.toSeconds() + " s: check "
                + "kafka.bootstrapServers (" + bootstrapServers + "), DNS, firewall and the security settings "
                + "(kafka.common security.protocol/sasl.*/ssl.*)";
        log.warn(message);
        return Optional.of(message);
    }

    private boolean connected() {
        for (Map.Entry<MetricName, ? extends Metric> e : consumerMetrics.get().entrySet()) {
            if (e.getKey().group().equals("consumer-metrics") && e.getKey().name().equals("connection-count")
                    && e.getValue().metricValue() instanceof Number n) {
                return n.doubleValue() > 0;
            }
        }
        return false;
    }
}
