package com.pbiexport.worker.it.faults;

import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.kafka.KafkaCluster;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.SimProfile;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.config.DeliveryMode;
import com.pbiexport.worker.config.DeliverySettings;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #17, item 1: on a three-broker cluster (replication factor 3, {@code min.insync.replicas} 2, every broker
 * its own JVM) with the worker in exactly-once mode and requests flowing all the time, the broker leading the
 * request partition is SIGKILLed, requests go on being answered, it is restarted; then the broker acting as the
 * worker's transaction coordinator is SIGKILLed and stays down. A {@code read_committed} reader sees exactly one
 * outcome for every request published, each a completion whose file is in the sink, and the sink holds nothing
 * else. The same worker instance runs throughout.
 */
class ClusterFailoverIT {
    private static final Logger log = LoggerFactory.getLogger(ClusterFailoverIT.class);
    /** Four requests a second: enough to have exports and transactions in flight at every kill. */
    static final Duration PUBLISH_EVERY = Duration.ofMillis(250);
    /** Requests published after a kill that must be answered before the test goes on: the worker made progress. */
    static final int PROGRESS = 5;
    static final Duration FAILOVER_WAIT = Duration.ofSeconds(60);

    @TempDir
    Path output;

    @Test
    void leaderAndTransactionCoordinatorKilledUnderLoadLoseAndDuplicateNothingForReadCommittedReaders()
            throws Exception {
        long t0 = System.nanoTime();
        try (KafkaCluster cluster = KafkaCluster.start();
             DevStack stack = DevStack.builder().scenario(Scenario.defaultScenario().withPageRenderMillis(300))
                     .profile(SimProfile.REALISTIC).kafka(false).start();
             FaultRig rig = FaultRig.open(cluster, stack, "cluster", output,
                     cfg -> cfg.withDelivery(new DeliverySettings(DeliveryMode.EXACTLY_ONCE)));
             Load load = new Load(rig)) {
            long clusterUp = System.nanoTime();
            rig.startWorker();
            String transactionalId = rig.config().kafka().groupId() + "-" + rig.config().instanceId();
            load.start();
            awaitAnsweredSince(rig, load, 0, PROGRESS);

            // 1. the leader of the partition every request goes to (keyed by tenant): SIGKILL, then restart
            TopicPartition requests = load.partition();
            int leader = cluster.leaderOf(requests);
            int coordinatorBefore = cluster.transactionCoordinatorOf(transactionalId);
            int markLeader = load.count();
            cluster.node(leader).kill();
            long leaderKilled = System.nanoTime();
            awaitAnsweredSince(rig, load, markLeader, PROGRESS);
            long leaderFailover = System.nanoTime() - leaderKilled;
            assertThat(cluster.leaderOf(requests)).as("%s has a new leader", requests).isNotEqualTo(leader);
            cluster.node(leader).restart();
            cluster.awaitFullyReplicated(FAILOVER_WAIT);

            // 2. the worker's transaction coordinator (maybe the restarted node): SIGKILL, stays down
            int coordinator = cluster.transactionCoordinatorOf(transactionalId);
            int markCoordinator = load.count();
            cluster.node(coordinator).kill();
            long coordinatorKilled = System.nanoTime();
            awaitAnsweredSince(rig, load, markCoordinator, PROGRESS);
            long coordinatorFailover = System.nanoTime() - coordinatorKilled;
            assertThat(cluster.transactionCoordinatorOf(transactionalId)).as("a new transaction coordinator")
                    .isNotEqualTo(coordinator);

            List<String> published = load.stop();
            Tally tally = rig.await(published, Duration.ofSeconds(90), Duration.ofSeconds(3));
            log.info("RELIABILITY cluster-failover: {} (leader of {} was node {}, killed and restarted; coordinator"
                            + " node {} before, node {} killed; answers resumed {} ms after the leader kill, {} ms after"
                            + " the coordinator kill; cluster start {} s, total {} s)", tally, requests, leader,
                    coordinatorBefore, coordinator, leaderFailover / 1_000_000, coordinatorFailover / 1_000_000,
                    Duration.ofNanos(clusterUp - t0).toSeconds(), Duration.ofNanos(System.nanoTime() - t0).toSeconds());

            assertThat(tally.answered()).as("lost: %s", tally.summary()).isEqualTo(published.size());
            assertThat(tally.duplicates()).as("read_committed readers see one outcome per request").isZero();
            assertThat(tally.completed()).as(tally.summary()).isEqualTo(published.size());
            tally.first().values().forEach(o -> Tally.assertStored(o.completed()));
            assertThat(rig.deadLetters()).isEmpty();
            assertThat(sinkFiles()).as("the sink holds one file per request and nothing else")
                    .isEqualTo(tally.first().values().stream()
                            .map(o -> Path.of(URI.create(o.completed().file().uri())).toAbsolutePath().normalize())
                            .collect(Collectors.toSet()))
                    .hasSize(published.size());
        }
    }

