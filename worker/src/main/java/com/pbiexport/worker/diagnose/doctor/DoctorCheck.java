package com.pbiexport.worker.diagnose.doctor;

import java.util.Arrays;
import java.util.List;

/**
 * The doctor's checks, in the order they are listed. {@link #KAFKA} and {@link #SINK} check the worker's own
 * infrastructure: they do not depend on any tenant, run once per {@code doctor} run, and are listed first. The rest
 * is the tenant chain ({@link #tenantChain()}): each link needs the ones before it, so the first failure ends the
 * explanation and every later tenant check is {@link CheckStatus#SKIP}. {@link #wireName()} is stable: scripts
 * read it from the {@code --json} output.
 */
public enum DoctorCheck {
    KAFKA("kafka", "broker reachable, topics fit, consumer group and transactional id authorised"),
    SINK("sink", "every configured sink ready"),
    CREDENTIALS("credentials", "credential present and readable"),
    PROXY("proxy", "Entra ID and Power BI reachable through the configured proxy, or direct"),
    TOKEN("token", "token acquired from Entra ID"),
    TOKEN_CLAIMS("token-claims", "token claims decoded; audience is this cloud's Power BI"),
    POWER_BI("powerbi", "Power BI reachable and accepts the token"),
    WORKSPACE("workspace", "service principal sees the workspace"),
    CAPACITY("capacity", "workspace on dedicated capacity"),
    REPORT("report", "report exists (and its type)"),
    FORMAT("format", "format allowed for the report type"),
    TRIAL("trial-export", "real export end to end (--trial)");

    private final String wireName;
    private final String title;

    DoctorCheck(String wireName, String title) {
        this.wireName = wireName;
        this.title = title;
    }

    /** The checks that depend on the tenant, in chain order (every check but {@link #KAFKA} and {@link #SINK}). */
    public static List<DoctorCheck> tenantChain() {
        return Arrays.stream(values()).filter(c -> c != KAFKA && c != SINK).toList();
    }

    /** The {@code name} in the JSON output, e.g. {@code token-claims}. */
    public String wireName() {
        return wireName;
    }

    /** What the check establishes, for the human checklist. */
    public String title() {
        return title;
    }
}
