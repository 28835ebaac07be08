package com.pbiexport.worker.jobstate;

import com.pbiexport.worker.export.JobResult;
import com.pbiexport.worker.export.StartListener;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** What {@link JobStates#plan} decided for a valid request. */
public sealed interface JobPlan permits JobPlan.AlreadyAnswered, JobPlan.Export, JobPlan.Poisoned {

    /** Answered before (state "done"; its offset was not committed when the partition moved): finish, no answer. */
    record AlreadyAnswered() implements JobPlan { }

    /**
     * Run the export: resume {@code resumeFrom} (poll its exportId, no ExportTo) when present, else start it;
     * tell {@code onStarted} around each ExportTo; publish the result with {@code answer}, which completes once the
     * outcome and its "done" state are durable. Run it only once {@code claimed} completes: this owner's claim on
     * the request is then durable, so a crash while it runs counts against the request (see {@link CrashClaims}).
     */
    record Export(Optional<JobState> resumeFrom, StartListener onStarted,
                  Function<JobResult, CompletableFuture<Void>> answer, CompletableFuture<Void> claimed)
            implements JobPlan {
        /** Without a claim to wait for. */
        public Export(Optional<JobState> resumeFrom, StartListener onStarted,
                      Function<JobResult, CompletableFuture<Void>> answer) {
            this(resumeFrom, onStarted, answer, CompletableFuture.completedFuture(null));
        }
    }

    /**
     * Owners died with this request in flight {@code crashes.size()} times in a row: do not run it; answer it as
     * {@code POISON_REQUEST} with {@code message} (what was seen, how to inspect and replay it). {@code answer}
     * publishes the given {@code ExportFailed} with the request's "done" state, completing once both are durable.
     */
    record Poisoned(List<Instant> crashes, String message, Function<Object, CompletableFuture<Void>> answer)
            implements JobPlan { }
}
