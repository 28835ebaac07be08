package com.pbiexport.worker.intake;

import com.pbiexport.worker.publish.JobState;

import java.util.Optional;

/** The last known state of a request's export, if one was recorded and not yet ended by a tombstone. */
@FunctionalInterface
public interface JobStateLookup {
    Optional<JobState> find(String requestId);

    JobStateLookup NONE = requestId -> Optional.empty();
}
