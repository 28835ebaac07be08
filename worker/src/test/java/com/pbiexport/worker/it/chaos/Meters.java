package com.pbiexport.worker.it.chaos;

import com.pbiexport.contracts.CloudEventHeaders;
import com.pbiexport.worker.it.Outcome;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome meters of each worker JVM against the outcome events it published ({@code ce_source} ends with its
 * instance id; read {@code read_committed}, so aborted transactions do not count), per result (completed, failed).
 * <ul>
 *   <li>JVMs running at the end, scraped once every request was answered: counted must EQUAL published.</li>
 *   <li>JVMs stopped by SIGTERM, scraped until the admin port stopped answering (after the drain): counted must be
 *   AT LEAST published. {@code pbiexport.outcomes} is incremented when an export finishes, before its outcome is
 *   committed: an outcome whose transaction had not committed when the drain ended (the broker was down) is
 *   counted by this JVM and published by the partition's next owner, which counts it too. The excess is reported.
 *   </li>
 *   <li>SIGKILLed JVMs: the last scrape is from just before the kill; reported, not compared.</li>
 * </ul>
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
            boolean exact = l.end().equals("survivor");
            boolean atLeast = l.end().startsWith("SIGTERM");
            long excess = sum(counted) - sum(published);
            rows.add(l.instanceId() + " " + l.end() + ": counted " + counted + " published " + published
                    + (exact ? " (must be equal)" : atLeast ? " (counted >= published; counted, not published: "
                    + excess + ")" : " (not compared: SIGKILL)") + (l.metrics().isEmpty() ? " (no scrape)" : ""));
            boolean agree = exact ? withoutZeros(counted).equals(withoutZeros(published))
                    : !atLeast || published.entrySet().stream()
                    .allMatch(e -> counted.getOrDefault(e.getKey(), 0L) >= e.getValue());
            if (!agree) {
                disagreements.add(l.instanceId() + " " + l.end() + ": counted " + counted + ", published "
                        + published + " (log " + l.log() + ")");
            }
        }
        long unknown = outcomes.stream().filter(o -> o.topic().endsWith(".results")).map(o -> o.header(
                CloudEventHeaders.SOURCE)).filter(src -> lives.stream().noneMatch(l -> src != null
                && src.endsWith("/" + l.instanceId()))).count();
        if (unknown > 0) {
            disagreements.add(unknown + " outcome(s) published by no JVM of this run");
        }
        return new Meters(rows, disagreements);
    }

    private static long sum(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
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
