package com.pbiexport.worker.app;

import com.pbiexport.worker.config.WorkerConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.Properties;

/**
 * The properties of the worker's request consumer and outcome producers: the pass-through {@code kafka.*} settings
 * plus what the worker's delivery guarantees need (own commits, idempotence, transactions), which no setting may
 * override.
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
}