    /** Waits until {@code atLeast} of the requests published after the first {@code mark} have an outcome. */
    private static void awaitAnsweredSince(FaultRig rig, Load load, int mark, int atLeast) {
        await().atMost(FAILOVER_WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> rig.answered(load.idsFrom(mark)) >= atLeast);
    }

    /** Every file under the sink's root, temporary ({@code .part}) ones included, so an orphan is seen too. */
    private Set<Path> sinkFiles() throws IOException {
        try (Stream<Path> files = Files.walk(output)) {
            return files.filter(Files::isRegularFile).map(p -> p.toAbsolutePath().normalize())
                    .collect(Collectors.toSet());
        }
    }

    /**
     * Requests published at a fixed rate on a scheduler thread (only the rig's producer, which is thread-safe, is
     * used there), remembered with the broker's acknowledgement so {@link #stop()} can prove every one was written.
     */
    private static final class Load implements AutoCloseable {
        private final FaultRig rig;
        private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cluster-it-load");
            t.setDaemon(true);
            return t;
        });
        private final List<String> ids = new ArrayList<>();
        private final List<Future<RecordMetadata>> acks = new ArrayList<>();

        Load(FaultRig rig) {
            this.rig = rig;
        }

        void start() {
            scheduler.scheduleAtFixedRate(this::publishNext, 0, PUBLISH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void publishNext() {
            ExportRequested request;
            synchronized (this) {
                request = request(ids.size());
                ids.add(request.requestId());
                acks.add(rig.publishAsync(request));
            }
        }

        synchronized int count() {
            return ids.size();
        }

        synchronized List<String> idsFrom(int mark) {
            return List.copyOf(ids.subList(mark, ids.size()));
        }

        /** The partition the requests go to (all share the tenant key), from the first acknowledgement. */
        TopicPartition partition() throws Exception {
            Future<RecordMetadata> first;
            synchronized (this) {
                first = acks.get(0);
            }
            RecordMetadata m = first.get(30, TimeUnit.SECONDS);
            return new TopicPartition(m.topic(), m.partition());
        }

        /** Stops publishing and returns every request published, once the broker acknowledged each. */
        List<String> stop() throws Exception {
            scheduler.shutdown();
            assertThat(scheduler.awaitTermination(30, TimeUnit.SECONDS)).as("the load thread stopped").isTrue();
            List<Future<RecordMetadata>> pending;
            synchronized (this) {
                pending = List.copyOf(acks);
            }
            for (Future<RecordMetadata> ack : pending) {
                ack.get(60, TimeUnit.SECONDS);
            }
            return idsFrom(0);
        }

        @Override
        public void close() {
            scheduler.shutdownNow();
        }

        private static ExportRequested request(int i) {
            // 5 to 30 pages: 1 to 6 render rounds, so exports are at every stage when a broker dies
            return ExportRequested.builder("cluster-" + i + "-" + UUID.randomUUID(), DemoStack.CONTOSO, SALES_WS,
                    SALES_REPORT, ExportFormat.PDF)
                    .powerBIReportConfiguration(BrokerRestartIT.pages(5 * (1 + i % 6))).build();
        }
    }
}
