package com.pbiexport.worker.jobstate;

import com.pbiexport.worker.export.JobResult;
import com.pbiexport.worker.export.StartListener;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** What {@link JobStates#plan} decided for a valid request. */
public sealed interface JobPlan permits JobPlan.AlreadyAnswered, JobPlan.Export {

    /** Answered before (state "done"; its offset was not committed when the partition moved): finish, no answer. */
    record AlreadyAnswered() implements JobPlan { }

    /**
     * Run the export: resume {@code resumeFrom} (poll its exportId, no ExportTo) when present, else start it;
     * tell {@code onStarted} around each ExportTo; publish the result with {@code answer}, which completes once the
     * outcome and its "done" state are durable.
     */
    record Export(Optional<JobState> resumeFrom, StartListener onStarted,
                  Function<JobResult, CompletableFuture<Void>> answer) implements JobPlan { }
}
