package com.pbiexport.worker.export;

import com.pbiexport.worker.export.ExportState.Admitting;
import com.pbiexport.worker.export.ExportState.Downloading;
import com.pbiexport.worker.export.ExportState.Polling;
import com.pbiexport.worker.export.ExportState.Starting;

import java.time.Duration;

/** The export lifecycle's transition table: a pure function, no I/O, no clock (what to do in a state is the run's). */
final class Transitions {
    private Transitions() {
    }

    /** @throws IllegalStateException for an event the state does not accept (a bug in the run, never Power BI's) */
    static ExportState next(ExportState from, ExportEvent event) {
        if (from.terminal()) {
            throw illegal(from, event);
        }
        if (event instanceof ExportEvent.Failed f) {
            return new ExportState.Failed(f.diagnosis());
        }
        if (event instanceof ExportEvent.Retry r) {
            return retry(from, r.after(), event);
        }
        if (from instanceof Admitting && event instanceof ExportEvent.Admitted) {
            return new Starting(Duration.ZERO);
        }
        if (from instanceof Starting && event instanceof ExportEvent.Accepted a) {
            return new Polling(a.exportId(), a.firstPollIn(), false);
        }
        if (from instanceof Starting && event instanceof ExportEvent.Restart r && r.why() == ExportState.Why.THROTTLED) {
            return new Admitting(r.why(), r.after());
        }
        if (from instanceof Polling p && event instanceof ExportEvent.StillRunning s) {
            return new Polling(p.exportId(), s.nextPollIn(), false);
        }
        if (from instanceof Polling && event instanceof ExportEvent.Succeeded s) {
            return new Downloading(s.job(), Duration.ZERO);
        }
        if (from instanceof Polling p && event instanceof ExportEvent.Restart r
                && (r.why() == ExportState.Why.BUSY || (r.why() == ExportState.Why.GONE && p.resumed()))) {
            return new Admitting(r.why(), r.after());
        }
        if (from instanceof Downloading && event instanceof ExportEvent.Restart r
                && r.why() == ExportState.Why.EXPIRING) {
            return new Admitting(r.why(), r.after());
        }
        if (from instanceof Downloading && event instanceof ExportEvent.Stored s) {
            return new ExportState.Stored(s.file());
        }
        throw illegal(from, event);
    }

    private static ExportState retry(ExportState from, Duration after, ExportEvent event) {
        if (from instanceof Starting) {
            return new Starting(after);
        }
        if (from instanceof Polling p) {
            return new Polling(p.exportId(), after, p.resumed());
        }
        if (from instanceof Downloading d) {
            return new Downloading(d.job(), after);
        }
        throw illegal(from, event);
    }

    private static IllegalStateException illegal(ExportState from, ExportEvent event) {
        return new IllegalStateException("no transition from " + from + " on " + event);
    }
}
