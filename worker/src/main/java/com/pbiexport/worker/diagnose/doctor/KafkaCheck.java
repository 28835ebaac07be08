package com.pbiexport.worker.diagnose.doctor;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code kafka} line: the broker answered at {@code kafka.bootstrapServers}, the four topics exist and fit (job
 * state compacted, at least as many partitions as the request topic), the consumer group is authorised, and in
 * exactly-once mode the transactional id is authorised on a broker that supports transactions. Every problem found
 * is listed (not only the first), each with its fix.
 */
public final class KafkaCheck {

    private KafkaCheck() {
    }

    public static CheckResult result(KafkaFindings f) {
        if (f.unreachable().isPresent()) {
            return CheckResult.fail(DoctorCheck.KAFKA, "no broker answered at kafka.bootstrapServers="
                    + f.bootstrapServers() + ": " + f.unreachable().get(), "check kafka.bootstrapServers (host:port "
                    + "of at least one broker, reachable from here) and the kafka.* security settings");
        }
        List<String> problems = new ArrayList<>(f.topicProblems());
        List<String> fixes = new ArrayList<>();
        if (!f.topicProblems().isEmpty()) {
            fixes.add("fix the topics as each problem says (or set topics.create=true to create missing ones)");
        }
        List<String> seen = new ArrayList<>();
        seen.add("broker " + f.broker() + " at " + f.bootstrapServers());
        seen.add(f.topicProblems().isEmpty() ? "the four topics exist; job state compacted with enough partitions"
                : "topics not fit");
        List<KafkaFindings.Probe> probes = new ArrayList<>();
        probes.add(f.group());
        f.transactionalId().ifPresent(probes::add);
        for (KafkaFindings.Probe p : probes) {
            if (p instanceof KafkaFindings.Denied d) {
                problems.add(d.detail());
                fixes.add(d.fix());
            } else if (p instanceof KafkaFindings.NotChecked n) {
                seen.add("not checked: " + n.detail());
            } else {
                seen.add(p.detail());
            }
        }
        if (f.transactionalId().isEmpty()) {
            seen.add("transactional id not needed (delivery.mode at-least-once)");
        }
        if (problems.isEmpty()) {
            return CheckResult.pass(DoctorCheck.KAFKA, String.join("; ", seen));
        }
        return CheckResult.fail(DoctorCheck.KAFKA, String.join("; ", problems), String.join("; ", fixes));
    }
}
