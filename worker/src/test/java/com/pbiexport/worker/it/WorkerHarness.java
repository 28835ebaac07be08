package com.pbiexport.worker.it;

import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.kafka.EmbeddedKafka;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.FaultSettings;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.config.Topics;
import com.pbiexport.worker.config.WorkerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * One {@link DevStack} (embedded Kafka broker + Entra ID and Power BI simulator) shared by the tests of a class,
 * and {@link Lane}s on it: each lane has its own topics and consumer group, so the tests of a class never see
 * each other's requests or outcomes even though they share the broker.
 *
 * <pre>{@code
 * static WorkerHarness harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(200));
 * try (Lane lane = harness.lane("pdf")) {
 *     lane.startWorker();
 *     lane.publish(request);
 *     Outcome o = lane.awaitOutcome(request.requestId(), Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class WorkerHarness implements AutoCloseable {
    private final DevStack stack;
    private final Path files;
    private final AtomicInteger lanes = new AtomicInteger();

    private WorkerHarness(DevStack stack, Path files) {
        this.stack = stack;
        this.files = files;
    }

    /** Starts a devstack with Kafka and the given scenario. */
    public static WorkerHarness start(Scenario scenario) {
        return start(scenario, FaultSettings.none());
    }

    public static WorkerHarness start(Scenario scenario, FaultSettings faults) {
        Path dir;
        try {
            dir = Files.createTempDirectory("worker-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DevStack stack = DevStack.builder().scenario(scenario).faults(faults).kafka(true).start();
        return new WorkerHarness(stack, dir);
    }

    public DevStack stack() {
        return stack;
    }

    /** Sets fault knobs from a partial JSON object, e.g. {@code {"exportBusyFailures":1}}. */
    public void faults(String partialJson) {
        stack.faults().merge(partialJson.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A lane with the demo configuration (filesystem sink in a fresh directory). */
    public Lane lane(String name) {
        return lane(name, UnaryOperator.identity());
    }

    /**
     * A lane whose worker configuration is the demo's (every default-scenario tenant alias, a filesystem sink)
     * with its own topics and group id, adjusted by {@code customise}.
     */
    public Lane lane(String name, UnaryOperator<WorkerConfig> customise) {
        String id = name + "-" + lanes.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 6);
        Path output = files.resolve(id);
        Topics topics = new Topics("it." + id + ".requests", "it." + id + ".results", "it." + id + ".jobstate",
                "it." + id + ".deadletter");
        EmbeddedKafka kafka = stack.kafka().orElseThrow();
        kafka.createTopic(topics.requests(), 3, Map.of());
        kafka.createTopic(topics.results(), 3, Map.of());
        kafka.createTopic(topics.jobState(), 3, Map.of("cleanup.policy", "compact"));
        kafka.createTopic(topics.deadLetter(), 1, Map.of());
        WorkerConfig config = customise.apply(DemoStack.config(stack, output, "it-" + id).withTopics(topics)
                .withInstanceId("it-" + id));
        return new Lane(stack.kafkaBootstrap(), config);
    }

    @Override
    public void close() {
        stack.close();
        try (Stream<Path> paths = Files.walk(files)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory: the OS cleans it up eventually
        }
    }
}
