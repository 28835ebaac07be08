package com.pbiexport.worker.app;

import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.config.Topics;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.diagnose.doctor.CheckResult;
import com.pbiexport.worker.diagnose.doctor.KafkaCheck;
import com.pbiexport.worker.diagnose.doctor.KafkaFindings;
import com.pbiexport.worker.diagnose.doctor.KafkaFindings.Probe;
import com.pbiexport.worker.diagnose.doctor.SinkCheck;
import com.pbiexport.worker.net.ProxyConfig;
import com.pbiexport.worker.storage.FileSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The doctor's once-per-run checks of the worker's own infrastructure ({@code kafka}, {@code sink}), independent of
 * any tenant. They ask what the worker itself would use: its client properties ({@link KafkaClientProps}), its
 * start-up topic check ({@link TopicCheck}, never creating topics here) and its sinks ({@link FileSinks},
 * {@code checkReady}). Read-only towards Kafka: nothing joins the consumer group and no producer initialises the
 * worker's transactional id, so a running worker is never rebalanced or fenced.
 */
public final class DoctorInfraChecks {
    /** Upper bound on each question to the broker; an unreachable broker fails within about this time. */
    public static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);

    private DoctorInfraChecks() {
    }

    /** {@code kafka} then {@code sink}. */
    public static List<CheckResult> run(WorkerConfig cfg, Map<String, String> env) {
        return List.of(kafka(cfg, KAFKA_TIMEOUT), sinks(cfg, env));
    }

    public static CheckResult kafka(WorkerConfig cfg, Duration timeout) {
        return KafkaCheck.result(kafkaFindings(cfg, timeout));
    }

    public static CheckResult sinks(WorkerConfig cfg, Map<String, String> env) {
        ProxyConfig proxy = ProxyConfig.resolve(cfg.http().proxy(), env, System.getProperties());
        Map<String, SinkCheck.Readiness> found = new LinkedHashMap<>();
        cfg.sinks().targets().forEach((alias, s) -> found.put(alias, readiness(alias, s, env, proxy)));
        return SinkCheck.result(found);
    }

    private static SinkCheck.Readiness readiness(String alias, SinkConfig s, Map<String, String> env,
                                                 ProxyConfig proxy) {
        FileSink sink;
        try {
            sink = FileSinks.build(Map.of(alias, s), env, proxy, FileSinks.Use.CHECK_ONLY).get(alias);
        } catch (RuntimeException e) {
            return new SinkCheck.Readiness(s.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT),
                    Optional.of(String.valueOf(e.getMessage())));
        }
        try (sink) { // the doctor built it: its clients and connections end with the check
            sink.checkReady();
            return new SinkCheck.Readiness(sink.describe(), Optional.empty());
        } catch (RuntimeException e) { // StorageException included
            return new SinkCheck.Readiness(sink.describe(), Optional.of(String.valueOf(e.getMessage())));
        }
    }

    static KafkaFindings kafkaFindings(WorkerConfig cfg, Duration timeout) {
        String bootstrap = cfg.kafka().bootstrapServers();
        Admin admin;
        try {
            admin = Admin.create(KafkaClientProps.admin(cfg, "doctor"));
        } catch (KafkaException e) {
            return KafkaFindings.unreachable(bootstrap, String.valueOf(e.getMessage()));
        }
        try {
            DescribeClusterResult cluster = admin.describeCluster();
            String broker;
            try {
                broker = "cluster " + get(cluster.clusterId(), timeout) + " (" + get(cluster.nodes(), timeout).size()
                        + " broker(s))";
            } catch (TimeoutException e) {
                return KafkaFindings.unreachable(bootstrap, "no answer within " + timeout.toSeconds() + " s");
            } catch (ExecutionException e) {
                return KafkaFindings.unreachable(bootstrap, String.valueOf(e.getCause()));
            }
            Topics topics = cfg.topics();
            // the doctor only looks: never creates topics, whatever topics.create says
            List<String> topicProblems = new TopicCheck(admin, new Topics(topics.requests(), topics.results(),
                    topics.jobState(), topics.deadLetter(), false), timeout).run();
            Optional<Probe> txn = cfg.delivery().exactlyOnce()
                    ? Optional.of(transactionalId(admin, cfg, timeout)) : Optional.empty();
            return new KafkaFindings(bootstrap, Optional.empty(), broker, topicProblems,
                    group(admin, cfg.kafka().groupId(), timeout), txn);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return KafkaFindings.unreachable(bootstrap, "interrupted");
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    /** DESCRIBE on the group; joining it (to prove READ) would rebalance the running workers, so it is not tried. */
    private static Probe group(Admin admin, String groupId, Duration timeout) throws InterruptedException {
        String name = "consumer group " + groupId + " (kafka.groupId)";
        try {
            ConsumerGroupDescription d = get(admin.describeConsumerGroups(List.of(groupId)).describedGroups()
                    .get(groupId), timeout);
            return Probe.allowed(name + " authorised (state " + d.groupState() + ", " + d.members().size()
                    + " member(s))");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Probe.allowed(name + " authorised (not created yet)");
            }
            if (e.getCause() instanceof GroupAuthorizationException) {
                return Probe.denied("not authorised on " + name, "grant the worker's principal READ on GROUP "
                        + groupId + " (READ implies DESCRIBE)");
            }
            return Probe.denied("cannot describe " + name + ": " + e.getCause(),
                    "check the broker's group coordinator (offsets topic available) and the kafka.* security settings");
        } catch (TimeoutException e) {
            return Probe.denied("no answer within " + timeout.toSeconds() + " s describing " + name,
                    "check the broker's group coordinator (offsets topic available)");
        }
    }

    /**
     * DESCRIBE on the worker's own transactional id ({@code kafka.groupId}-instanceId), which also proves the broker
     * answers transaction APIs (DescribeTransactions, Kafka 3.0+). WRITE is not tested: initialising a producer with
     * this id would fence the running instance's producer.
     */
    private static Probe transactionalId(Admin admin, WorkerConfig cfg, Duration timeout)
            throws InterruptedException {
        String id = KafkaClientProps.transactionalProducer(cfg).getProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        String name = "transactional id " + id;
        String notWrite = "; transactions supported; WRITE not tested (initialising it would fence the running "
                + "instance " + cfg.instanceId() + ")";
        try {
            TransactionDescription d = get(admin.describeTransactions(List.of(id)).description(id), timeout);
            return Probe.allowed(name + " authorised (state " + d.state() + ")" + notWrite);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof TransactionalIdNotFoundException) {
                return Probe.allowed(name + " authorised (no transaction yet)" + notWrite);
            }
            if (c instanceof TransactionalIdAuthorizationException) {
                return Probe.denied("not authorised on " + name + " (delivery.mode exactly-once)",
                        "grant the worker's principal WRITE on TRANSACTIONAL_ID " + id + " (or a PREFIXED ACL on "
                                + cfg.kafka().groupId() + "-), or set delivery.mode=at-least-once");
            }
            if (c instanceof UnsupportedVersionException) {
                return Probe.notChecked(name + " and transaction support: the broker does not answer "
                        + "DescribeTransactions (older than Kafka 3.0)");
            }
            return Probe.denied("cannot describe " + name + ": " + c, "check the broker's transaction coordinator "
                    + "(transaction.state.log.replication.factor and min.isr not above the number of brokers)");
        } catch (TimeoutException e) {
            return Probe.denied("no answer within " + timeout.toSeconds() + " s describing " + name,
                    "check the broker's transaction coordinator (transaction state log available)");
        }
    }

    private static <T> T get(Future<T> f, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
