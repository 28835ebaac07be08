package com.pbiexport.worker.app;

import com.pbiexport.worker.config.ConfigException;
import com.pbiexport.worker.config.DidYouMean;
import com.pbiexport.worker.config.KafkaSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks the Kafka pass-through properties ({@code kafka.common/consumer/producer}, {@code PBIEXPORT_KAFKA_*})
 * against the Kafka clients' own config definitions, so a typo ({@code sasl.mechansim}) fails start-up with a
 * did-you-mean instead of being ignored with a warning in the client's log. Lives in {@code app} because
 * {@code config} must not depend on Kafka.
 */
final class KafkaClientKeys {
    private KafkaClientKeys() { }

    /** Every problem at once; empty when every key is one the client defines. */
    static List<String> problems(KafkaSettings kafka) {
        Set<String> consumer = ConsumerConfig.configNames();
        Set<String> producer = ProducerConfig.configNames();
        Set<String> either = new TreeSet<>(consumer);
        either.addAll(producer);
        List<String> problems = new ArrayList<>();
        check("kafka.common", kafka.common(), either, problems);
        check("kafka.consumer", kafka.consumer(), consumer, problems);
        check("kafka.producer", kafka.producer(), producer, problems);
        return problems;
    }

    /** Throws a {@link ConfigException} naming every unknown key. */
    static void require(KafkaSettings kafka) {
        List<String> problems = problems(kafka);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static void check(String section, Map<String, String> props, Set<String> known, List<String> problems) {
        for (String key : new TreeSet<>(props.keySet())) {
            if (!known.contains(key)) {
                problems.add(section + "." + key + " is not a Kafka " + (section.endsWith("consumer") ? "consumer"
                        : section.endsWith("producer") ? "producer" : "client") + " setting"
                        + DidYouMean.hint(key, known) + " (env: PBIEXPORT_KAFKA_[CONSUMER_|PRODUCER_]<NAME>)");
            }
        }
    }
}
