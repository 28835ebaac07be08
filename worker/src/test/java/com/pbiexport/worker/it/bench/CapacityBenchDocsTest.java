package com.pbiexport.worker.it.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps docs/BENCHMARKS.md and {@link CapacityBench} in step without running the bench (speed goes in benchmarks,
 * never in tests): the documented command, the default rows, the headline row and the JSON keys the issue asks for.
 */
class CapacityBenchDocsTest {
    private static final Path BENCHMARKS = Path.of("..", "docs", "BENCHMARKS.md");
    private static final List<String> TOP_LEVEL_KEYS = List.of("capacityUtilisation", "throttledPer1000",
            "tokenRequestsPerTenantLifetime", "pollsPerExportOverMinimum", "addedLatencyP50Ms", "addedLatencyP99Ms",
            "cpuMsPerExport", "liveThreads", "heapMb", "convergenceSeconds");

    @Test
    void theFirstShellBlockNamingCapacityBenchRunsTheBenchClass() throws IOException {
        String block = firstShellBlockNaming("CapacityBench");
        assertThat(block).contains("com.pbiexport.worker.it.bench." + CapacityBench.class.getSimpleName());
        assertThat(block).as("the bench needs the test classes and their classpath").contains("test-compile");
    }

    @Test
    void everyDefaultRowAndTheHeadlineRowAreInTheDocumentedMatrix() throws IOException {
        String doc = Files.readString(BENCHMARKS);
        for (BenchRow row : BenchRow.parseList(BenchRow.DEFAULT_ROWS)) {
            assertThat(doc).as("row " + row.name() + " of the default matrix").contains("| " + row.name() + " |");
        }
        assertThat(doc).contains(BenchRow.HEADLINE);
        assertThat(BenchRow.parseList(BenchRow.DEFAULT_ROWS)).extracting(BenchRow::name).contains(BenchRow.HEADLINE);
    }

    @Test
    void theDefaultMatrixCoversEveryLimitRenderTimeAndRetryAfterStyle() {
        List<BenchRow> rows = BenchRow.parseList(BenchRow.DEFAULT_ROWS);
        assertThat(rows).extracting(BenchRow::limit).contains(5, 20, 100, 500);
        assertThat(rows).extracting(BenchRow::render).contains("short", "realistic");
        assertThat(rows).extracting(BenchRow::retryAfter).contains("exact", "coarse");
        assertThat(BenchRow.parseList("all")).hasSize(16);
    }

    @Test
    void aRowsFiguresCarryTheKeysTheLastLineNeeds() {
        ObjectNode json = new RowFigures("20-realistic-coarse", "worker", 120, 100, 90, 0, 0.9, null, null, null, 1,
                null, 1, 1, 1, 2, 3, 40, 200, 20).json();
        for (String key : TOP_LEVEL_KEYS) {
            assertThat(json.has(key)).as(key).isTrue();
        }
        assertThat(json.get("convergenceSeconds").isNull()).as("never converged: null, not 0").isTrue();
    }

    @Test
    void realisticRendersStandForTwoToFiveMinutes() {
        BenchRow realistic = BenchRow.parse("20-realistic-exact");
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int n = 0; n < 100; n++) {
            long rounds = (realistic.pages(n) + 4) / 5;
            min = Math.min(min, rounds * 30_000);
            max = Math.max(max, rounds * 30_000);
        }
        assertThat(min).as("2 minutes of rendering (uncompressed)").isEqualTo(120_000);
        assertThat(max).as("5 minutes").isEqualTo(300_000);
        assertThat(BenchRow.parse("20-short-exact").renderMs(BenchRow.SHORT_PAGES)).isEqualTo(11_000);
    }

    private static String firstShellBlockNaming(String name) throws IOException {
        Matcher m = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(BENCHMARKS));
        while (m.find()) {
            if (m.group(1).contains(name)) {
                return m.group(1);
            }
        }
        throw new AssertionError("no fenced sh block in " + BENCHMARKS + " names " + name);
    }
}
