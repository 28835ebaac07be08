package com.pbiexport.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Where the time of a completed export went, in milliseconds.
 *
 * @param queuedMs   from receipt to the first ExportTo call (waiting for limits and permits)
 * @param renderMs   from the first ExportTo to status Succeeded, across attempts
 * @param downloadMs streaming the file into the sink
 * @param totalMs    from receipt to stored
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Timings(long queuedMs, long renderMs, long downloadMs, long totalMs) {
}
