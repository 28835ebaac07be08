package com.pbiexport.worker.it.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;

/**
 * What one strategy measured on one row. {@code convergenceSeconds} and the "after convergence" figures are null when
 * the limit in use never settled within 5 % of the true limit for at least {@link RowSampler#MIN_AFTER_CONVERGENCE_MS}
 * before the window ended (a fixed pool never converges: it has no limit to learn).
 */
record RowFigures(String row, String strategy, double seconds, long started, int completed, int failed,
                  double capacityUtilisation, Double utilisationAfterConvergence, Double convergenceSeconds,
                  Double afterConvergenceSeconds, double throttledPer1000, Double throttledPer1000AfterConvergence,
                  double tokenRequestsPerTenantLifetime, double pollsPerExportOverMinimum, long addedLatencyP50Ms,
                  long addedLatencyP99Ms, double cpuMsPerExport, int liveThreads, long heapMb, int finalLimitInUse) {

    ObjectNode json() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("row", row).put("strategy", strategy);
        o.put("capacityUtilisation", round(capacityUtilisation, 3));
        putNullable(o, "utilisationAfterConvergence", utilisationAfterConvergence, 3);
        putNullable(o, "convergenceSeconds", convergenceSeconds, 1);
        putNullable(o, "afterConvergenceSeconds", afterConvergenceSeconds, 1);
        o.put("throttledPer1000", round(throttledPer1000, 1));
        putNullable(o, "throttledPer1000AfterConvergence", throttledPer1000AfterConvergence, 1);
        o.put("tokenRequestsPerTenantLifetime", round(tokenRequestsPerTenantLifetime, 2));
        o.put("pollsPerExportOverMinimum", round(pollsPerExportOverMinimum, 2));
        o.put("addedLatencyP50Ms", addedLatencyP50Ms).put("addedLatencyP99Ms", addedLatencyP99Ms);
        o.put("cpuMsPerExport", round(cpuMsPerExport, 1));
        o.put("liveThreads", liveThreads).put("heapMb", heapMb).put("finalLimitInUse", finalLimitInUse);
        o.put("started", started).put("completed", completed).put("failed", failed).put("seconds", round(seconds, 1));
        return o;
    }

    String line() {
        return String.format(Locale.ROOT, "%-20s %-7s utilisation %.3f (after convergence %s); convergence %s s "
                        + "(after-window %s s, final limit in use %d); 429s per 1,000 starts %.1f (after convergence %s);"
                        + " tokens per tenant-lifetime %.2f; polls per export / minimum %.2f; added latency p50 %d p99 "
                        + "%d ms; CPU %.1f ms per export; threads %d; heap %d MB; %d started, %d completed, %d failed "
                        + "in %.1f s",
                row, strategy, capacityUtilisation, fmt(utilisationAfterConvergence, 3), fmt(convergenceSeconds, 1),
                fmt(afterConvergenceSeconds, 1), finalLimitInUse, throttledPer1000,
                fmt(throttledPer1000AfterConvergence, 1), tokenRequestsPerTenantLifetime, pollsPerExportOverMinimum,
                addedLatencyP50Ms, addedLatencyP99Ms, cpuMsPerExport, liveThreads, heapMb, started, completed, failed,
                seconds);
    }

    private static void putNullable(ObjectNode o, String key, Double value, int decimals) {
        if (value == null) {
            o.putNull(key);
        } else {
            o.put(key, round(value, decimals));
        }
    }

    private static String fmt(Double v, int decimals) {
        return v == null ? "never" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }
}
