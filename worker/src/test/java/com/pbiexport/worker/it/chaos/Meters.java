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
 * JVMs whose last scrape saw all they did (running at the end, scraped once every request was answered; stopped
 * by SIGTERM, scraped until the admin port stopped answering, after the drain): counted must EQUAL published, per
 * result, since {@code pbiexport.outcomes} counts an outcome once its event is acknowledged (committed, in
 * exactly-once mode). An outcome that never commits in a JVM (its partition moved first) is counted by the next
 * owner, which publishes it. Before that rule, seeds 1 and 3 found JVMs that counted more than they published.
 * SIGKILLed JVMs (last scrape just before the kill) are reported, not compared. Every outcome event must name a
 * JVM of the run.
 */
record Meters(List<String> rows, List<String> disagreements, long uncommitted) {

    static Meters of(List<ChaosWorkers.Life> lives, List<Outcome> outcomes) {
        List<String> rows = new ArrayList<>();
        List<String> disagreements = new ArrayList<>();
        long uncommitted = 0;
        for (ChaosWorkers.Life l : lives) {
            Map<String, Long> published = new TreeMap<>();
            for (Outcome o : outcomes) {
                String source = o.header(CloudEventHeaders.SOURCE);
                if (o.topic().endsWith(".results") && source != null && source.endsWith("/" + l.instanceId())) {
                    published.merge(o.isCompleted() ? "completed" : "failed", 1L, Long::sum);
                }
            }
            Map<String, Long> counted = l.counted();
            boolean compared = l.end().equals("survivor") || l.end().startsWith("SIGTERM");
            long excess = sum(counted) - sum(published);
            if (compared) {
                uncommitted += excess;
            }
            rows.add(l.instanceId() + " " + l.end() + ": counted " + counted + " published " + published
                    + (compared ? " (must be equal; counted minus published: " + excess + ")"
                    : " (not compared: SIGKILL)") + (l.metrics().isEmpty() ? " (no scrape)" : ""));
            boolean agree = !compared || published.entrySet().stream()
                    .allMatch(e -> counted.getOrDefault(e.getKey(), 0L).equals(e.getValue()))
                    && counted.entrySet().stream().allMatch(e -> e.getValue() == 0L
                    || e.getValue().equals(published.get(e.getKey())));
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
        return new Meters(rows, disagreements, uncommitted);
    }

    private static long sum(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }

    String report() {
        return String.join("\n", rows);
    }
}
