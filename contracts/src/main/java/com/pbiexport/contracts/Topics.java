package com.pbiexport.contracts;

/** Default topic names (the worker's configuration may rename them). See {@code asyncapi.yaml}. */
public final class Topics {

    /** Export requests. Key: the tenant alias (recommended: one tenant's limits then live on one worker). */
    public static final String REQUESTS = "pbi.export.requests";
    /** Outcomes (ExportCompleted, ExportFailed). Key: requestId. CloudEvents binary mode. */
    public static final String RESULTS = "pbi.export.results";
    /** Internal, compacted: where in-flight exports stand. Key: requestId. Not a public contract. */
    public static final String JOB_STATE = "pbi.export.jobstate";
    /** Records that could not be parsed at all. Original key and value, plus {@link DeadLetterHeaders}. */
    public static final String DEAD_LETTER = "pbi.export.deadletter";

    private Topics() {
    }
}
