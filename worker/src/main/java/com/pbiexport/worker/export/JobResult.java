package com.pbiexport.worker.export;

import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.worker.storage.SinkResult;

import java.util.List;
import java.util.Optional;

/** How one export ended: stored, or failed with a diagnosis. Every job ends in exactly one. */
public sealed interface JobResult permits JobResult.Stored, JobResult.Failed {

    ExportJobSpec spec();

    int attempts();

    /** Power BI {@code RequestId}s of the calls made for this job, oldest first (support asks for them). */
    List<String> powerBiRequestIds();

    record Stored(ExportJobSpec spec, SinkResult file, String exportId, Timings timings, int attempts,
                  List<String> powerBiRequestIds) implements JobResult { }

    record Failed(ExportJobSpec spec, Diagnosis diagnosis, Optional<String> exportId, int attempts,
                  List<String> powerBiRequestIds) implements JobResult { }

    /** Durations in milliseconds: waiting before Power BI accepted, rendering, downloading+storing, all. */
    record Timings(long queuedMs, long renderMs, long downloadMs, long totalMs) { }
}
