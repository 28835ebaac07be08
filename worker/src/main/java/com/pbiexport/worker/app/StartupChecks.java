package com.pbiexport.worker.app;

import com.pbiexport.worker.auth.TokenService;
import com.pbiexport.worker.config.ConfigException;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.metrics.AdminServer;
import com.pbiexport.worker.metrics.BrokerWatch;
import com.pbiexport.worker.storage.FileSink;
import com.pbiexport.worker.storage.StorageException;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What start-up proves before the worker calls itself ready (issue 13, item 4), on its own thread

 * ({@code startup-checks}, two threads) so no admin call ever holds up the intake or export threads:
 * <ul>
 *   <li>filesystem sinks are writable (else start-up fails naming the setting: a local mistake, not an outage);</li>
 *   <li>the topics exist and fit ({@link TopicCheck}; created when {@code topics.create=true}), re-checked every
 *       {@link #RECHECK} until they do: readiness {@code topics};</li>
 *   <li>other sinks are reachable, re-checked likewise: readiness {@code sinks};</li>
 *   <li>one token per tenant is fetched now, so a wrong secret shows in readiness {@code tokens} and the log before
 *       the first export;</li>
 *   <li>the broker connection is watched ({@link BrokerWatch}): a WARN naming kafka.bootstrapServers within 10 s.</li>
 * </ul>
 */
final class StartupChecks implements AutoCloseable {
    static final Duration RECHECK = Duration.ofSeconds(30);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(StartupChecks.class);

    /** Two threads: a slow admin call (up to its timeout) must not delay the broker watch's ticks. */
    private final ScheduledExecutorService thread = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "startup-checks");
        t.setDaemon(true);
        return t;
    });
    private final WorkerConfig config;
    private final Map<String, FileSink> sinks;
    private volatile AdminServer.Check topics = new AdminServer.Check(false, "topics not checked yet");
    private volatile AdminServer.Check remoteSinks = new AdminServer.Check(false, "sinks not checked yet");
    private Admin admin;

    StartupChecks(WorkerConfig config, Map<String, FileSink> sinks) {
        this.config = config;
        this.sinks = sinks;
    }

    /** Synchronous, before anything starts: every filesystem sink root must be writable. */
    static void requireWritableFilesystemSinks(WorkerConfig config, Map<String, FileSink> sinks) {
        List<String> problems = new ArrayList<>();
        config.sinks().targets().forEach((alias, s) -> {
            if (s instanceof SinkConfig.Filesystem) {
                try {
                    sinks.get(alias).checkReady();
                } catch (StorageException e) {
                    problems.add("sinks.targets." + alias + ".filesystem.root: " + e.getMessage());
                }
            }
        });
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** Readiness entries this class keeps. */
    Map<String, Supplier<AdminServer.Check>> readiness() {
        Map<String, Supplier<AdminServer.Check>> m = new LinkedHashMap<>();
        m.put("topics", () -> topics);
        m.put("sinks", () -> remoteSinks);
        return m;
    }

    /** Starts the checks, the token fetches and the broker watch. */
    void start(TokenService tokens, Classifier classifier, BrokerWatch brokerWatch) {
        for (String alias : tokens.tenantAliases()) {
            tokens.forTenant(alias).tokenAsync().whenComplete((token, error) -> {
                if (error != null) {
                    log.warn("no token for tenant '{}' at start-up: {}", alias, classifier.classify(error).message());
                } else {
                    log.info("token acquired for tenant '{}'", alias);
                }
            });
        }
        thread.scheduleWithFixedDelay(brokerWatch::tick, 1, 1, TimeUnit.SECONDS);
        thread.execute(this::checkTopics);
        thread.execute(this::checkSinks);
    }

    private void checkTopics() {
        try {
            if (admin == null) {
                admin = Admin.create(KafkaClientProps.admin(config, "startup"));
            }
            List<String> problems = new TopicCheck(admin, config.topics(), ADMIN_TIMEOUT).run();
            if (problems.isEmpty()) {
                topics = new AdminServer.Check(true, "the four topics exist; job state compacted");
                admin.close(Duration.ofSeconds(5));
                admin = null;
                return;
            }
            topics = new AdminServer.Check(false, String.join("; ", problems));
            log.warn("topics not ready: {}", topics.detail());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            topics = new AdminServer.Check(false, "topic check failed: " + e);
            log.warn("topic check failed: {}", e.toString());
        }
        thread.schedule(this::checkTopics, RECHECK.toSeconds(), TimeUnit.SECONDS);
    }

    private void checkSinks() {
        List<String> problems = new ArrayList<>();
        sinks.forEach((alias, sink) -> {
            try {
                sink.checkReady();
            } catch (RuntimeException e) { // StorageException included
                problems.add(alias + " (" + sink.describe() + "): " + e.getMessage());
            }
        });
        if (problems.isEmpty()) {
            remoteSinks = new AdminServer.Check(true, "every sink is writable");
            return;
        }
        remoteSinks = new AdminServer.Check(false, String.join("; ", problems));
        log.warn("sinks not ready: {}", remoteSinks.detail());
        thread.schedule(this::checkSinks, RECHECK.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Admin a = admin;
        if (a != null) {
            a.close(Duration.ofSeconds(2));
        }
    }
}
