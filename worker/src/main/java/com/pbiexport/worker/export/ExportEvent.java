package com.pbiexport.worker.export;

import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.worker.powerbi.ExportJob;
import com.pbiexport.worker.storage.SinkResult;

import java.time.Duration;

/** What moves an export from one {@link ExportState} to the next (see {@link Transitions}). */
sealed interface ExportEvent {

    /** The admission scheduler gave the export a slot and a capacity permit. */
    record Admitted() implements ExportEvent { }

    /** Power BI accepted ExportTo; the first poll is due in {@code firstPollIn}. */
    record Accepted(String exportId, Duration firstPollIn) implements ExportEvent { }

    /** A poll saw NotStarted or Running; the next is due in {@code nextPollIn}. */
    record StillRunning(Duration nextPollIn) implements ExportEvent { }

    /** A poll saw Succeeded: the file can be downloaded. */
    record Succeeded(ExportJob job) implements ExportEvent { }

    /** Back to admission after {@code after} (429 on start, Failed with Retry-After, a resumed export gone). */
    record Restart(ExportState.Why why, Duration after) implements ExportEvent { }

    /** The same call again after {@code after} (a 429 on poll or download, a transient failure, a token wait). */
    record Retry(Duration after) implements ExportEvent { }

    /** The file is in the sink. */
    record Stored(SinkResult file) implements ExportEvent { }

    /** The export ends in a classified failure. */
    record Failed(Diagnosis diagnosis) implements ExportEvent { }
}
