package com.pbiexport.worker.it.bench;

import com.pbiexport.worker.metrics.CacheName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Keeps docs/RELIABILITY.md ("Soak") and {@link SoakBench} in step without running the soak (an hour of load is a
 * benchmark, never a test), and checks the arithmetic its verdicts rest on ({@link SoakSeries}, percentiles).
 */
class SoakBenchDocsTest {
    private static final Path RELIABILITY = Path.of("..", "docs", "RELIABILITY.md");

    @Test
    void theFirstShellBlockNamingSoakBenchRunsTheBenchClassFromTheTestClasses() throws IOException {
        String block = firstShellBlockNaming("SoakBench");
        assertThat(block).contains("com.pbiexport.worker.it.bench." + SoakBench.class.getSimpleName());
        assertThat(block).as("the bench needs the test classes and their classpath").contains("test-compile");
    }

    @Test
    void theSoakSectionNamesEverySeriesTheLastLineCarries() throws IOException {
        String doc = Files.readString(RELIABILITY);
        assertThat(doc).contains("## Soak");
        for (String series : List.of("heapAfterGcMb", "liveThreads", "openFds", "rssMb", "latencyP50Ms",
                "latencyP99Ms")) {
            assertThat(doc).as(series).contains(series);
        }
        for (CacheName c : CacheName.values()) {
            assertThat(doc).as("cache " + c.tag()).contains(c.tag());
        }
    }

    @Test
    void aSeriesGrowingByAKnownSlopeIsMeasuredAndJudgedGrowing() {
        SoakSeries leak = new SoakSeries("heapAfterGcMb", "MB", 10);
        for (int minute = 0; minute <= 60; minute++) {
            leak.add(minute, 100 + 0.5 * minute + (minute % 2 == 0 ? 0.3 : -0.3)); // 30 MB/h plus jitter
        }
        assertThat(leak.slopePerHour()).isCloseTo(30, within(0.5));
        assertThat(leak.verdict()).isEqualTo("growing");
    }

    @Test
    void aFlatOrFallingSeriesIsFlatAndNoiseAboveTheThresholdIsInconclusive() {
        SoakSeries flat = new SoakSeries("liveThreads", "threads", 1);
        SoakSeries falling = new SoakSeries("openFds", "fds", 5);
        SoakSeries noisy = new SoakSeries("latencyP99Ms", "ms", 1);
        for (int minute = 0; minute <= 20; minute++) {
            flat.add(minute, 40);
            falling.add(minute, 300 - minute);
            noisy.add(minute, minute == 20 ? 400 : minute % 2 == 0 ? 100 : 300); // one high point at the end
        }
        assertThat(flat.slopePerHour()).isZero();
        assertThat(flat.verdict()).isEqualTo("flat");
        assertThat(falling.verdict()).isEqualTo("flat");
        assertThat(noisy.slopePerHour()).isGreaterThan(1);
        assertThat(noisy.verdict()).as("above the threshold, but within two standard errors").isEqualTo("inconclusive");
        SoakSeries two = new SoakSeries("x", "u", 1);
        two.add(0, 1);
        two.add(1, 1);
        assertThat(two.verdict()).as("fewer than 3 samples decide nothing").isEqualTo("inconclusive");
    }

    @Test
    void aCacheThatFillsToItsTimeToLiveAndStopsIsLevelledNotGrowing() {
        SoakSeries probe = new SoakSeries("cache.target_probe", "entries", 72);
        for (int minute = 0; minute <= 20; minute++) {
            probe.add(minute, 6 * Math.min(minute, 10)); // 6 new keys a minute, each kept 10 minutes
        }
        assertThat(probe.slopePerHour()).isGreaterThan(72);
        assertThat(probe.secondHalfSlopePerHour()).isZero();
        assertThat(probe.verdict()).isEqualTo("levelled");
    }

    @Test
    void minutesWithoutAValueAreSkippedNotCountedAsZero() {
        SoakSeries s = new SoakSeries("latencyP50Ms", "ms", 100);
        s.add(0, Double.NaN);
        s.add(1, 1000);
        s.add(2, 1000);
        s.add(3, 1000);
        assertThat(s.points()).hasSize(3);
        assertThat(s.slopePerHour()).isZero();
        assertThat(s.json().get("slopePerHour").asDouble()).isZero();
        assertThat(new SoakSeries("y", "u", 1).json().get("slopePerHour").isNull()).as("no value: null").isTrue();
    }

    @Test
    void theVerdictIsComputedFromTheSamplesAloneWithTheStatedThresholds() throws Exception {
        com.fasterxml.jackson.databind.node.ArrayNode samples = new com.fasterxml.jackson.databind.ObjectMapper()
                .createArrayNode();
        for (int minute = 0; minute <= 20; minute++) {
            var o = samples.addObject().put("minute", minute).put("heapAfterGcMb", 24 + minute) // 60 MB/h: a leak
                    .put("liveThreads", 58).put("openFds", 240).put("rssMb", 215);
            if (minute > 0) {
                o.put("latencyP50Ms", 3600).put("latencyP99Ms", 5500);
            }
            o.putObject("caches").put("capacity_lookups", 3).put("target_probe", 6 * Math.min(minute, 10));
        }
        var out = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        SoakVerdict.judge(samples, 2, out);

        assertThat(out.at("/series/heapAfterGcMb/verdict").asText()).isEqualTo("growing");
        assertThat(out.at("/series/heapAfterGcMb/thresholdPerHour").asDouble()).isEqualTo(10);
        assertThat(out.at("/series/liveThreads/verdict").asText()).isEqualTo("flat");
        assertThat(out.at("/series/latencyP99Ms/thresholdPerHour").asDouble()).as("10 % of its mean").isEqualTo(550);
        assertThat(out.at("/series/cache.target_probe/verdict").asText()).isEqualTo("levelled");
        assertThat(out.at("/series/cache.target_probe/thresholdPerHour").asDouble()).as("1 % of 7,200 an hour")
                .isEqualTo(72);
        assertThat(out.at("/series/cache.crash_claims/samples").asInt()).as("a cache never sampled").isZero();
        assertThat(out.get("verdict").asText()).startsWith("not flat");
    }

    @Test
    void percentilesAreNearestRank() {
        List<Long> values = java.util.stream.LongStream.rangeClosed(1, 100).boxed().toList();
        assertThat(SoakLoad.percentile(values, 50)).isEqualTo(50);
        assertThat(SoakLoad.percentile(values, 99)).isEqualTo(99);
        assertThat(SoakLoad.percentile(List.of(7L), 99)).isEqualTo(7);
        assertThat(SoakLoad.percentile(List.of(), 50)).isNaN();
    }

    @Test
    void theMixRepeatsEveryTwentyRequestsWithTwoThatFailOnPurpose() {
        long contosoSales = java.util.stream.IntStream.range(0, 20).mapToObj(SoakLoad::request)
                .filter(r -> r.tenant().equals("contoso") && r.powerBIReportConfiguration() != null).count();
        assertThat(contosoSales).isEqualTo(16);
        assertThat(SoakLoad.request(0).reportId()).as("a new unknown report each time")
                .isNotEqualTo(SoakLoad.request(20).reportId());
        assertThat(SoakLoad.request(10).tenant()).isEqualTo("northwind");
    }

    private static String firstShellBlockNaming(String name) throws IOException {
        Matcher m = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(RELIABILITY));
        while (m.find()) {
            if (m.group(1).contains(name)) {
                return m.group(1);
            }
        }
        throw new AssertionError("no fenced sh block in " + RELIABILITY + " names " + name);
    }
}
