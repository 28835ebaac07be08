package com.pbiexport.worker.it.process;

import com.pbiexport.worker.jobstate.JobState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tails the job-state topic ({@code read_committed}) on its own thread and notes, per exportId, how long after
 * Power BI accepted the export ({@link JobState#startedAt()}, the worker's clock on this same machine) its record
 * became visible. That lag is the window in which a SIGKILL makes an accepted export unresumable: the figure
 * behind every "started again before recorded" count.
 */
final class JobStateWatch implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Long> lagMillis = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    JobStateWatch(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(p);
        List<TopicPartition> parts = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(i -> parts.add(new TopicPartition(topic,
                i.partition())));
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        thread = new Thread(this::run, "job-state-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    Instant seen = Instant.now();
                    if (r.value() == null) {
                        continue;
                    }
                    JobState.fromJson(r.value()).filter(s -> !s.exportId().isBlank() && !s.isDone())
                            .ifPresent(s -> lagMillis.putIfAbsent(s.exportId(),
                                    Duration.between(s.startedAt(), seen).toMillis()));
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** "n=.. p50=..ms p95=..ms max=..ms" over every running record seen so far. */
    String summary() {
        List<Long> lags = new ArrayList<>(lagMillis.values());
        if (lags.isEmpty()) {
            return "n=0";
        }
        lags.sort(Long::compare);
        return "n=" + lags.size() + " p50=" + lags.get(lags.size() / 2) + "ms p95="
                + lags.get(Math.min(lags.size() - 1, (int) Math.ceil(lags.size() * 0.95) - 1)) + "ms max="
                + lags.get(lags.size() - 1) + "ms";
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
