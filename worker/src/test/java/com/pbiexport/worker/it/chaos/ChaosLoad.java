package com.pbiexport.worker.it.chaos;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.contracts.CloudEventHeaders;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.it.ScenarioIds;
import com.pbiexport.worker.it.TestClients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/**
 * The chaos run's load: one request every {@code interval} on its own thread, sent without waiting (an idempotent
 * producer buffers while the broker is down), keyed by requestId so requests spread over every partition. A request
 * counts as published once the broker acknowledged it; page counts (5 to 20: 1 to 4 render rounds) come from the
 * seed.
 */
final class ChaosLoad implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Duration interval;
    private final Random rnd;
    private final List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    ChaosLoad(String bootstrap, String topic, Duration interval, long seed) {
        Properties p = TestClients.producer(bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "180000");
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
        this.interval = interval;
        this.rnd = new Random(seed);
        this.thread = new Thread(this::run, "chaos-load");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        long next = System.nanoTime();
        while (running) {
            ExportRequested r = request("chaos-" + sent.get(), 5 * (1 + rnd.nextInt(4)));
            RecordHeaders headers = new RecordHeaders();
            CloudEventHeaders.build(java.util.UUID.randomUUID().toString(), CloudEventHeaders.TYPE_REQUESTED,
                    "/chaos-it", Instant.now(), r.requestId()).forEach(headers::add);
            producer.send(new ProducerRecord<>(topic, null, r.requestId().getBytes(StandardCharsets.UTF_8),
                    EventCodec.shared().write(r), headers), (meta, error) -> {
                        if (error == null) {
                            acknowledged.add(r.requestId());
                        } else {
                            refused.incrementAndGet();
                            firstError.compareAndSet(null, error.toString());
                        }
                    });
            sent.incrementAndGet();
            next += interval.toNanos();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                await().pollDelay(Duration.ofNanos(wait)).atMost(Duration.ofNanos(wait).plusSeconds(5))
                        .until(() -> true); // the load's rate, not a synchronisation
            }
        }
    }

    /** Stops sending and waits (bounded) until every send was acknowledged or refused. */
    void stop(Duration timeout) {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.flush();
        await().atMost(timeout).until(() -> acknowledged.size() + refused.get() >= sent.get());
    }

    List<String> acknowledged() {
        synchronized (acknowledged) {
            return List.copyOf(acknowledged);
        }
    }

    int sent() {
        return sent.get();
    }

    int refused() {
        return refused.get();
    }

    String firstError() {
        return firstError.get();
    }

    static ExportRequested request(String prefix, int pages) {
        ObjectNode cfg = JsonNodeFactory.instance.objectNode();
        ArrayNode list = cfg.putArray("pages");
        for (int i = 1; i <= pages; i++) {
            list.addObject().put("pageName", "ReportSection" + i);
        }
        return ExportRequested.builder(prefix + "-" + java.util.UUID.randomUUID().toString().substring(0, 8),
                DemoStack.CONTOSO, ScenarioIds.SALES_WS, ScenarioIds.SALES_REPORT, ExportFormat.PDF)
                .powerBIReportConfiguration(cfg).build();
    }

    @Override
    public void close() {
        running = false;
        producer.close(Duration.ofSeconds(5));
    }
}
