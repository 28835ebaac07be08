package com.pbiexport.worker.export;

import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.worker.export.ExportState.Admitting;
import com.pbiexport.worker.export.ExportState.Downloading;
import com.pbiexport.worker.export.ExportState.Polling;
import com.pbiexport.worker.export.ExportState.Starting;
import com.pbiexport.worker.export.ExportState.Why;
import com.pbiexport.worker.powerbi.ExportJob;
import com.pbiexport.worker.powerbi.ExportStatus;
import com.pbiexport.worker.storage.SinkResult;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static com.pbiexport.worker.export.Transitions.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every transition of the export lifecycle, and the events a state must refuse. */
class TransitionsTest {
    private static final Duration NOW = Duration.ZERO;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ExportJob JOB = new ExportJob("e-1", Optional.empty(), Optional.empty(),
            new ExportStatus.Succeeded(), 100, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty());
    private static final SinkResult FILE = new SinkResult(URI.create("memory:/f.pdf"), 3, "abc", "application/pdf",
            "f.pdf");
    private static final Diagnosis FAILURE = Diagnosis.of(ErrorCode.EXPORT_FAILED, "failed");

    @Test
    void anAdmittedExportStartsAtOnce() {
        assertThat(next(new Admitting(Why.FIRST, NOW), new ExportEvent.Admitted())).isEqualTo(new Starting(NOW));
    }

    @Test
    void anAcceptedStartPollsItsExportAfterTheFirstWait() {
        assertThat(next(new Starting(NOW), new ExportEvent.Accepted("e-1", WAIT)))
                .isEqualTo(new Polling("e-1", WAIT, false));
    }

    @Test
    void aThrottledStartQueuesForAdmissionAgain() {
        assertThat(next(new Starting(NOW), new ExportEvent.Restart(Why.THROTTLED, WAIT)))
                .isEqualTo(new Admitting(Why.THROTTLED, WAIT));
    }

    @Test
    void aRunningExportIsPolledAgainAndNoLongerCountsAsResumed() {
        assertThat(next(new Polling("e-1", NOW, true), new ExportEvent.StillRunning(WAIT)))
                .isEqualTo(new Polling("e-1", WAIT, false));
    }

    @Test
    void aSucceededExportIsDownloadedAtOnce() {
        assertThat(next(new Polling("e-1", NOW, false), new ExportEvent.Succeeded(JOB)))
                .isEqualTo(new Downloading(JOB, NOW));
    }

    @Test
    void aBusyFailedExportQueuesForAdmissionAfterRetryAfter() {
        assertThat(next(new Polling("e-1", NOW, false), new ExportEvent.Restart(Why.BUSY, WAIT)))
                .isEqualTo(new Admitting(Why.BUSY, WAIT));
    }

    @Test
    void onlyAResumedExportCanBeGone() {
        assertThat(next(new Polling("e-1", NOW, true), new ExportEvent.Restart(Why.GONE, NOW)))
                .isEqualTo(new Admitting(Why.GONE, NOW));
        assertThatThrownBy(() -> next(new Polling("e-1", NOW, false), new ExportEvent.Restart(Why.GONE, NOW)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void onlyAFileAboutToBeDownloadedCanBeExpiring() {
        assertThat(next(new Downloading(JOB, NOW), new ExportEvent.Restart(Why.EXPIRING, NOW)))
                .isEqualTo(new Admitting(Why.EXPIRING, NOW));
        assertThatThrownBy(() -> next(new Polling("e-1", NOW, true), new ExportEvent.Restart(Why.EXPIRING, NOW)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRetryMakesTheSameCallAgainAfterItsWaitKeepingWhatTheStateKnows() {
        ExportEvent retry = new ExportEvent.Retry(WAIT);
        assertThat(next(new Starting(NOW), retry)).isEqualTo(new Starting(WAIT));
        assertThat(next(new Polling("e-1", NOW, true), retry)).isEqualTo(new Polling("e-1", WAIT, true));
        assertThat(next(new Downloading(JOB, NOW), retry)).isEqualTo(new Downloading(JOB, WAIT));
    }

    @Test
    void aStoredFileEndsTheExport() {
        ExportState s = next(new Downloading(JOB, NOW), new ExportEvent.Stored(FILE));
        assertThat(s).isEqualTo(new ExportState.Stored(FILE));
        assertThat(s.terminal()).isTrue();
    }

    @Test
    void everyStateThatIsNotTerminalCanFail() {
        for (ExportState s : List.of(new Admitting(Why.FIRST, NOW), new Starting(NOW), new Polling("e", NOW, false),
                new Downloading(JOB, NOW))) {
            assertThat(next(s, new ExportEvent.Failed(FAILURE))).isEqualTo(new ExportState.Failed(FAILURE));
        }
    }

    @Test
    void terminalStatesAcceptNoEvent() {
        assertThatThrownBy(() -> next(new ExportState.Stored(FILE), new ExportEvent.Failed(FAILURE)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> next(new ExportState.Failed(FAILURE), new ExportEvent.Retry(WAIT)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void eventsOutOfPlaceAreRefused() {
        assertThatThrownBy(() -> next(new Polling("e", NOW, false), new ExportEvent.Admitted()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no transition from Polling");
        assertThatThrownBy(() -> next(new Admitting(Why.FIRST, NOW), new ExportEvent.Retry(WAIT)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> next(new Starting(NOW), new ExportEvent.Restart(Why.BUSY, WAIT)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> next(new Starting(NOW), new ExportEvent.Succeeded(JOB)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void eachStateCountsInItsStage() {
        assertThat(new Admitting(Why.BUSY, NOW).stage()).isEqualTo(ExportObserver.Stage.QUEUED);
        assertThat(new Starting(NOW).stage()).isEqualTo(ExportObserver.Stage.STARTING);
        assertThat(new Polling("e", NOW, false).stage()).isEqualTo(ExportObserver.Stage.RENDERING);
        assertThat(new Downloading(JOB, NOW).stage()).isEqualTo(ExportObserver.Stage.DOWNLOADING);
        assertThat(new ExportState.Failed(FAILURE).stage()).isNull();
    }
}
