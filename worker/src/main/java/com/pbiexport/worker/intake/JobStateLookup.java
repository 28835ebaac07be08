package com.pbiexport.worker.intake;

import com.pbiexport.worker.publish.JobState;

import java.util.Optional;

/** The last known state of a request's export, if one was recorded and not yet ended by a tombstone. */
@FunctionalInterface
public interface JobStateLookup {
    Optional<JobState> find(String requestId);

    /**
     * Whether states of request partition {@code partition} can be written: false when the job-state topic has
     * no partition with that number (a send there would block on metadata for {@code max.block.ms}).
     */
    default boolean writable(int partition) {
        return true;
    }

    JobStateLookup NONE = requestId -> Optional.empty();
}
