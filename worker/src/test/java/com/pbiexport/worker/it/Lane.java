package com.pbiexport.worker.it;

import com.pbiexport.contracts.CloudEventHeaders;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.worker.app.WorkerApp;
import com.pbiexport.worker.config.WorkerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One test's private slice of the broker: its own topics and consumer group, the worker(s) it starts, a
 * producer for requests and a {@code read_committed} reader of outcomes and dead letters. Not thread-safe:
 * use it from the test thread.
 */
public final class Lane implements AutoCloseable {
    private final WorkerConfig config;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> reader;
    private final List<WorkerApp> workers = new ArrayList<>();
    /** Every outcome seen, by requestId, in arrival order (duplicates kept). */
    private final Map<String, List<Outcome>> outcomes = new LinkedHashMap<>();
    private final List<Outcome> deadLetters = new ArrayList<>();

    Lane(String bootstrap, WorkerConfig config) {
        this.config = config;
        this.producer = new KafkaProducer<>(TestClients.producer(bootstrap));
        this.reader = new KafkaConsumer<>(TestClients.readCommitted(bootstrap));
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(config.topics().results(), config.topics().deadLetter())) {
            reader.partitionsFor(t, Duration.ofSeconds(30)).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
        }
        reader.assign(parts);
        reader.seekToBeginning(parts);
    }

    public WorkerConfig config() {
        return config;
    }

    /** Starts a worker with this lane's configuration. */
    public WorkerApp startWorker() {
        return startWorker(config);
    }

    /** Starts a worker with another configuration (e.g. another sink); it is closed with the lane. */
    public WorkerApp startWorker(WorkerConfig cfg) {
        return startWorker(cfg, Map.of());
    }

    /** The same, with an environment (e.g. the variables a sink's settings name); closed with the lane. */
    public WorkerApp startWorker(WorkerConfig cfg, Map<String, String> env) {
        WorkerApp app = WorkerApp.start(cfg, Clock.systemUTC(), env);
        workers.add(app);
        return app;
    }

    /** Publishes a request as a binary-mode CloudEvent, keyed by tenant; returns its requestId. */
    public String publish(ExportRequested request) {
        return publish(request, null);
    }

    /** The same, with a W3C {@code traceparent} header (null: none). */
    public String publish(ExportRequested request, String traceparent) {
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.build(UUID.randomUUID().toString(), CloudEventHeaders.TYPE_REQUESTED, "/worker-it",
                Instant.now(), request.requestId()).forEach(headers::add);
        if (traceparent != null) {
            headers.add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        }
        send(request.tenant(), EventCodec.shared().write(request), headers);
        return request.requestId();
    }

    /** Publishes raw bytes without CloudEvents headers (plain JSON, or garbage). */
    public void publishRaw(String key, byte[] value) {
        send(key, value, new RecordHeaders());
    }

    private void send(String key, byte[] value, RecordHeaders headers) {
        try {
            producer.send(new ProducerRecord<>(config.topics().requests(), null,
                    key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, headers)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not publish to " + config.topics().requests() + ": " + e, e);
        }
    }

    /** Publishes a request and waits for its outcome. */
    public Outcome publishAndAwait(ExportRequested request, Duration timeout) {
        publish(request);
        return awaitOutcome(request.requestId(), timeout);
    }

    /** Waits for one outcome of the request; fails naming it when none arrives in time. */
    public Outcome awaitOutcome(String requestId, Duration timeout) {
        return awaitOutcomes(List.of(requestId), timeout).get(requestId);
    }

    /**
     * Waits until every request has at least one outcome; returns the first outcome of each. Fails naming the
     * requests still without an answer.
     */
    public Map<String, Outcome> awaitOutcomes(Collection<String> requestIds, Duration timeout) {
        Set<String> missing = new LinkedHashSet<>(requestIds);
        Instant until = Instant.now().plus(timeout);
        missing.removeAll(outcomes.keySet());
        while (!missing.isEmpty() && Instant.now().isBefore(until)) {
            readOnce();
            missing.removeAll(outcomes.keySet());
        }
        if (!missing.isEmpty()) {
            throw new AssertionError("no outcome within " + timeout + " for " + missing.size() + " of "
                    + requestIds.size() + " request(s): " + missing + "; dead letters: " + deadLetters.size());
        }
        Map<String, Outcome> first = new LinkedHashMap<>();
        requestIds.forEach(id -> first.put(id, outcomes.get(id).get(0)));
        return first;
    }

    /** Waits until at least {@code count} dead letters arrived; returns all seen so far. */
    public List<Outcome> awaitDeadLetters(int count, Duration timeout) {
        Instant until = Instant.now().plus(timeout);
        while (deadLetters.size() < count && Instant.now().isBefore(until)) {
            readOnce();
        }
        if (deadLetters.size() < count) {
            throw new AssertionError("expected " + count + " dead letter(s) within " + timeout + ", got "
                    + deadLetters.size());
        }
        return List.copyOf(deadLetters);
    }

    /** Reads for a while longer (to catch late duplicates) and returns every outcome seen, by requestId. */
    public Map<String, List<Outcome>> allOutcomes(Duration settle) {
        Instant until = Instant.now().plus(settle);
        while (Instant.now().isBefore(until)) {
            readOnce();
        }
        Map<String, List<Outcome>> copy = new LinkedHashMap<>();
        outcomes.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return copy;
    }

    private void readOnce() {
        for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
            Outcome o = Outcome.of(r);
            if (r.topic().equals(config.topics().deadLetter())) {
                deadLetters.add(o);
            } else {
                outcomes.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o);
            }
        }
    }

    @Override
    public void close() {
        workers.forEach(WorkerApp::close);
        producer.close(Duration.ofSeconds(5));
        reader.close(Duration.ofSeconds(5));
    }


}
