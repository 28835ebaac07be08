package com.pbiexport.worker.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.worker.metrics.CacheName;

import java.util.ArrayList;
import java.util.List;

/**
 * The soak's judgement, computed from its samples alone (so a saved run can be judged again with
 * {@code SoakBench --judge FILE}): one {@link SoakSeries} per figure with its stated threshold per hour.
 * <ul>
 *   <li>{@code heapAfterGcMb} 10 MB, {@code rssMb} 20 MB, {@code liveThreads} 1, {@code openFds} 5;</li>
 *   <li>{@code latencyP50Ms}, {@code latencyP99Ms}: 10 % of their own mean;</li>
 *   <li>every cache: 1 % of the requests of an hour (at least 10), i.e. a map that kept one entry for one request
 *   in a hundred would cross it.</li>
 * </ul>
 */
final class SoakVerdict {
    private SoakVerdict() {
    }

    static List<SoakSeries> series(JsonNode samples, double ratePerSecond) {
        SoakSeries heap = from(samples, "heapAfterGcMb", "MB", 10);
        SoakSeries threads = from(samples, "liveThreads", "threads", 1);
        SoakSeries fds = from(samples, "openFds", "fds", 5);
        SoakSeries rss = from(samples, "rssMb", "MB", 20);
        SoakSeries p50 = from(samples, "latencyP50Ms", "ms", 0);
        SoakSeries p99 = from(samples, "latencyP99Ms", "ms", 0);
        List<SoakSeries> all = new ArrayList<>(List.of(heap, threads, fds, rss,
                new SoakSeries(p50.name(), p50.unit(), 0.1 * p50.mean(), p50.points()),
                new SoakSeries(p99.name(), p99.unit(), 0.1 * p99.mean(), p99.points())));
        double cacheThreshold = Math.max(10, 0.01 * ratePerSecond * 3600);
        for (CacheName c : CacheName.values()) {
            SoakSeries s = new SoakSeries("cache." + c.tag(), "entries", cacheThreshold);
            for (JsonNode sample : samples) {
                JsonNode v = sample.path("caches").path(c.tag());
                s.add(sample.path("minute").asDouble(), v.isNumber() ? v.asDouble() : Double.NaN);
            }
            all.add(s);
        }
        return all;
    }

    /** Adds {@code series} (per name) and the overall {@code verdict} to {@code out}; prints one line per series. */
    static void judge(JsonNode samples, double ratePerSecond, ObjectNode out) {
        ObjectNode series = out.putObject("series");
        boolean allFlat = true;
        for (SoakSeries s : series(samples, ratePerSecond)) {
            System.out.println(s.line());
            series.set(s.name(), s.json());
            allFlat &= s.verdict().equals("flat") || s.verdict().equals("levelled");
        }
        out.put("verdict", allFlat ? "flat (every series flat or levelled)" : "not flat (see series)");
    }

    private static SoakSeries from(JsonNode samples, String field, String unit, double threshold) {
        SoakSeries s = new SoakSeries(field, unit, threshold);
        for (JsonNode sample : samples) {
            JsonNode v = sample.path(field);
            s.add(sample.path("minute").asDouble(), v.isNumber() ? v.asDouble() : Double.NaN);
        }
        return s;
    }
}
