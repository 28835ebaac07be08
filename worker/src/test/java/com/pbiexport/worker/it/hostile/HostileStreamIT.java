package com.pbiexport.worker.it.hostile;

import com.pbiexport.contracts.DeadLetterHeaders;
import com.pbiexport.contracts.EventCodec;
import com.pbiexport.contracts.ExportCompleted;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.app.WorkerApp;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.intake.FuzzCorpus;
import com.pbiexport.worker.intake.ParseResult;
import com.pbiexport.worker.intake.RequestParser;
import com.pbiexport.worker.it.Lane;
import com.pbiexport.worker.it.Outcome;
import com.pbiexport.worker.it.WorkerHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.pbiexport.worker.it.ScenarioIds.FABRIKAM_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.FABRIKAM_WS;
import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fuzz corpus as one tenant's stream, interleaved with valid requests of another tenant, on the real broker and
 * simulator: every hostile record ends in a dead letter with its reason or an ExportFailed with its code (or, for
 * the odd-but-valid cases, a file inside the sink), every valid request completes exactly once, and the worker keeps
 * taking requests. Timings are printed for docs/RELIABILITY.md, not asserted (2-core CI machines).
 */
class HostileStreamIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final int VALID = 20;
    /** The embedded broker refuses records over its 1 MiB message.max.bytes: the first line of defence. */
    private static final int BROKER_LIMIT = 1_000_000;
    private static WorkerHarness harness;

    @BeforeAll
    static void startStack() {
        harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(100));
    }

    @AfterAll
    static void stopStack() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void everyHostileRecordIsClassifiedAndEveryValidRequestOfAnotherTenantCompletes() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<FuzzCorpus.Case> corpus = FuzzCorpus.load("h-" + run + "-",
                        new FuzzCorpus.Target(DemoStack.CONTOSO, SALES_WS, SALES_REPORT)).stream()
                .filter(c -> c.value().length < BROKER_LIMIT).toList();
        try (Lane lane = harness.lane("hostile");
             RawRecords raw = new RawRecords(harness.stack().kafkaBootstrap(), lane.config().topics().requests())) {
            WorkerApp worker = lane.startWorker();

            // warm-up (tokens, connections, JIT), then the baseline: the valid tenant alone
            await(lane, publishValid(lane, "warm-" + run, 4));
            List<String> baseline = publishValid(lane, "base-" + run, VALID);
            Map<String, Duration> baseTimes = await(lane, baseline);

            // the same number of valid requests, interleaved with the whole corpus (one hostile tenant)
            Instant start = Instant.now();
            List<String> valid = new ArrayList<>();
            int every = Math.max(1, corpus.size() / VALID);
            for (int i = 0; i < corpus.size(); i++) {
                FuzzCorpus.Case c = corpus.get(i);
                raw.send(null, DemoStack.CONTOSO, c.value(), c.headers(), c.name());
                if (i % every == 0 && valid.size() < VALID) {
                    valid.add(publish(lane, "mixed-" + run + "-" + i));
                }
            }
            while (valid.size() < VALID) {
                valid.add(publish(lane, "mixed-" + run + "-tail-" + valid.size()));
            }
            raw.flush(Duration.ofSeconds(30));
            Map<String, Duration> mixedTimes = await(lane, valid);

            // every valid request: exactly one outcome, completed
            Map<String, FuzzCorpus.Case> failedOrValid = new LinkedHashMap<>();
            corpus.stream().filter(c -> c.expect() != FuzzCorpus.Expect.DEAD_LETTER)
                    .forEach(c -> failedOrValid.put(requestIdOf(c), c));
            lane.awaitOutcomes(failedOrValid.keySet(), TIMEOUT);
            long deadExpected = corpus.stream().filter(c -> c.expect() == FuzzCorpus.Expect.DEAD_LETTER).count();
            List<Outcome> dead = lane.awaitDeadLetters((int) deadExpected, TIMEOUT);
            Map<String, List<Outcome>> all = lane.allOutcomes(Duration.ofSeconds(3));

            for (String id : valid) {
                assertThat(all.get(id)).as("outcomes of valid request %s", id).hasSize(1);
                assertThat(all.get(id).get(0).isCompleted()).as(all.get(id).get(0).describe()).isTrue();
            }
            // every hostile record: its dead letter with the reason, or its answer with the code
            assertThat(dead).as("one dead letter per dead-letter case, no more").hasSize((int) deadExpected);
            Map<String, String> deadReasons = dead.stream().collect(Collectors.toMap(
                    d -> d.header(RawRecords.CASE_HEADER), d -> d.header(DeadLetterHeaders.REASON)));
            Path sinkRoot = ((SinkConfig.Filesystem) lane.config().sinks().targets()
                    .get(lane.config().sinks().defaultSink())).root().toAbsolutePath().normalize();
            for (FuzzCorpus.Case c : corpus) {
                switch (c.expect()) {
                    case DEAD_LETTER -> assertThat(deadReasons.get(c.name())).as(c.name()).isEqualTo(c.code());
                    case FAILED -> {
                        List<Outcome> out = all.get(requestIdOf(c));
                        assertThat(out).as(c.name()).hasSize(1);
                        assertThat(out.get(0).failed().error().code()).as(c.name()).isEqualTo(c.code());
                    }
                    case VALID -> {
                        List<Outcome> out = all.get(requestIdOf(c));
                        assertThat(out).as(c.name()).hasSize(1);
                        ExportCompleted done = out.get(0).completed();
                        Path file = Path.of(URI.create(done.file().uri())).toAbsolutePath().normalize();
                        assertThat(file).as("%s stays inside the sink", c.name()).startsWith(sinkRoot);
                        assertThat(file.getFileName().toString()).doesNotContain("..");
                    }
                }
            }
            // the worker is still taking requests after all of it
            String after = publish(lane, "after-" + run);
            assertThat(lane.awaitOutcome(after, TIMEOUT).isCompleted()).isTrue();
            assertThat(worker.inFlight()).isGreaterThanOrEqualTo(0);

            System.out.printf("HOSTILE-STREAM corpus=%d (dead-letter %d, failed %d, valid %d) + %d valid of another "
                            + "tenant in %d ms; valid request latency baseline p50=%d ms max=%d ms, mixed p50=%d ms "
                            + "max=%d ms%n", corpus.size(), deadExpected,
                    corpus.stream().filter(c -> c.expect() == FuzzCorpus.Expect.FAILED).count(),
                    corpus.stream().filter(c -> c.expect() == FuzzCorpus.Expect.VALID).count(), VALID,
                    Duration.between(start, Instant.now()).toMillis(), p50(baseTimes), max(baseTimes),
                    p50(mixedTimes), max(mixedTimes));
        }
    }

    /** The request id the worker answers under: the parser's reading of the case. */
    private static String requestIdOf(FuzzCorpus.Case c) {
        ParseResult r = new RequestParser(EventCodec.shared()).parse(c.value(), c.headers());
        if (r instanceof ParseResult.Parsed p) {
            return p.request().requestId();
        }
        return ((ParseResult.Malformed) r).requestId();
    }

    private final Map<String, Instant> published = new HashMap<>();

    private String publish(Lane lane, String id) {
        published.put(id, Instant.now());
        return lane.publish(ExportRequested.builder(id, DemoStack.FABRIKAM, FABRIKAM_WS, FABRIKAM_REPORT,
                ExportFormat.PDF).build());
    }

    private List<String> publishValid(Lane lane, String prefix, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(publish(lane, prefix + "-" + i));
        }
        return ids;
    }

    /** Waits for the outcomes; returns publish-to-completion time per request (completedAt of the event). */
    private Map<String, Duration> await(Lane lane, List<String> ids) {
        Map<String, Outcome> out = lane.awaitOutcomes(ids, TIMEOUT);
        Map<String, Duration> times = new LinkedHashMap<>();
        out.forEach((id, o) -> times.put(id, Duration.between(published.get(id), o.completed().completedAt())));
        return times;
    }

    private static long p50(Map<String, Duration> times) {
        List<Long> sorted = times.values().stream().map(Duration::toMillis).sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static long max(Map<String, Duration> times) {
        return times.values().stream().mapToLong(Duration::toMillis).max().orElse(0);
    }
}
