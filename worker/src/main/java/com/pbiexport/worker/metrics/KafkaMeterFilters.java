package com.pbiexport.worker.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;

/**
 * Keeps the Kafka client meters (Micrometer's {@code KafkaClientMetrics}) within Prometheus's naming rules, so
 * {@code promtool check metrics} passes on the whole {@code /metrics} page:
 * <ul>
 *   <li>drops the nanosecond I/O and wait timers ({@code *_time_ns_total}, {@code *_time_ns_avg}) and
 *       {@code app_info_start_time_ms}: abbreviated units; the {@code io_ratio}/{@code io_wait_ratio} gauges
 *       tell the same story;</li>
 *   <li>drops client meters without a description (the producer's per-node request latency);</li>
 *   <li>renames {@code connection.count} to {@code connections} ({@code _count} is reserved for histograms).</li>
 * </ul>
 * Lag ({@code kafka_consumer_fetch_manager_records_lag_max}), heartbeats, commits and errors stay.
 */
public final class KafkaMeterFilters {
    private KafkaMeterFilters() {
    }

    /** Register on the registry before binding the Kafka clients. */
    public static MeterFilter promtoolClean() {
        return new MeterFilter() {
            @Override
            public MeterFilterReply accept(Meter.Id id) {
                String name = id.getName();
                if (!name.startsWith("kafka.")) {
                    return MeterFilterReply.NEUTRAL;
                }
                boolean abbreviatedUnit = name.contains(".time.ns") || name.endsWith(".start.time.ms");
                boolean undocumented = id.getDescription() == null || id.getDescription().isBlank();
                return abbreviatedUnit || undocumented ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
            }

            @Override
            public Meter.Id map(Meter.Id id) {
                String name = id.getName();
                return name.startsWith("kafka.") && name.endsWith(".connection.count")
                        ? id.withName(name.substring(0, name.length() - ".connection.count".length()) + ".connections")
                        : id;
            }
        };
    }
}
