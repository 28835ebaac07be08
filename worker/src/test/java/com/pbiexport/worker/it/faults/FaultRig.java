package com.pbiexport.worker.it.faults;

import com.pbiexport.contracts.CloudEventHeaders;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.kafka.Broker;
import com.pbiexport.devstack.scenario.App;
import com.pbiexport.devstack.scenario.Tenant;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.app.WorkerApp;
import com.pbiexport.worker.config.AdminSettings;
import com.pbiexport.worker.config.CloudName;
import com.pbiexport.worker.config.CredentialConfig;
import com.pbiexport.worker.config.HttpSettings;
import com.pbiexport.worker.config.KafkaSettings;
import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.config.LoggingSettings;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.config.Sinks;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.config.TokenSettings;
import com.pbiexport.worker.config.Topics;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.it.Outcome;
import com.pbiexport.worker.it.TestClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A fault test's slice of a broker: its own topics and group, in-process worker(s), a producer of requests and a
 * {@code read_committed} reader of outcomes and dead letters that keeps every record (duplicates included) so a
 * test can count requests in against outcomes out. Works with any {@link Broker}: the devstack's
 * embedded broker, or a {@link com.pbiexport.devstack.kafka.KafkaProcess} the test kills and restarts. The
 * clients use the broker's bootstrap address only, so they reconnect by themselves after a broker restart.
 * Not thread-safe: use it from the test thread.
 */
final class FaultRig implements AutoCloseable {
    private final WorkerConfig config;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> reader;
    private final List<WorkerApp> workers = new ArrayList<>();
    private final Map<String, List<Outcome>> outcomes = new LinkedHashMap<>();
    private final List<Outcome> deadLetters = new ArrayList<>();

