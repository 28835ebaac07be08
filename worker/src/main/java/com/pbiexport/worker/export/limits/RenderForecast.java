package com.pbiexport.worker.export.limits;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Forecasts when one running export finishes, from what its status polls report, so that the poll that sees it
 * finished lands just after that moment instead of anywhere up to one Retry-After later. The capacity permit of
 * an export is given back only when a poll sees it finished, so every millisecond between "Power BI finished"
 * and "we saw it" is a capacity slot left idle: with polls spaced by Retry-After alone that is half a Retry-After
 * on average (0.5 s of every 11 s export in the benchmark, a 4.5 % loss).
 * <p>
 * Model: while {@code Running}, {@code lastActionDateTime} is when rendering started and {@code percentComplete}
 * is the rendered share rounded down. A poll that saw {@code p} % (1..99) after {@code e} ms of rendering proves
 * {@code 100 e / (p + 1) < render <= 100 e / p}; the bounds of all polls are intersected (using the send time for
 * the lower and the receive time for the upper bound, so network time never narrows them wrongly). Power BI's
 * server clock is mapped onto ours by the smallest shift that puts the export's {@code createdDateTime} inside
 * the start call's send/receive window (zero when the clocks agree).
 * <p>
 * Never earlier than Retry-After: {@link #nextPoll} only ever <em>delays</em> a poll beyond the minimum wait,
 * never advances it. It delays the next poll to the forecast end (upper bound plus a small margin) when that end
 * falls within two minimum waits and the bounds are tighter than half a wait (so the forecast poll is expected
 * to be better than the unaided one). Self-checking: a forecast poll that still sees {@code Running}, bounds that
 * contradict each other, a {@code lastActionDateTime} that moves, or an export resumed without its start call
 * switch forecasting off for the export, which then polls at Retry-After spacing as before (a miss costs at most
 * one Retry-After, once). Not thread-safe: an export's steps never run concurrently.
 */
public final class RenderForecast {
    /** After the forecast end: covers the timer's own lateness being negative (it never is) and clock rounding. */
    static final Duration MARGIN = Duration.ofMillis(15);

    private final boolean enabled;
    private boolean off;
    private Duration serverAhead = Duration.ZERO;
    private boolean calibrated;
    private Instant runningSince; // in our clock
    private Instant serverRunningSince; // as Power BI reported it, to notice it moving
    private double lowerMs; // render time is more than this
    private double upperMs = Double.POSITIVE_INFINITY; // ... and at most this
    private boolean forecastPollPending;
    private long forecastPolls;
    private long misses;

    /** @param enabled false: {@link #nextPoll} always answers the minimum wait (plain Retry-After polling) */
    public RenderForecast(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The start call was sent at {@code sentAt} and answered at {@code answeredAt} (our clock) with the export's
     * {@code createdDateTime} (Power BI's clock): calibrates the clock offset. Without it, no forecast is made.
     */
    public void started(Instant sentAt, Instant answeredAt, Optional<Instant> createdDateTime) {
        reset();
        if (createdDateTime.isEmpty()) {
            return;
        }
        Instant created = createdDateTime.get();
        Instant local = created.isBefore(sentAt) ? sentAt : created.isAfter(answeredAt) ? answeredAt : created;
        serverAhead = Duration.between(local, created);
        calibrated = true;
    }

    /** A poll sent at {@code sentAt}, answered at {@code answeredAt}, saw the export {@code Running}. */
    public void running(Instant sentAt, Instant answeredAt, Optional<Instant> lastActionDateTime, int percentComplete) {
        if (forecastPollPending) {
            forecastPollPending = false;
            misses++;
            off = true; // the forecast was wrong for this export: do not trust it again
            return;
        }
        if (off || !calibrated || lastActionDateTime.isEmpty()) {
            return;
        }
        Instant serverSince = lastActionDateTime.get();
        if (serverRunningSince != null && !serverRunningSince.equals(serverSince)) {
            off = true; // lastActionDateTime is not the start of rendering here: the model does not hold
            return;
        }
        serverRunningSince = serverSince;
        runningSince = serverSince.minus(serverAhead);
        if (percentComplete < 1 || percentComplete > 99) {
            return;
        }
        double lo = 100.0 * Duration.between(runningSince, sentAt).toNanos() / 1e6 / (percentComplete + 1);
        double hi = 100.0 * Duration.between(runningSince, answeredAt).toNanos() / 1e6 / percentComplete;
        if (hi <= 0) {
            off = true; // rendering "started" after we heard about it: the clocks disagree beyond calibration
            return;
        }
        lowerMs = Math.max(lowerMs, lo);
        upperMs = Math.min(upperMs, hi);
        if (lowerMs > upperMs) {
            off = true; // progress is not linear (or not rounded down): fall back to Retry-After spacing
        }
    }

    /** A poll saw the export in any state but {@code Running} (NotStarted, or finished). */
    public void notRunning() {
        forecastPollPending = false;
    }

    /**
     * When to poll next: {@code now + minimumWait} (Retry-After, or the fallback interval), or later, at the
     * forecast end, when that is expected to see the export finished sooner after it finished. Never later than
     * {@code now + maximumWait}.
     */
    public Instant nextPoll(Instant now, Duration minimumWait, Duration maximumWait) {
        Instant earliest = now.plus(minimumWait);
        if (!enabled || off || runningSince == null || Double.isInfinite(upperMs)) {
            return earliest;
        }
        Instant end = runningSince.plusNanos((long) (upperMs * 1e6)).plus(MARGIN);
        double widthMs = upperMs - lowerMs;
        boolean tight = widthMs < minimumWait.toMillis() / 2.0;
        boolean withinTwoWaits = !end.isAfter(earliest.plus(minimumWait));
        Instant latest = now.plus(maximumWait);
        if (!end.isAfter(earliest) || !tight || !withinTwoWaits || end.isAfter(latest)) {
            return earliest;
        }
        forecastPollPending = true;
        forecastPolls++;
        return end;
    }

    /** Polls placed at a forecast end so far (for tests and diagnostics). */
    public long forecastPolls() {
        return forecastPolls;
    }

    /** Forecast polls that still saw the export running (each switched forecasting off for its export). */
    public long misses() {
        return misses;
    }

    /** The forecast end of rendering in our clock (upper bound), when there is one. */
    public Optional<Instant> forecastEnd() {
        if (off || runningSince == null || Double.isInfinite(upperMs)) {
            return Optional.empty();
        }
        return Optional.of(runningSince.plusNanos((long) (upperMs * 1e6)));
    }

    private void reset() {
        off = false;
        calibrated = false;
        serverAhead = Duration.ZERO;
        runningSince = null;
        serverRunningSince = null;
        lowerMs = 0;
        upperMs = Double.POSITIVE_INFINITY;
        forecastPollPending = false;
    }
}
