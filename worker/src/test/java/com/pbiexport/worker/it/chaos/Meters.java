package com.pbiexport.worker.it.chaos;

import com.pbiexport.contracts.CloudEventHeaders;
import com.pbiexport.worker.it.Outcome;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome meters of each worker JVM against the outcome events it published ({@code ce_source} ends with its
 * instance id; read {@code read_committed}, so aborted transactions do not count). Compared exactly, per result
 * (completed, failed), for the JVMs whose last scrape saw everything they did: those stopped by SIGTERM (scraped
 * until the admin port stopped answering, after the drain) and those running at the end (scraped once every
 * request was answered). A SIGKILLed JVM's last scrape is from just before the kill; an outcome it counted after
 * that scrape, or counted and never committed, cannot be seen: its figures are reported, not compared.
 */
record Meters(List<String> rows, List<String> disagreements) {

    static Meters of(List<ChaosWorkers.Life> lives, List<Outcome> outcomes) {
        List<String> rows = new ArrayList<>();
        List<String> disagreements = new ArrayList<>();
        for (ChaosWorkers.Life l : lives) {
            Map<String, Long> published = new TreeMap<>();
            for (Outcome o : outcomes) {
                String source = o.header(CloudEventHeaders.SOURCE);
                if (o.topic().endsWith(".results") && source != null && source.endsWith("/" + l.instanceId())) {
                    published.merge(o.isCompleted() ? "completed" : "failed", 1L, Long::sum);
                }
            }
            Map<String, Long> counted = l.counted();
            boolean compared = l.end().startsWith("SIGTERM") || l.end().equals("survivor");
            rows.add(l.instanceId() + " " + l.end() + ": counted " + counted + " published " + published
                    + (compared ? "" : " (not compared: SIGKILL)") + (l.metrics().isEmpty() ? " (no scrape)" : ""));
            if (compared && !withoutZeros(counted).equals(withoutZeros(published))) {
                disagreements.add(l.instanceId() + " " + l.end() + ": counted " + counted + ", published "
                        + published + " (log " + l.log() + ")");
            }
        }
        return new Meters(rows, disagreements);
    }

    private static Map<String, Long> withoutZeros(Map<String, Long> m) {
        Map<String, Long> out = new TreeMap<>(m);
        out.values().removeIf(v -> v == 0);
        return out;
    }

    String report() {
        return String.join("\n", rows);
    }
}
