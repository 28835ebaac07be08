package com.pbiexport.worker.config;

import java.util.Objects;

/**
 * Topic names, and whether the worker creates missing topics at start-up.
 *
 * @param create {@code topics.create}: create missing topics (job state compacted, as many partitions as requests)
 */
public record Topics(String requests, String results, String jobState, String deadLetter, boolean create) {
    // the defaults are the contract's names (asyncapi.yaml): one definition, in contracts
    public static final String DEFAULT_REQUESTS = com.pbiexport.contracts.Topics.REQUESTS;
    public static final String DEFAULT_RESULTS = com.pbiexport.contracts.Topics.RESULTS;
    public static final String DEFAULT_JOB_STATE = com.pbiexport.contracts.Topics.JOB_STATE;
    public static final String DEFAULT_DEAD_LETTER = com.pbiexport.contracts.Topics.DEAD_LETTER;

    public Topics {
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(jobState, "jobState");
        Objects.requireNonNull(deadLetter, "deadLetter");
    }

    /** Names only; missing topics are not created. */
    public Topics(String requests, String results, String jobState, String deadLetter) {
        this(requests, results, jobState, deadLetter, false);
    }

    public static Topics defaults() {
        return new Topics(DEFAULT_REQUESTS, DEFAULT_RESULTS, DEFAULT_JOB_STATE, DEFAULT_DEAD_LETTER);
    }
}
