package com.pbiexport.worker.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Kafka client settings. Every property in the maps is passed to the Kafka clients unchanged, so SASL/SSL
 * setups (Confluent Cloud, Azure Event Hubs, MSK IAM) need no code.
 *
 * @param bootstrapServers {@code bootstrap.servers}
 * @param groupId          the consumer group of the request topic
 * @param common           properties for consumer and producer (security, client.dns.lookup, ...)
 * @param consumer         consumer-only properties; win over {@code common}
 * @param producer         producer-only properties; win over {@code common}
 */
public record KafkaSettings(String bootstrapServers, String groupId, Map<String, String> common,
                            Map<String, String> consumer, Map<String, String> producer) {

    public static final String DEFAULT_GROUP_ID = "pbi-export-worker";

    public KafkaSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(groupId, "groupId");
        common = copy(common);
        consumer = copy(consumer);
        producer = copy(producer);
    }

    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, DEFAULT_GROUP_ID, Map.of(), Map.of(), Map.of());
    }

    /** bootstrap.servers + common + consumer + group.id, later entries winning. */
    public Map<String, String> consumerProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", bootstrapServers);
        p.putAll(common);
        p.putAll(consumer);
        p.put("group.id", groupId);
        return Collections.unmodifiableMap(p);
    }

    /** bootstrap.servers + common + producer, later entries winning. */
    public Map<String, String> producerProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", bootstrapServers);
        p.putAll(common);
        p.putAll(producer);
        return Collections.unmodifiableMap(p);
    }

    /** Never prints property values: {@code sasl.jaas.config} carries passwords. */
    @Override
    public String toString() {
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", groupId=" + groupId + ", common="
                + common.keySet() + ", consumer=" + consumer.keySet() + ", producer=" + producer.keySet() + "]";
    }

    private static Map<String, String> copy(Map<String, String> m) {
        return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