    private FaultRig(WorkerConfig config) {
        this.config = config;
        String bootstrap = config.kafka().bootstrapServers();
        this.producer = new KafkaProducer<>(idempotent(TestClients.producer(bootstrap)));
        this.reader = new KafkaConsumer<>(TestClients.readCommitted(bootstrap));
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(config.topics().results(), config.topics().deadLetter())) {
            reader.partitionsFor(t, Duration.ofSeconds(30)).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
        }
        reader.assign(parts);
        reader.seekToBeginning(parts);
    }

    /**
     * Creates a fresh set of topics on {@code broker} and a worker configuration for the devstack's contoso
     * tenant (the only one these tests use), with a filesystem sink at {@code output}; {@code adjust} may change it.
     */
    static FaultRig open(Broker broker, DevStack stack, String name, Path output,
                         java.util.function.UnaryOperator<WorkerConfig> adjust) {
        String id = name + "-" + UUID.randomUUID().toString().substring(0, 6);
        Topics topics = new Topics("faults." + id + ".requests", "faults." + id + ".results",
                "faults." + id + ".jobstate", "faults." + id + ".deadletter");
        broker.createTopic(topics.requests(), 3, Map.of());
        broker.createTopic(topics.results(), 3, Map.of());
        broker.createTopic(topics.jobState(), 3, Map.of("cleanup.policy", "compact"));
        broker.createTopic(topics.deadLetter(), 1, Map.of());
        return new FaultRig(adjust.apply(config(stack, broker.bootstrapServers(), "faults-" + id, output))
                .withTopics(topics));
    }

    /**
     * The demo configuration's contoso tenant and defaults (1 s poll fallback, 5 min export timeout), built here
     * because {@link DemoStack#config} needs a devstack that owns its broker.
     */
    static WorkerConfig config(DevStack stack, String bootstrap, String groupId, Path output) {
        Tenant contoso = stack.scenario().tenant("contoso.onmicrosoft.com").orElseThrow();
        App app = contoso.apps().get(0);
        TenantConfig tenant = new TenantConfig(contoso.id(), app.clientId(), CloudName.PUBLIC,
                CredentialConfig.Secret.inline(app.secrets().get(0).value()), Optional.empty(),
                Optional.of(URI.create(stack.entraUrl())), Optional.of(URI.create(stack.powerBiUrl())), Optional.empty());
        Limits limits = Limits.defaults().withPollFallbackInterval(Duration.ofSeconds(1))
                .withExportTimeout(Duration.ofMinutes(5));
        return new WorkerConfig(groupId,
                new KafkaSettings(bootstrap, groupId, Map.of(), Map.of(), Map.of()),
                new Topics(Topics.DEFAULT_REQUESTS, Topics.DEFAULT_RESULTS, Topics.DEFAULT_JOB_STATE,
                        Topics.DEFAULT_DEAD_LETTER),
                Map.of(DemoStack.CONTOSO, tenant),
                Sinks.single("files", new SinkConfig.Filesystem(output)),
                limits,
                HttpSettings.defaults(),
                new TokenSettings(TokenSettings.DEFAULT_REFRESH_AT_FRACTION, Duration.ofSeconds(10), Duration.ofSeconds(1)),
                new AdminSettings("127.0.0.1", 0),
                LoggingSettings.defaults());
    }

    /**
     * The configuration with another transient-error budget ({@code limits.pollErrorBudget}) and ceiling on any
     * back-off or poll interval ({@code limits.maxPollInterval}).
     */
    static WorkerConfig withRetries(WorkerConfig cfg, int budget, Duration maxInterval) {
        Limits l = cfg.limits();
        return cfg.withLimits(new Limits(l.maxInFlight(), l.maxFileBytes(), l.exportTimeout(),
                l.pollFallbackInterval(), maxInterval, l.busyRetries(), l.startThrottleMaxWait(), budget));
    }

    WorkerConfig config() {
        return config;
    }

    WorkerApp startWorker() {
        WorkerApp app = WorkerApp.start(config, Clock.systemUTC(), Map.of());
        workers.add(app);
        return app;
    }

    /** Publishes and waits for the broker's acknowledgement; returns the requestId. */
    String publish(ExportRequested request) {
        try {
            publishAsync(request).get(60, TimeUnit.SECONDS);
            return request.requestId();
        } catch (Exception e) {
            throw new AssertionError("could not publish " + request.requestId() + ": " + e, e);
        }
    }

    /** Hands the request to the producer without waiting (it buffers while the broker is away). */
    Future<RecordMetadata> publishAsync(ExportRequested request) {
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.build(UUID.randomUUID().toString(), CloudEventHeaders.TYPE_REQUESTED, "/faults-it",
                Instant.now(), request.requestId()).forEach(headers::add);
        return producer.send(new ProducerRecord<>(config.topics().requests(), null,
                request.tenant().getBytes(StandardCharsets.UTF_8), EventCodec.shared().write(request), headers));
    }

    /**
     * Waits until every request has at least one outcome, then reads {@code settle} longer to catch late
     * duplicates. Fails naming the requests still unanswered.
     */
    Tally await(Collection<String> requestIds, Duration timeout, Duration settle) {
        Set<String> missing = new LinkedHashSet<>(requestIds);
        Instant until = Instant.now().plus(timeout);
        missing.removeAll(outcomes.keySet());
        while (!missing.isEmpty() && Instant.now().isBefore(until)) {
            readOnce();
            missing.removeAll(outcomes.keySet());
        }
        if (!missing.isEmpty()) {
            throw new AssertionError("no outcome within " + timeout + " for " + missing.size() + " of "
                    + requestIds.size() + " request(s): " + missing + "; dead letters: " + deadLetters.size()
                    + "; seen: " + Tally.of(requestIds, outcomes));
        }
        Instant settled = Instant.now().plus(settle);
        while (Instant.now().isBefore(settled)) {
            readOnce();
        }
        return Tally.of(requestIds, outcomes);
    }

    /** How many of the given requests have an outcome so far (reads once). */
    int answered(Collection<String> requestIds) {
        readOnce();
        return (int) requestIds.stream().filter(outcomes::containsKey).count();
    }

    List<Outcome> deadLetters() {
        return List.copyOf(deadLetters);
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

    private static Properties idempotent(Properties producer) {
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return producer;
    }
}
