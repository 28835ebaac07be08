package com.pbiexport.worker.it;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.kafka.EmbeddedKafka;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.app.WorkerApp;
import com.pbiexport.worker.config.Topics;
import com.pbiexport.worker.config.WorkerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several worker instances in one consumer group on the real broker and the devstack: an instance leaves
 * mid-run, its partitions (and, through the eager rebalance, everyone's) move, and the new owners resume the
 * running exports from the job-state topic. Counted: every request answered exactly once (as a
 * {@code read_committed} reader sees it) and Power BI's {@code ExportTo} called once per request.
 */
class ScaleOutIT {
    private static final Logger log = LoggerFactory.getLogger(ScaleOutIT.class);
    private static final long ROUND_MILLIS = 3000; // 5 pages per round; the simulator takes at most 50 pages
    private static final int PARTITIONS = 6;
    private static WorkerHarness harness;

    @TempDir
    static Path files;

    @BeforeAll
    static void startStack() {
        harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(ROUND_MILLIS));
    }

    @AfterAll
    static void stopStack() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void threeInstancesShareTheLoadAndOneLeavingMidRunLosesAndDuplicatesNothing() {
        int n = 60;
        Counters counters = harness.stack().counters();
        try (Lane lane = lane("scale")) {
            List<WorkerApp> workers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                workers.add(lane.startWorker(lane.config().withInstanceId(lane.config().instanceId() + "-w" + i)));
            }
            awaitStableGroup(lane.config().kafka().groupId(), 3);
            long startsBefore = acceptedStarts(counters);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // 1 to 10 rounds (3 to 30 s): some finish at once, some outlive the leaving instance's 20 s drain
                ExportRequested request = ExportRequested.builder(id("scale-" + i), DemoStack.CONTOSO, SALES_WS,
                        SALES_REPORT, ExportFormat.PDF).powerBIReportConfiguration(pages(5 * (1 + i % 10))).build();
                // keyed by requestId (not tenant) so the requests spread over every partition
                lane.publishRaw(request.requestId(), EventCodec.shared().write(request));
                ids.add(request.requestId());
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> acceptedStarts(counters) - startsBefore == n);
            assertThat(workers).as("every instance got work").allSatisfy(w -> assertThat(w.inFlight()).isPositive());

            workers.get(1).close(); // drains 20 s, then hands the still-running exports over

            lane.awaitOutcomes(ids, Duration.ofSeconds(120));
            Map<String, List<Outcome>> all = lane.allOutcomes(Duration.ofSeconds(3));
            long starts = acceptedStarts(counters) - startsBefore;
            log.info("scale-out: {} requests, {} outcomes, {} ExportTo calls", n,
                    all.values().stream().mapToInt(List::size).sum(), starts);
            for (String id : ids) {
                assertThat(all.get(id)).as("outcomes of %s", id).hasSize(1)
                        .allSatisfy(o -> assertThat(o.isCompleted()).as(o.describe()).isTrue());
            }
            assertThat(starts).as("resumed exports are polled, not started again").isEqualTo(n);
        }
    }

    @Test
    void anInstanceJoiningMidRunTakesPartitionsAndLosesAndDuplicatesNothing() {
        int n = 40;
        Counters counters = harness.stack().counters();
        try (Lane lane = lane("join")) {
            List<WorkerApp> workers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                workers.add(lane.startWorker(lane.config().withInstanceId(lane.config().instanceId() + "-w" + i)));
            }
            awaitStableGroup(lane.config().kafka().groupId(), 2);
            long startsBefore = acceptedStarts(counters);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ExportRequested request = ExportRequested.builder(id("join-" + i), DemoStack.CONTOSO, SALES_WS,
                        SALES_REPORT, ExportFormat.PDF).powerBIReportConfiguration(pages(5 * (2 + i % 6))).build();
                lane.publishRaw(request.requestId(), EventCodec.shared().write(request));
                ids.add(request.requestId());
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> acceptedStarts(counters) - startsBefore == n);

            // the join revokes running exports' partitions (eager rebalance): they are handed over, not restarted
            lane.startWorker(lane.config().withInstanceId(lane.config().instanceId() + "-w2"));
            awaitStableGroup(lane.config().kafka().groupId(), 3);
            assertThat(partitionsPerMember(lane.config().kafka().groupId()))
                    .as("the joined instance took partitions").hasSize(3).allSatisfy(k -> assertThat(k).isPositive());

            lane.awaitOutcomes(ids, Duration.ofSeconds(120));
            Map<String, List<Outcome>> all = lane.allOutcomes(Duration.ofSeconds(3));
            long starts = acceptedStarts(counters) - startsBefore;
            log.info("scale-out join: {} requests, {} outcomes, {} ExportTo calls", n,
                    all.values().stream().mapToInt(List::size).sum(), starts);
            for (String id : ids) {
                assertThat(all.get(id)).as("outcomes of %s", id).hasSize(1)
                        .allSatisfy(o -> assertThat(o.isCompleted()).as(o.describe()).isTrue());
            }
            assertThat(starts).as("exports running at the join are polled by their new owner, not started again")
                    .isEqualTo(n);
        }
    }

    @Test
    void restartedInstanceResumesRunningExportsWithoutStartingThemAgain() {
        int n = 6;
        Counters counters = harness.stack().counters();
        try (Lane lane = lane("resume")) {
            WorkerApp first = lane.startWorker();
            long startsBefore = acceptedStarts(counters);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // 50 pages = 10 rounds = 30 s: longer than the 20 s drain on close
                ids.add(lane.publish(ExportRequested.builder(id("resume-" + i), DemoStack.CONTOSO, SALES_WS,
                        SALES_REPORT, ExportFormat.PDF).powerBIReportConfiguration(pages(50)).build()));
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> first.inFlight() == n && acceptedStarts(counters) - startsBefore == n);
            first.close();

            lane.startWorker();
            lane.awaitOutcomes(ids, Duration.ofSeconds(90));
            Map<String, List<Outcome>> all = lane.allOutcomes(Duration.ofSeconds(3));

            for (String id : ids) {
                assertThat(all.get(id)).as("outcomes of %s", id).hasSize(1)
                        .allSatisfy(o -> assertThat(o.isCompleted()).as(o.describe()).isTrue());
                assertThat(all.get(id).get(0).completed().timings().renderMs())
                        .as("the resumed job polled the running export (its render started before the restart)")
                        .isLessThan(30_000);
            }
            assertThat(acceptedStarts(counters) - startsBefore).isEqualTo(n);
        }
    }

    private static List<Integer> partitionsPerMember(String groupId) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.stack().kafkaBootstrap());
        try (Admin admin = Admin.create(p)) {
            return admin.describeConsumerGroups(List.of(groupId)).all().get(10, TimeUnit.SECONDS).get(groupId)
                    .members().stream().map(m -> m.assignment().topicPartitions().size()).toList();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe group " + groupId, e);
        }
    }

    /** Waits until the group has settled, so no rebalance interrupts the first ExportTo calls. */
    private static void awaitStableGroup(String groupId, int members) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.stack().kafkaBootstrap());
        try (Admin admin = Admin.create(p)) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(groupId)).all()
                        .get(10, TimeUnit.SECONDS).get(groupId);
                return g.groupState() == GroupState.STABLE && g.members().size() == members;
            });
        }
    }

    /** A lane like {@link WorkerHarness#lane} but with {@value #PARTITIONS} partitions per topic. */
    private static Lane lane(String name) {
        String id = name + "-" + UUID.randomUUID().toString().substring(0, 6);
        Topics topics = new Topics("it." + id + ".requests", "it." + id + ".results", "it." + id + ".jobstate",
                "it." + id + ".deadletter");
        EmbeddedKafka kafka = harness.stack().kafka().orElseThrow();
        kafka.createTopic(topics.requests(), PARTITIONS, Map.of());
        kafka.createTopic(topics.results(), PARTITIONS, Map.of());
        kafka.createTopic(topics.jobState(), PARTITIONS, Map.of("cleanup.policy", "compact"));
        kafka.createTopic(topics.deadLetter(), 1, Map.of());
        WorkerConfig config = DemoStack.config(harness.stack(), files.resolve(id), "it-" + id).withTopics(topics)
                .withInstanceId("it-" + id);
        return new Lane(harness.stack().kafkaBootstrap(), config);
    }

    private static ObjectNode pages(int count) {
        ObjectNode cfg = JsonNodeFactory.instance.objectNode();
        ArrayNode pages = cfg.putArray("pages");
        for (int i = 1; i <= count; i++) {
            pages.addObject().put("pageName", "ReportSection" + i);
        }
        return cfg;
    }

    private static String id(String name) {
        return "it-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Exports Power BI started and told the caller about (the realistic profile may drop an ExportTo call before any
     * export starts, or lose the answer of one that started: the worker rightly calls again for those).
     */
    private static long acceptedStarts(Counters counters) {
        return counters.get("exportsStarted") - counters.get("exportToAnswersLost");
    }
}
