package com.pbiexport.worker.diagnose.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code sink} line: every configured sink ({@code sinks.targets.<alias>}) ready, as the worker's start-up
 * checks find it (a filesystem root writable, a blob container that exists, an S3
 * bucket answering HeadBucket, an SMTP server that secures the connection and accepts the login). Every broken sink
 * is listed. The doctor only looks: a missing blob container is reported, never created (the worker creates it at
 * start-up), and no mail is sent.
 */
public final class SinkCheck {

    private SinkCheck() {
    }

    /**
     * @param sinks per alias in configuration order: what the sink is ({@code describe()}) and, when it is not
     *              ready, why
     */
    public static CheckResult result(Map<String, Readiness> sinks) {
        if (sinks.isEmpty()) {
            return CheckResult.fail(DoctorCheck.SINK, "no sink configured",
                    "configure at least one sink under sinks.targets");
        }
        List<String> ok = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        sinks.forEach((alias, r) -> {
            String line = alias + " (" + r.describe() + ")";
            r.problem().ifPresentOrElse(p -> broken.add(line + ": " + p), () -> ok.add(line));
        });
        if (broken.isEmpty()) {
            return CheckResult.pass(DoctorCheck.SINK, "ready: " + String.join(", ", ok));
        }
        return CheckResult.fail(DoctorCheck.SINK, "not ready: " + String.join("; ", broken),
                "make each named sinks.targets.<alias> usable: a filesystem root an existing, writable directory "
                        + "for the worker's user; a blob container that exists and is reachable with the configured connection "
                        + "string (create it, or start the worker, which creates a missing one); an S3 "
                        + "bucket that exists and that the worker's credentials may write; an SMTP server reachable with the "
                        + "configured security, trust store and login, accepting messages of attachmentMaxBytes");
    }

    /** One sink: what it is and, when not ready, why. */
    public record Readiness(String describe, Optional<String> problem) {
    }
}
