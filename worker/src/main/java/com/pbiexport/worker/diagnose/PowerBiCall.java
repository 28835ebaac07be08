package com.pbiexport.worker.diagnose;

import java.util.Arrays;
import java.util.Optional;

/**
 * The Power BI calls the worker and {@code doctor} make, as the classifier and {@link EvidenceRules} key on them: a 404
 * on a file route ({@link #POLL}, {@link #DOWNLOAD}) may be an expired export, and only a 403 on {@link #START} is the
 * export-forbidden ambiguity. {@link #wireName()} is the name {@code powerbi.PowerBiClient} gives the call in its
 * failures ({@code PowerBiFailure.operation()}) and the one messages and the {@code operation} metric tag show.
 */
public enum PowerBiCall {
    /** {@code POST .../reports/{id}/ExportTo}. */
    START("start"),
    /** {@code GET .../reports/{id}/exports/{exportId}}. */
    POLL("poll"),
    /** {@code GET .../reports/{id}/exports/{exportId}/file}. */
    DOWNLOAD("download"),
    /** {@code GET .../groups/{ws}/reports/{id}}. */
    GET_REPORT("getReport"),
    /** {@code GET /v1.0/myorg/reports/{id}}: the My-workspace route a service principal cannot use (doctor only). */
    GET_MY_WORKSPACE_REPORT("getReport (My workspace)"),
    /** {@code GET .../groups}. */
    LIST_GROUPS("listGroups"),
    /** {@code GET .../admin/groups}: the read-only admin API. */
    LIST_GROUPS_AS_ADMIN("listGroupsAsAdmin"),
    /** {@code GET .../capacities}. */
    LIST_CAPACITIES("listCapacities");

    private final String wireName;

    PowerBiCall(String wireName) {
        this.wireName = wireName;
    }

    /** The call's name in failures, messages and metrics: {@code start}, {@code poll}, {@code getReport}... */
    public String wireName() {
        return wireName;
    }

    /** Whether a 404 on this call may mean the export's file expired (the file routes). */
    boolean isFileRoute() {
        return this == POLL || this == DOWNLOAD;
    }

    /** The call a {@code PowerBiFailure.operation()} names, if it is one of these. */
    public static Optional<PowerBiCall> fromWireName(String wireName) {
        return Arrays.stream(values()).filter(c -> c.wireName.equals(wireName)).findFirst();
    }
}
