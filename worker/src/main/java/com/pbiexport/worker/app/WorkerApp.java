package com.pbiexport.worker.app;

import com.pbiexport.contracts.EventCodec;
import com.pbiexport.worker.auth.MsalTokenSource;
import com.pbiexport.worker.auth.TenantCredentials;
import com.pbiexport.worker.auth.TokenPolicy;
import com.pbiexport.worker.auth.TokenService;
import com.pbiexport.worker.auth.TokenSource;
import com.pbiexport.worker.config.CloudName;
import com.pbiexport.worker.config.DeadLetterBreakerSettings;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.diagnose.ClassificationContext;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.diagnose.CloudEvidence;
import com.pbiexport.worker.diagnose.TargetEvidence;
import com.pbiexport.worker.diagnose.WorkspaceEvidence;
import com.pbiexport.worker.export.ExportService;
import com.pbiexport.worker.intake.AtLeastOnceDelivery;
import com.pbiexport.worker.intake.Delivery;
import com.pbiexport.worker.intake.DeadLetterBreaker;
import com.pbiexport.worker.intake.IntakeLoop;
import com.pbiexport.worker.intake.TransactionalDelivery;
import com.pbiexport.worker.intake.JobStateStore;
import com.pbiexport.worker.intake.PartitionListener;
import com.pbiexport.worker.intake.RequestParser;
import com.pbiexport.worker.intake.RequestRouter;
import com.pbiexport.contracts.RequestValidator;
import com.pbiexport.worker.metrics.AdminServer;
import com.pbiexport.worker.metrics.JsonLogging;
import com.pbiexport.worker.metrics.KafkaMeterFilters;
import com.pbiexport.worker.metrics.BrokerWatch;
import com.pbiexport.worker.metrics.Readiness;
import com.pbiexport.worker.metrics.WorkerMetrics;
import com.pbiexport.worker.net.ProxyConfig;
import com.pbiexport.worker.powerbi.PowerBiClient;
import com.pbiexport.worker.powerbi.PowerBiEndpoint;
import com.pbiexport.worker.powerbi.PowerBiHttpSettings;
import com.pbiexport.worker.publish.DeadLetterPublisher;
import com.pbiexport.worker.publish.JobStatePublisher;
import com.pbiexport.worker.publish.OutcomePublisher;
import com.pbiexport.worker.publish.Outbox;
import com.pbiexport.worker.publish.RecordSender;
import com.pbiexport.worker.storage.AzureBlobSink;
import com.pbiexport.worker.storage.FileSink;
import com.pbiexport.worker.storage.FilesystemSink;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The composition root: the whole object graph of one worker instance is built here, by hand, from a validated
 * {@link WorkerConfig}. Threads: {@code intake} (the KafkaConsumer), {@code export-timer} (waits between steps),
 * {@code export-io-N} (Power BI calls, downloads, storage), {@code token-refresh}, the Kafka producer's own
 * sender thread, and {@code admin-http}. {@link #close()} shuts them down in dependency order.
 */
public final class WorkerApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerApp.class);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration JOB_STATE_LOAD_TIMEOUT = Duration.ofSeconds(30);

    private final WorkerConfig config;
    private final PrometheusMeterRegistry registry;
    private final TokenService tokens;
    private final Map<String, PowerBiClient> clients;
    private final ScheduledExecutorService timers;
    private final ExecutorService io;
    private final Probes probes;
    private final ExportService exports;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaConsumer<byte[], byte[]> jobStateReader;
    private final IntakeLoop intake;
    private final Thread intakeThread;
    private final AdminServer admin;
    private final StartupChecks startupChecks;
    private final List<AutoCloseable> meterBinders;
    private volatile boolean closed;

    private WorkerApp(WorkerConfig config, Clock clock, Map<String, String> env) {
        this.config = config;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("instance_id", config.instanceId())
                .meterFilter(KafkaMeterFilters.promtoolClean());
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        WorkerMetrics metrics = new WorkerMetrics(registry);
        metrics.permitLimit(config.limits().maxInFlight());

        ProxyConfig proxy = ProxyConfig.resolve(config.http().proxy(), env, System.getProperties());
        log.info("outgoing HTTP (Entra ID, Power BI, Azure Blob): {}", proxy.describe()); // never credentials
        this.tokens = TokenService.create(config.tenants().entrySet().stream()
                .map(e -> credentials(e.getKey(), e.getValue(), env)).toList(), tokenPolicy(config), clock, proxy);
        PowerBiHttpSettings http = new PowerBiHttpSettings(config.http().connectTimeout(),
                config.http().responseTimeout(), config.http().maxConnections(), proxy);
        this.clients = new LinkedHashMap<>();
        config.tenants().forEach((alias, t) -> {
            TokenSource source = tokens.forTenant(alias);
            clients.put(alias, new PowerBiClient(new PowerBiEndpoint(t.effectivePowerBiApiUrl()), source, http, clock));
            metrics.tenantMeters(alias, source, s -> s instanceof MsalTokenSource m ? m.fetchesStarted() : 0, clock);
        });
        Map<String, FileSink> sinks = new LinkedHashMap<>();
        config.sinks().targets().forEach((alias, s) -> sinks.put(alias, sink(s, env, proxy)));
        StartupChecks.requireWritableFilesystemSinks(config, sinks);
        this.startupChecks = new StartupChecks(config, sinks);

        this.timers = Executors.newScheduledThreadPool(1, named("export-timer"));
        this.io = Executors.newFixedThreadPool(ioThreads(config), named("export-io"));
        this.probes = new Probes(config, clients, tokenPolicy(config), env, clock, io, WorkerApp::named, proxy);
        this.exports = new ExportService(new ExportService.TenantClients() {
            @Override
            public PowerBiClient client(String alias) {
                return clients.get(alias);
            }

            @Override
            public boolean resolvesCapacities() {
                return true; // limits per capacity, not per workspace
            }

            @Override
            public CompletableFuture<Optional<CloudEvidence>> cloudEvidence(String alias) {
                return probes.cloudEvidence(alias);
            }

            @Override
            public CompletableFuture<WorkspaceEvidence> workspaceEvidence(String alias, String workspaceId) {
                return probes.workspaceEvidence(alias, workspaceId);
            }

            @Override
            public CompletableFuture<TargetEvidence> targetEvidence(String alias, String workspaceId,
                                                                    Optional<String> reportId,
                                                                    Optional<String> profileId) {
                return probes.targetEvidence(alias, workspaceId, reportId, profileId);
            }

            @Override
            public String apiRoot(String alias) {
                return config.tenants().get(alias).effectivePowerBiApiUrl().toString();
            }

            @Override
            public ClassificationContext context(String alias) {
                ClassificationContext ctx = ClassificationContext.empty()
                        .withExpectedAudience(expectedAudience(config.tenants().get(alias)));
                return tokens.forTenant(alias).expiresOn().isPresent()
                        ? ctx.withAccessToken(tokens.forTenant(alias).token().value()) : ctx;
            }
        }, sinks::get, new Classifier(clock), config.limits(), clock, timers, io, metrics);

        // exactly-once: the intake thread owns a transactional producer and sends what the outbox collects;
        // at-least-once: one idempotent producer shared by every thread
        boolean exactlyOnce = config.delivery().exactlyOnce();
        Outbox outbox = new Outbox();
        this.producer = exactlyOnce ? null : new KafkaProducer<>(producerProps(config));
        RecordSender sender = exactlyOnce ? outbox : RecordSender.direct(producer, timers);
        Delivery delivery = exactlyOnce ? new TransactionalDelivery(outbox,
                () -> new KafkaProducer<>(transactionalProducerProps(config)), clock) : new AtLeastOnceDelivery();
        this.consumer = new KafkaConsumer<>(consumerProps(config));
        this.meterBinders = producer == null ? List.of(bind(new KafkaClientMetrics(consumer)))
                : List.of(bind(new KafkaClientMetrics(producer)), bind(new KafkaClientMetrics(consumer)));
        EventCodec codec = EventCodec.shared();
        OutcomePublisher outcomes = new OutcomePublisher(sender, config.topics().results(),
                "/export-worker/" + config.instanceId(), codec, clock);
        DeadLetterPublisher deadLetters = new DeadLetterPublisher(sender, config.topics().deadLetter(), clock);
        // durable job state: read on assignment by the intake thread, written when Power BI accepts an export
        this.jobStateReader = new KafkaConsumer<>(jobStateReaderProps(config));
        JobStateStore jobStates = new JobStateStore(jobStateReader, config.topics().jobState(), JOB_STATE_LOAD_TIMEOUT,
                producer == null ? () -> { } : producer::flush, clock);
        // a partition of mostly dead letters is stopped instead of drained; the parser tells it each verdict
        DeadLetterBreaker breaker = deadLetterBreaker(config.intake().deadLetterBreaker(), clock);
        metrics.deadLetterBreaker(breaker::openPartitions);
        RequestRouter router = new RequestRouter(new RequestParser(codec, breaker::parsed),
                RequestValidator.forWorker(config.tenants().keySet(), config.sinks().targets().keySet()), exports, outcomes,
                deadLetters, config.sinks().defaultSink(), clock, timers, metrics, jobStates,
                new JobStatePublisher(sender, config.topics().jobState()));
        // intake accepts up to maxQueued; ExportService starts at most maxInFlight of them, fairly across tenants
        this.intake = new IntakeLoop(consumer, config.topics().requests(), breaker.guard(router),
                config.limits().maxQueued(), Duration.ofSeconds(1), DRAIN_TIMEOUT, clock, metrics,
                PartitionListener.all(jobStates, router), delivery, handOverPatience(config)).guardedBy(breaker);
        this.intakeThread = new Thread(intake, "intake");

        try {
            Map<String, Supplier<AdminServer.Check>> ready = new LinkedHashMap<>();
            ready.put("group", Readiness.group(intakeThread::isAlive, metrics::groupJoined,
                    metrics::assignedPartitions));
            ready.put("broker", Readiness.broker(consumer::metrics, Readiness.MAX_HEARTBEAT_AGE));
            ready.put("tokens", Readiness.tokens(tokens::health));
            ready.putAll(startupChecks.readiness());
            this.admin = new AdminServer(config.admin().bindAddress(), config.admin().port(), registry, ready);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the admin port " + config.admin().port()
                    + " (admin.port): " + e.getMessage(), e);
        }
    }

    /** Builds and starts an instance. */
    public static WorkerApp start(WorkerConfig config, Clock clock) {
        return start(config, clock, System.getenv());
    }

    public static WorkerApp start(WorkerConfig config, Clock clock, Map<String, String> env) {
        KafkaClientKeys.require(config.kafka());
        if (config.logging().json()) {
            JsonLogging.install();
        }
        WorkerApp app = new WorkerApp(config, clock, env);
        app.intakeThread.start();
        app.startupChecks.start(app.tokens, new Classifier(),
                new BrokerWatch(app.consumer::metrics, config.kafka().bootstrapServers(), clock));
        log.info("worker {} started: {} tenant(s), sinks {}, requests topic {}", config.instanceId(),
                config.tenants().size(), config.sinks().targets().keySet(), config.topics().requests());
        return app;
    }

    public int adminPort() {
        return admin.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Exports in progress (for tests and the demo). */
    public int inFlight() {
        return exports.inFlight();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("worker {} stopping: draining in-flight exports (up to {})", config.instanceId(), DRAIN_TIMEOUT);
        startupChecks.close();
        intake.shutdown();
        try {
            if (!intake.awaitStopped(DRAIN_TIMEOUT.plusSeconds(15))) {
                log.warn("intake did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exports.cancelAll();
        try {
            jobStateReader.close(Duration.ofSeconds(5)); // only the (now stopped) intake thread used it
        } catch (RuntimeException e) {
            log.warn("closing the job-state reader failed: {}", e.toString());
        }
        timers.shutdownNow();
        io.shutdownNow();
        probes.close();
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
        meterBinders.forEach(b -> {
            try {
                b.close();
            } catch (Exception ignored) {
                // closing metrics never blocks shutdown
            }
        });
        clients.values().forEach(PowerBiClient::close);
        tokens.close();
        admin.close();
        try {
            io.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("worker {} stopped", config.instanceId());
    }

    /** The read-only admin API probe over the tenants' own clients, or null when {@code diagnose.adminApiProbe} is off. */
    private AutoCloseable bind(KafkaClientMetrics m) {
        m.bindTo(registry);
        return m;
    }

    private static DeadLetterBreaker deadLetterBreaker(DeadLetterBreakerSettings s, Clock clock) {
        return new DeadLetterBreaker(new DeadLetterBreaker.Settings(s.enabled(), s.ratio(), s.lastRecords(),
                s.minRecords(), s.window(), s.coolDown()), clock);
    }

    private static TenantCredentials credentials(String alias, TenantConfig t, Map<String, String> env) {
        return new TenantCredentials(alias, t.tenantId(), t.clientId(),
                java.net.URI.create("https://" + t.cloud().authorityHost()), t.effectiveScope(),
                Credentials.from(alias, t.credential(), env), t.authorityUrl());
    }

    /**
     * The audience the tenant's Power BI API host accepts: that of the host's cloud when it is a known Power BI
     * host (so a public-cloud token sent to a sovereign API root is named as such), else the configured cloud's.
     */
    static String expectedAudience(TenantConfig t) {
        return CloudName.forApiUrl(t.effectivePowerBiApiUrl()).orElse(t.cloud()).powerBiResource();
    }

    private static TokenPolicy tokenPolicy(WorkerConfig c) {
        TokenPolicy d = TokenPolicy.defaults();
        return new TokenPolicy(c.tokens().refreshAtFraction(), c.tokens().requestTimeout(),
                c.tokens().minRefreshInterval(), c.http().connectTimeout(), d.expiryMargin());
    }

    private static FileSink sink(SinkConfig s, Map<String, String> env, ProxyConfig proxy) {
        if (s instanceof SinkConfig.Filesystem f) {
            return new FilesystemSink(f.root());
        }
        SinkConfig.AzureBlob b = (SinkConfig.AzureBlob) s;
        String cs = b.connectionString().or(() -> b.connectionStringEnv().map(env::get)).orElseThrow(() ->
                new IllegalArgumentException("sink " + b.container() + ": no connection string (set connectionString"
                        + " or connectionStringEnv)"));
        AzureBlobSink.Settings settings = AzureBlobSink.Settings.of(cs, b.container(), b.prefix())
                .withCreateContainerIfMissing(true);
        if (b.serviceVersion().isPresent()) {
            settings = settings.withServiceVersion(AzureBlobSink.parseServiceVersion(b.serviceVersion().get()));
        }
        return AzureBlobSink.fromConnectionString(settings, proxy);
    }

    private static int ioThreads(WorkerConfig c) {
        return Math.max(4, Math.min(32, c.limits().maxInFlight()));
    }

    private static Properties consumerProps(WorkerConfig c) {
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
     * The intake thread's producer in exactly-once mode: {@code transactional.id} = group id + instance id (a
     * restarted instance fences its predecessor). Short transaction and blocking timeouts: a crashed instance's
     * open transaction holds back {@code read_committed} readers until it times out, and the intake thread must
     * never block for long.
     */
    private static Properties transactionalProducerProps(WorkerConfig c) {
        Properties p = producerProps(c);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, c.kafka().groupId() + "-" + c.instanceId());
        p.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "20000");
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        return p;
    }

    /** Reads job-state partitions by assignment: no group, no commits, only committed records. */
    private static Properties jobStateReaderProps(WorkerConfig c) {
        Properties p = new Properties();
        p.putAll(c.kafka().consumerProperties());
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, c.instanceId() + "-jobstate");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    private static Properties producerProps(WorkerConfig c) {
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

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
