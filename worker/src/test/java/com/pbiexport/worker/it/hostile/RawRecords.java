package com.pbiexport.worker.it.hostile;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Publishes raw records (any bytes, any headers, a chosen partition) to a lane's request topic: what a broken or
 * hostile producer would send, which {@code Lane.publish} (well-formed CloudEvents only) cannot.
 */
final class RawRecords implements AutoCloseable {
    /** A header naming the corpus case: dead letters keep the original headers, so each can be traced back. */
    static final String CASE_HEADER = "x-fuzz-case";

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final List<Future<RecordMetadata>> sent = new ArrayList<>();

    RawRecords(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(2 * 1024 * 1024)); // the TOO_LARGE case
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
    }

    /** Sends without waiting; {@code partition} null lets the key decide. */
    void send(Integer partition, String key, byte[] value, Map<String, byte[]> headers, String caseName) {
        RecordHeaders h = new RecordHeaders();
        headers.forEach(h::add);
        if (caseName != null) {
            h.add(CASE_HEADER, caseName.getBytes(StandardCharsets.UTF_8));
        }
        sent.add(producer.send(new ProducerRecord<>(topic, partition,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, h)));
    }

    /** Waits until every record sent so far is acknowledged. */
    void flush(Duration timeout) {
        producer.flush();
        try {
            for (Future<RecordMetadata> f : sent) {
                f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            throw new AssertionError("could not publish to " + topic + ": " + e, e);
        }
        sent.clear();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
