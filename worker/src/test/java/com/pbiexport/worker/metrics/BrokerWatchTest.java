package com.pbiexport.worker.metrics;

import com.pbiexport.devstack.sim.ManualClock;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An unreachable broker is named in the log within 10 s (issue 13, item 4), in fake time. */
class BrokerWatchTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-03T10:00:00Z"));
    private volatile double connections;

    private Map<MetricName, Metric> metrics() {
        MetricName n = new MetricName("connection-count", "consumer-metrics", "", Map.of());
        return Map.of(n, new Metric() {
            @Override
            public MetricName metricName() {
                return n;
            }

            @Override
            public Object metricValue() {
                return connections;
            }
        });
    }

    private void advance(long seconds) {
        clock.advance(Duration.ofSeconds(seconds));
    }

    @Test
    void aBrokerNeverReachedIsWarnedAboutWithinTenSecondsNamingTheSetting() {
        BrokerWatch watch = new BrokerWatch(this::metrics, "broker-1:9092", clock);
        assertThat(watch.tick()).isEmpty();
        advance(9);
        assertThat(watch.tick()).as("before 10 s").isEmpty();
        advance(1);
        assertThat(watch.tick()).hasValueSatisfying(w -> assertThat(w)
                .contains("kafka.bootstrapServers (broker-1:9092)").contains("10 s"));
    }

    @Test
    void warnsOnceAMinuteWhileItLastsAndStopsWhenTheConnectionIsBack() {
        BrokerWatch watch = new BrokerWatch(this::metrics, "b:9092", clock);
        advance(10);
        assertThat(watch.tick()).isPresent();
        advance(30);
        assertThat(watch.tick()).as("30 s after the first warning").isEmpty();
        advance(30);
        assertThat(watch.tick()).as("a minute after it").isPresent();
        connections = 1;
        advance(5);
        assertThat(watch.tick()).isEmpty();
        connections = 0;
        advance(9);
        assertThat(watch.tick()).as("a new outage starts its own 10 s").isEmpty();
        advance(1);
        assertThat(watch.tick()).as("9 s + 1 s: not yet 10 s since the new outage began").isEmpty();
        advance(9);
        assertThat(watch.tick()).isPresent();
    }

    @Test
    void aConnectedConsumerIsNeverWarnedAbout() {
        connections = 2;
        BrokerWatch watch = new BrokerWatch(this::metrics, "b:9092", clock);
        advance(600);
        assertThat(watch.tick()).isEmpty();
    }
}
