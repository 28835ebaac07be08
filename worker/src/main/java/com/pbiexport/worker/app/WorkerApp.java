package com.pbiexport.worker.app;

import com.pbiexport.contracts.EventCodec;
import com.pbiexport.worker.auth.MsalTokenSource;
import com.pbiexport.worker.config.DeadLetterBreakerSettings;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.diagnose.probe.Probes;
import com.pbiexport.worker.export.ExportService;
import com.pbiexport.worker.intake.AtLeastOnceDelivery;
import com.pbiexport.worker.intake.Delivery;
import com.pbiexport.worker.intake.DeadLetterBreaker;
import com.pbiexport.worker.intake.IntakeLoop;
import com.pbiexport.worker.intake.TransactionalDelivery;
import com.pbiexport.worker.intake.RequestParser;
import com.pbiexport.worker.intake.RequestRouter;
import com.pbiexport.contracts.RequestValidator;
import com.pbiexport.worker.jobstate.JobStateStore;
import com.pbiexport.worker.jobstate.JobStateWriter;
import com.pbiexport.worker.jobstate.JobStates;
import com.pbiexport.worker.metrics.AdminServer;
import com.pbiexport.worker.metrics.JsonLogging;
import com.pbiexport.worker.metrics.KafkaMeterFilters;
import com.pbiexport.worker.metrics.BrokerWatch;
import com.pbiexport.worker.metrics.Readiness;
import com.pbiexport.worker.metrics.CacheName;
import com.pbiexport.worker.metrics.WorkerMetrics;
import com.pbiexport.worker.net.ProxyConfig;
import com.pbiexport.worker.publish.DeadLetterPublisher;
import com.pbiexport.worker.publish.OutcomePublisher;
import com.pbiexport.worker.publish.Outbox;
import com.pbiexport.worker.publish.RecordSender;
import com.pbiexport.worker.storage.FileSink;
import com.pbiexport.worker.tenant.ConnectedTenants;
import com.pbiexport.worker.tenant.ExportTenants;
import com.pbiexport.worker.tenant.TenantConnections;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private static final Duration JOB_STATE_LOAD_TIMEOUT = Duration.ofSeconds(30);

    private final WorkerConfig config;
    private final PrometheusMeterRegistry registry;
    private final ConnectedTenants tenants;
    private final ScheduledExecutorService timers;
    private final ExecutorService io;
    private final Probes probes;
    private final ExportService exports;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaConsumer<byte[], byte[]> jobStateReader;
    private final KafkaProducer<byte[], byte[]> jobStateProducer;
    private final KafkaConsumer<byte[], byte[]> jobStateEnds;
    private final IntakeLoop intake;
    private final Thread intakeThread;
    private final AdminServer admin;
    private final StartupChecks startupChecks;
    private final Map<String, FileSink> sinks;
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
        // every tenant's credentials, token source and Power BI client, built as doctor and the probes build them
        TenantConnections connections = new TenantConnections(config, env, proxy, clock);
        this.tenants = connections.openAll();
        tenants.aliases().forEach(alias -> metrics.tenantMeters(alias, tenants.tokens(alias),
                s -> s instanceof MsalTokenSource m ? m.fetchesStarted() : 0, clock));
        this.sinks = FileSinks.build(config.sinks().targets(), env, proxy, FileSinks.Use.WORKER);
        StartupChecks.requireWritableFilesystemSinks(config, sinks);
        this.startupChecks = new StartupChecks(config, sinks);

        this.timers = Executors.newScheduledThreadPool(1, named("export-timer"));
        this.io = Executors.newFixedThreadPool(ioThreads(config), named("export-io"));
        this.probes = new Probes(config.tenants(), config.diagnose().adminApiProbe(), tenants::client,
                connections.capacitiesCall(), clock, io, WorkerApp::named);
        this.exports = new ExportService(new ExportTenants(connections, tenants, probes), sinks::get,
                new Classifier(clock), config.limits(), clock, timers, io, metrics);

        // exactly-once: the intake thread owns a transactional producer and sends what the outbox collects;
        // at-least-once: one idempotent producer shared by every thread
        boolean exactlyOnce = config.delivery().exactlyOnce();
        Outbox outbox = new Outbox();
        this.producer = exactlyOnce ? null : new KafkaProducer<>(KafkaClientProps.producer(config));
        RecordSender sender = exactlyOnce ? outbox : RecordSender.direct(producer, timers);
        Delivery delivery = exactlyOnce ? new TransactionalDelivery(outbox,
                () -> new KafkaProducer<>(KafkaClientProps.transactionalProducer(config)), clock)
                : new AtLeastOnceDelivery();
        this.consumer = new KafkaConsumer<>(KafkaClientProps.consumer(config));
        this.meterBinders = producer == null ? List.of(bind(new KafkaClientMetrics(consumer)))
                : List.of(bind(new KafkaClientMetrics(producer)), bind(new KafkaClientMetrics(consumer)));
        EventCodec codec = EventCodec.shared();
        OutcomePublisher outcomes = new OutcomePublisher(sender, config.topics().results(),
                "/export-worker/" + config.instanceId(), codec, clock);
        DeadLetterPublisher deadLetters = new DeadLetterPublisher(sender, config.topics().deadLetter(), clock);
        // durable job state: read on assignment by the intake thread, written when Power BI accepts an export
        // (exactly-once: "running" by its own idempotent producer at once, not behind the next transaction)
        this.jobStateReader = new KafkaConsumer<>(KafkaClientProps.jobStateReader(config));
        this.jobStateProducer = exactlyOnce ? new KafkaProducer<>(KafkaClientProps.jobStateProducer(config)) : null;
        KafkaProducer<byte[], byte[]> stateWrites = exactlyOnce ? jobStateProducer : producer;
        JobStateStore stateStore = new JobStateStore(jobStateReader, config.topics().jobState(),
                JOB_STATE_LOAD_TIMEOUT, stateWrites::flush, clock);
        this.jobStateEnds = exactlyOnce ? new KafkaConsumer<>(KafkaClientProps.jobStateEnds(config)) : null;
        if (exactlyOnce) { // a killed predecessor's open transaction hides the running states written after it
            stateStore.waitingForOpenTransactions(tps -> jobStateEnds.endOffsets(tps, JOB_STATE_LOAD_TIMEOUT));
        }
        JobStates jobStates = new JobStates(stateStore,
                exactlyOnce ? JobStateWriter.immediate(sender, RecordSender.direct(jobStateProducer, timers),
                        config.topics().jobState()) : new JobStateWriter(sender, config.topics().jobState()),
                outcomes, clock, config.intake().poisonAfterCrashes());
        cacheGauges(metrics, stateStore, jobStates);
        // a partition of mostly dead letters is stopped instead of drained; the parser tells it each verdict
        DeadLetterBreaker breaker = deadLetterBreaker(config.intake().deadLetterBreaker(), clock);
        metrics.deadLetterBreaker(breaker::openPartitions);
        RequestRouter router = new RequestRouter(new RequestParser(codec, breaker::parsed),
                RequestValidator.forWorker(config.tenants().keySet(), config.sinks().targets().keySet()), exports, outcomes,
                deadLetters, jobStates, config.sinks().defaultSink(), clock, timers, metrics);
        // intake accepts up to maxQueued; ExportService starts at most maxInFlight of them, fairly across tenants
        this.intake = new IntakeLoop(consumer, config.topics().requests(), breaker.guard(router),
                config.limits().maxQueued(), Duration.ofSeconds(1), config.intake().drainTimeout(), clock, metrics,
                router, delivery, KafkaClientProps.handOverPatience(config)).guardedBy(breaker);
        this.intakeThread = new Thread(intake, "intake");

        try {
            Map<String, Supplier<AdminServer.Check>> ready = new LinkedHashMap<>();
            ready.put("group", Readiness.group(intakeThread::isAlive, metrics::groupJoined,
                    metrics::assignedPartitions));
            ready.put("broker", Readiness.broker(consumer::metrics, Readiness.MAX_HEARTBEAT_AGE));
            ready.put("tokens", Readiness.tokens(tenants.tokens()::health));
            ready.putAll(startupChecks.readiness());
            this.admin = new AdminServer(config.admin().bindAddress(), config.admin().port(), registry, ready);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the admin port " + config.admin().port()
                    + " (admin.port): " + e.getMessage(), e);
        }
    }

    /** The size of every bounded cache and per-request map, as {@code pbiexport_cache_entries{cache}}. */
    private void cacheGauges(WorkerMetrics metrics, JobStateStore stateStore, JobStates jobStates) {
        metrics.cacheEntries(CacheName.CAPACITY_LOOKUPS, exports.exportLimits().capacities()::size);
        metrics.cacheEntries(CacheName.CAPACITY_LIMITS, exports.exportLimits().admission()::capacitiesKnown);
        metrics.cacheEntries(CacheName.ANSWERED_REQUESTS, jobStates::answeredWaiting);
        metrics.cacheEntries(CacheName.JOB_STATES, stateStore::size);
        metrics.cacheEntries(CacheName.CRASH_CLAIMS, jobStates::claimsHeld);
        metrics.cacheEntries(CacheName.WORKSPACE_PROBE, probes::workspaceProbeEntries);
        metrics.cacheEntries(CacheName.TARGET_PROBE, probes::targetProbeEntries);
        metrics.cacheEntries(CacheName.TOKEN_SOURCES, () -> tenants.tokens().tenantAliases().size());
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
        app.startupChecks.start(app.tenants.tokens(), new Classifier(),
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
        log.info("worker {} stopping: draining in-flight exports (up to {}, shutdown.drainTimeout)", config.instanceId(),
                config.intake().drainTimeout());
        startupChecks.close();
        intake.shutdown();
        try {
            if (!intake.awaitStopped(config.intake().drainTimeout().plusSeconds(15))) {
                log.warn("intake did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exports.cancelAll();
        try {
            jobStateReader.close(Duration.ofSeconds(5)); // only the (now stopped) intake thread used it
            if (jobStateEnds != null) {
                jobStateEnds.close(Duration.ofSeconds(5));
            }
        } catch (RuntimeException e) {
            log.warn("closing the job-state reader failed: {}", e.toString());
        }
        timers.shutdownNow();
        io.shutdownNow();
        probes.close();
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
        if (jobStateProducer != null) {
            jobStateProducer.close(Duration.ofSeconds(10));
        }
        meterBinders.forEach(b -> {
            try {
                b.close();
            } catch (Exception ignored) {
                // closing metrics never blocks shutdown
            }
        });
        tenants.close(); // clients, then token sources
        admin.close();
        try {
            io.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // after the drain and the io threads: no store or readiness check uses a sink any more
        sinks.forEach((alias, sink) -> {
            try {
                sink.close();
            } catch (RuntimeException e) {
                log.warn("closing sink {} failed: {}", alias, e.toString());
            }
        });
        log.info("worker {} stopped", config.instanceId());
    }

    /** Binds a Kafka client's metrics to the registry; closed on shutdown. */
    private AutoCloseable bind(KafkaClientMetrics m) {
        m.bindTo(registry);
        return m;
    }

    private static DeadLetterBreaker deadLetterBreaker(DeadLetterBreakerSettings s, Clock clock) {
        return new DeadLetterBreaker(new DeadLetterBreaker.Settings(s.enabled(), s.ratio(), s.lastRecords(),
                s.minRecords(), s.window(), s.coolDown()), clock);
    }

    private static int ioThreads(WorkerConfig c) {
        return Math.max(4, Math.min(32, c.limits().maxInFlight()));
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
