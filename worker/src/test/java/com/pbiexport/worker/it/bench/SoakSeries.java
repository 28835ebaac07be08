package com.pbiexport.worker.it.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One series the soak samples each minute (heap after GC, live threads, open file descriptors, a cache's entries,
 * latency), its least-squares slope per hour with the slope's standard error, and a verdict against a stated
 * flatness threshold:
 * <ul>
 *   <li>{@code flat}: the slope is at most the threshold;</li>
 *   <li>{@code growing}: above the threshold by more than two standard errors (not noise);</li>
 *   <li>{@code levelled}: above the threshold over the whole run, but at most the threshold over its second half
 *   (at least 5 samples there): it filled up to its bound or time to live, then stopped (a cache whose entries live
 *   10 minutes grows for 10 minutes);</li>
 *   <li>{@code inconclusive}: above the threshold but within two standard errors (a longer run decides), or fewer
 *   than 3 samples.</li>
 * </ul>
 * A falling series is flat: only growth is a leak.
 *
 * @param name      the series' name in the JSON line, e.g. {@code heapAfterGcMb}
 * @param unit      its unit, e.g. {@code MB}
 * @param threshold the largest slope per hour that still counts as flat, in {@code unit} per hour
 */
record SoakSeries(String name, String unit, double threshold, List<double[]> points) {
    SoakSeries(String name, String unit, double threshold) {
        this(name, unit, threshold, new ArrayList<>());
    }

    /** Adds the value seen {@code minutes} after sampling began; NaN (no value this minute) is skipped. */
    void add(double minutes, double value) {
        if (!Double.isNaN(value)) {
            points.add(new double[]{minutes / 60.0, value});
        }
    }

    /** Least-squares slope, per hour; NaN with fewer than 2 points. */
    double slopePerHour() {
        return slope(points);
    }

    /** The slope over the samples of the run's second half (from its middle minute on). */
    double secondHalfSlopePerHour() {
        return slope(secondHalf());
    }

    private List<double[]> secondHalf() {
        if (points.isEmpty()) {
            return List.of();
        }
        double middle = (points.get(0)[0] + points.get(points.size() - 1)[0]) / 2;
        return points.stream().filter(p -> p[0] >= middle).toList();
    }

    private static double slope(List<double[]> points) {
        int n = points.size();
        if (n < 2) {
            return Double.NaN;
        }
        double mx = points.stream().mapToDouble(p -> p[0]).average().orElse(0);
        double my = points.stream().mapToDouble(p -> p[1]).average().orElse(0);
        double sxx = 0;
        double sxy = 0;
        for (double[] p : points) {
            sxx += (p[0] - mx) * (p[0] - mx);
            sxy += (p[0] - mx) * (p[1] - my);
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }

    /** Standard error of the slope (residual spread / spread of the times); NaN with fewer than 3 points. */
    double slopeStandardError() {
        int n = points.size();
        if (n < 3) {
            return Double.NaN;
        }
        double b = slopePerHour();
        double mx = points.stream().mapToDouble(p -> p[0]).average().orElse(0);
        double my = points.stream().mapToDouble(p -> p[1]).average().orElse(0);
        double sxx = 0;
        double rss = 0;
        for (double[] p : points) {
            sxx += (p[0] - mx) * (p[0] - mx);
            double fitted = my + b * (p[0] - mx);
            rss += (p[1] - fitted) * (p[1] - fitted);
        }
        return Math.sqrt(rss / (n - 2) / sxx);
    }

    double mean() {
        return points.stream().mapToDouble(p -> p[1]).average().orElse(Double.NaN);
    }

    double max() {
        return points.stream().mapToDouble(p -> p[1]).max().orElse(Double.NaN);
    }

    String verdict() {
        double b = slopePerHour();
        double se = slopeStandardError();
        if (points.size() < 3 || Double.isNaN(b)) {
            return "inconclusive";
        }
        if (b <= threshold) {
            return "flat";
        }
        List<double[]> late = secondHalf();
        if (late.size() >= 5 && slope(late) <= threshold) {
            return "levelled";
        }
        return b - threshold > 2 * se ? "growing" : "inconclusive";
    }

    ObjectNode json() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("unit", unit);
        num(o, "slopePerHour", slopePerHour());
        num(o, "slopeStdErrPerHour", slopeStandardError());
        num(o, "secondHalfSlopePerHour", secondHalfSlopePerHour());
        num(o, "thresholdPerHour", threshold);
        num(o, "mean", mean());
        num(o, "max", max());
        o.put("samples", points.size());
        o.put("verdict", verdict());
        return o;
    }

    String line() {
        return String.format(Locale.ROOT, "%-32s slope %+10.2f %s/h (+/- %.2f; second half %+.2f), threshold %.1f,"
                        + " mean %.1f, max %.1f: %s", name, slopePerHour(), unit, slopeStandardError(),
                secondHalfSlopePerHour(), threshold, mean(), max(), verdict());
    }

    /** A number, or JSON null when there is none (NaN is not JSON). */
    static void num(ObjectNode o, String key, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(key);
        } else {
            o.put(key, round(v));
        }
    }

    static double round(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? Double.NaN : Math.round(v * 100) / 100.0;
    }
}
