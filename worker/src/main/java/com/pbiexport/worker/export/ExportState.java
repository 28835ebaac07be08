package com.pbiexport.worker.export;

import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.worker.export.ExportObserver.Stage;
import com.pbiexport.worker.powerbi.ExportJob;
import com.pbiexport.worker.storage.SinkResult;

import java.time.Duration;
import java.util.Objects;

/**
 * Where one export stands. {@link Transitions#next} is the only way from one state to the next; each non-terminal
 * state names the call it makes and {@code after} how long it waits first (Retry-After, a back-off, zero).
 * <pre>
 * Admitting --Admitted--&gt; Starting --Accepted--&gt; Polling --Succeeded--&gt; Downloading --Stored--&gt; Stored
 * Starting  --Restart(THROTTLED)--&gt; Admitting   429 on ExportTo: wait out Retry-After in the queue
 * Polling   --Restart(BUSY)-------&gt; Admitting   Failed with Retry-After: start the export again
 * Polling   --Restart(GONE)-------&gt; Admitting   a resumed export Power BI no longer knows
 * Downloading --Restart(EXPIRING)-&gt; Admitting   the file's URL would expire (24 h) before it is stored
 * Polling   --StillRunning--------&gt; Polling     the next poll as PollSpacing says
 * Starting | Polling | Downloading --Retry--&gt; the same state after a wait (429, 5xx, transport, token wait)
 * any state but Stored/Failed --Failed--&gt; Failed (deadline, budget spent, permanent failure)
 * </pre>
 */
sealed interface ExportState {

    /** The stage the metrics count this state in; none once terminal. */
    Stage stage();

    default boolean terminal() {
        return stage() == null;
    }

    /** Why an export waits for admission (a slot of the instance and a permit of its capacity). */
    enum Why {
        /** Its first start (or a resumed export's first start of its own). */
        FIRST,
        /** ExportTo was answered 429: the capacity's starts wait out Retry-After; this one goes first after. */
        THROTTLED,
        /** Power BI reported it Failed with Retry-After: the whole export starts again, behind those waiting. */
        BUSY,
        /** A resumed export Power BI no longer knows (4xx on its first poll): start a new one. */
        GONE,
        /**
         * The file of a Succeeded export would expire (its URL is valid 24 hours) before it is stored, e.g. a resumed
         * export found Succeeded long ago, or downloads retried for hours: export it again rather than lose it.
         */
        EXPIRING
    }

    record Admitting(Why why, Duration after) implements ExportState {
        public Admitting {
            Objects.requireNonNull(why);
            Objects.requireNonNull(after);
        }

        @Override
        public Stage stage() {
            return Stage.QUEUED;
        }
    }

    /** ExportTo, after {@code after}. */
    record Starting(Duration after) implements ExportState {
        @Override
        public Stage stage() {
            return Stage.STARTING;
        }
    }

    /** The status of {@code exportId}, after {@code after}; {@code resumed} until a resumed export's first answer. */
    record Polling(String exportId, Duration after, boolean resumed) implements ExportState {
        public Polling {
            Objects.requireNonNull(exportId);
        }

        @Override
        public Stage stage() {
            return Stage.RENDERING;
        }
    }

    /** The file of a Succeeded export, streamed into the sink (download and store are one streaming step). */
    record Downloading(ExportJob job, Duration after) implements ExportState {
        @Override
        public Stage stage() {
            return Stage.DOWNLOADING;
        }
    }

    /** Terminal: the file is stored. */
    record Stored(SinkResult file) implements ExportState {
        @Override
        public Stage stage() {
            return null;
        }
    }

    /** Terminal: the export failed, classified. */
    record Failed(Diagnosis diagnosis) implements ExportState {
        @Override
        public Stage stage() {
            return null;
        }
    }
}
