package com.pbiexport.devstack.powerbi.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.devstack.powerbi.ExportEngine.ExportJob;
import com.pbiexport.devstack.powerbi.ExportEngine.Started;
import com.pbiexport.devstack.powerbi.ExportEngine.StartResult;
import com.pbiexport.devstack.scenario.Capacity;
import com.pbiexport.devstack.scenario.Report;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.devstack.sim.Faults;
import com.pbiexport.devstack.sim.ManualClock;
import com.pbiexport.devstack.sim.Realism;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The export engine in the realistic profile: what the real service does that the clean profile smooths over. */
class RealisticExportEngineTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Capacity F64 = new Capacity("cap-f64", null, "F64", null, null, null, null);
    static final Report THREE_PAGES = new Report("r3", "Sales Overview", "ws", "PowerBIReport", 3, false, null);
    static final Report FIFTY_PAGES = new Report("r50", "Everything", "ws", "PowerBIReport", 50, false, null);
    static final long ROUND_MILLIS = 1000;

    final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));

    SimExportEngine engine(long seed) {
        // 1 s per render round, Retry-After 2 s on polls, files kept 1 hour
        return new SimExportEngine(new Scenario("test", null, 3600L, ROUND_MILLIS, 2, List.of()), new Faults(clock),
                new Counters(), clock, Realism.realistic(seed));
    }

    static ExportJob start(SimExportEngine engine, Report report, int pages) {
        StartResult r = engine.start("tenant", F64, "ws", report, "PDF", pages, "app", JSON.createObjectNode());
        assertThat(r).isInstanceOf(Started.class);
        return ((Started) r).job();
    }

    static ExportJob poll(SimExportEngine engine, String id) {
        return engine.get(id).orElseThrow();
    }

    @Test
    void exportIdsAreStandardBase64WithSlashPlusAndPaddingLikeTheSwaggerExample() {
        SimExportEngine engine = engine(7);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(start(engine, THREE_PAGES, 3).id());
        }
        // reference: "Export ids are standard base64 and can contain /, + and =" (Swagger example Mi9C5419i....PS4=)
        assertThat(ids).allSatisfy(id -> {
            assertThat(id).matches("[A-Za-z0-9+/]+={1,2}");
            assertThat(Base64.getDecoder().decode(id)).isNotEmpty();
        });
        assertThat(ids.stream().filter(id -> id.contains("/")).count()).as("ids with /").isGreaterThan(100);
        assertThat(ids.stream().filter(id -> id.contains("+")).count()).as("ids with +").isGreaterThan(100);
        assertThat(new HashSet<>(ids)).hasSize(ids.size());
    }

    @Test
    void pollRetryAfterIsSometimesPresentAndSometimesAbsentButNeverOnSucceeded() {
        SimExportEngine engine = engine(11);
        String id = start(engine, FIFTY_PAGES, 50).id();
        clock.advanceMillis(ROUND_MILLIS);  // Running for 10 rounds
        List<Optional<Integer>> seen = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            seen.add(poll(engine, id).retryAfterSeconds());
        }
        assertThat(seen).contains(Optional.empty(), Optional.of(2));
        clock.advance(Duration.ofSeconds(20));
        ExportJob done = poll(engine, id);
        assertThat(done.status()).isEqualTo("Succeeded");
        assertThat(done.retryAfterSeconds()).isEmpty();
    }

    @Test
    void someExportsAnswerUndefinedOnAnEarlyPollAndNeverAfterNotStarted() {
        SimExportEngine engine = engine(3);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add(start(engine, THREE_PAGES, 3).id());
        }
        Set<String> first = new HashSet<>();
        ids.forEach(id -> first.add(poll(engine, id).status()));
        // Undefined is a value of the Swagger's status enum; when the service says it is not documented
        assertThat(first).contains("Undefined", "NotStarted");

        clock.advanceMillis(ROUND_MILLIS / 2 - 1);  // still before Running
        assertThat(ids).allSatisfy(id -> assertThat(poll(engine, id).status()).isEqualTo("NotStarted"));
    }

    @Test
    void percentCompleteMovesOneStepPerFinishedRoundOfFivePages() {
        SimExportEngine engine = engine(5);
        String id = start(engine, FIFTY_PAGES, 50).id();  // 50 pages, 5 at a time: 10 rounds (reference section 2)
        clock.advanceMillis(ROUND_MILLIS / 2);            // Running from here
        List<Integer> percents = new ArrayList<>();
        for (int ms = 0; ms < 10 * ROUND_MILLIS; ms += 100) {
            percents.add(poll(engine, id).percentComplete());
            clock.advanceMillis(100);
        }
        assertThat(new HashSet<>(percents)).containsExactlyInAnyOrder(0, 10, 20, 30, 40, 50, 60, 70, 80, 90);
        assertThat(percents).isSorted();
        assertThat(poll(engine, id).percentComplete()).isEqualTo(100);
    }

    @Test
    void lastActionDateTimeIsTheTimeOfTheLatestStateChangeOrStep() {
        SimExportEngine engine = engine(5);
        ExportJob started = start(engine, FIFTY_PAGES, 50);
        Instant created = started.createdDateTime();
        Instant running = created.plusMillis(ROUND_MILLIS / 2);
        assertThat(started.lastActionDateTime()).isEqualTo(created);

        clock.set(running.plusMillis(2 * ROUND_MILLIS + 300));  // third round under way
        assertThat(poll(engine, started.id()).lastActionDateTime()).isEqualTo(running.plusMillis(2 * ROUND_MILLIS));

        clock.set(running.plusMillis(7 * ROUND_MILLIS + 10));
        assertThat(poll(engine, started.id()).lastActionDateTime()).isEqualTo(running.plusMillis(7 * ROUND_MILLIS));

        clock.set(running.plusMillis(11 * ROUND_MILLIS));
        ExportJob done = poll(engine, started.id());
        assertThat(done.status()).isEqualTo("Succeeded");
        assertThat(done.lastActionDateTime()).isEqualTo(running.plusMillis(10 * ROUND_MILLIS));
    }

    @Test
    void theSameSeedGivesTheSameIdsAndAnswersAndAnotherSeedOthers() {
        List<String> a = answers(engine(42));
        clock.set(Instant.parse("2025-01-01T00:00:00Z"));
        List<String> b = answers(engine(42));
        clock.set(Instant.parse("2025-01-01T00:00:00Z"));
        List<String> c = answers(engine(43));
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    private List<String> answers(SimExportEngine engine) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ExportJob job = start(engine, THREE_PAGES, 3);
            ExportJob polled = poll(engine, job.id());
            out.add(job.id() + " " + polled.status() + " " + polled.retryAfterSeconds());
        }
        return out;
    }
}
