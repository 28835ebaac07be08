package com.pbiexport.worker.app;

import com.pbiexport.worker.config.WorkerConfig;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The properties of the worker's request consumer, job-state reader and outcome producers: the pass-through
 * {@code kafka.*} settings plus what the worker's delivery guarantees need (own commits, idempotence, transactions,
 * {@code read_committed}), which no setting may override; and the hand-over wait they bound.
 */
final class KafkaClientProps {
    private KafkaClientProps() {
    }

    /** The intake thread's consumer of export requests. */
    static Properties consumer(WorkerConfig c) {
        Properties p = new Properties();
        p.putAll(c.kafka().consumerProperties());
        p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(Math.min(500, c.limits().maxInFlight())));
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, c.instanceId() + "-intake");
        // the worker commits by itself, only up to the lowest unfinished record
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        if (c.delivery().exactlyOnce()) {
            // read_committed makes the offset fetch after a rebalance wait for our transactions still committing
            // (KIP-447), so a new owner never starts below offsets a committed transaction moved past
            p.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /**
     * The intake thread's producer in exactly-once mode: {@code transactional.id} = group id + instance id (a
     * restarted instance fences its predecessor). Short transaction and blocking timeouts: a crashed instance's
     * open transaction holds back {@code read_committed} readers until it times out, and the intake thread must
     * never block for long.
     */
    static Properties transactionalProducer(WorkerConfig c) {
        Properties p = producer(c);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, c.kafka().groupId() + "-" + c.instanceId());
        p.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "20000");
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        return p;
    }

    /** The idempotent producer shared by every thread in at-least-once mode (and the base of the transactional one). */
    static Properties producer(WorkerConfig c) {
        Properties p = new Properties();
        p.putAll(c.kafka().producerProperties());
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, c.instanceId() + "-outcomes");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /**
     * Exactly-once: the idempotent producer that writes job state "running" at once, outside the intake thread's
     * transactions, so the exportId is durable within one acknowledgement of ExportTo's answer (no linger). Its
     * delivery is bounded (20 s unless {@code kafka.producer} says otherwise): a hand-over flushes it, and a record
     * given up is known not to land later (docs/ARCHITECTURE.md, "The immediate running write").
     */
    static Properties jobStateProducer(WorkerConfig c) {
        Properties p = producer(c);
        p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG); // never in a transaction: that is its point
        p.put(ProducerConfig.CLIENT_ID_CONFIG, c.instanceId() + "-jobstate-writer");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        long request = Long.parseLong(p.getProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG).trim());
        p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Math.max(20_000, request)));
        return p;
    }

    /**
     * How long a revocation waits for ExportTo calls still being answered: one HTTP response, and never more than
     * half of {@code max.poll.interval.ms} (the wait runs inside the rebalance).
     */
    static Duration handOverPatience(WorkerConfig c) {
        String maxPoll = c.kafka().consumerProperties().getOrDefault(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                "300000");
        Duration half = Duration.ofMillis(Long.parseLong(maxPoll.trim()) / 2);
        Duration response = c.http().responseTimeout().plusSeconds(5);
        return response.compareTo(half) < 0 ? response : half;
    }

    /**
     * An admin client's properties for {@code purpose} (start-up topic check, doctor): the consumer's connection
     * and security settings (bootstrap, {@code kafka.common.*}, {@code kafka.consumer.*}) restricted to the keys an
     * admin client defines, so it reaches the broker exactly as the consumer does and logs no unknown-key warnings.
     */
    static Properties admin(WorkerConfig c, String purpose) {
        Map<String, String> consumer = c.kafka().consumerProperties();
        Set<String> known = AdminClientConfig.configNames();
        Properties p = new Properties();
        consumer.forEach((k, v) -> {
            if (known.contains(k)) {
                p.put(k, v);
            }
        });
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, c.instanceId() + "-" + purpose);
        return p;
    }

    /** Asks only for the job-state end offsets that count open transactions' records (see JobStateStore). */
    static Properties jobStateEnds(WorkerConfig c) {
        Properties p = jobStateReader(c);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, c.instanceId() + "-jobstate-ends");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        return p;
    }

    /**
     * Reads job-state partitions by assignment: no group, no commits, only committed records. Never asks the broker
     * to create a missing job-state topic: its look-up runs at the same time as the start-up topic check, and a
     * broker with {@code auto.create.topics.enable} would create it with the broker's defaults (cleanup.policy
     * delete) before {@code topics.create=true} could create it compacted, leaving the worker never ready (seen in
     * the images stage of CI).
     */
    static Properties jobStateReader(WorkerConfig c) {
        Properties p = new Properties();
        p.putAll(c.kafka().consumerProperties());
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, c.instanceId() + "-jobstate");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }
}
