package com.pbiexport.worker.export.limits;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RenderForecastTest {
    private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
    private static final Duration RA = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofSeconds(60);
    private static final Duration RTT = Duration.ofMillis(4);

    /**
     * An export as the service renders it: created at T0 (server clock {@code serverAhead} ahead of ours),
     * NotStarted for {@code queuedMs}, then Running with linear progress rounded down for {@code renderMs}.
     */
    private record Export(long queuedMs, long renderMs, Duration serverAhead) {
        Instant runningAt() {
            return T0.plusMillis(queuedMs);
        }

        Instant endAt() {
            return runningAt().plusMillis(renderMs);
        }

        int percentAt(Instant localTime) {
            long elapsed = Duration.between(runningAt(), localTime).toMillis();
            return (int) Math.max(0, Math.min(99, elapsed * 100 / renderMs));
        }
    }

    /** One export polled to the end: returns the poll times (our clock), the last one being the one that saw it end. */
    private static List<Instant> pollToEnd(RenderForecast f, Export e) {
        Instant sent = T0.minus(RTT);
        f.started(sent, T0.plus(RTT), Optional.of(T0.plus(e.serverAhead())));
        List<Instant> polls = new ArrayList<>();
        Instant at = T0.plus(RTT).plus(RA);
        for (int i = 0; i < 1000; i++) {
            polls.add(at);
            Instant answered = at.plus(RTT);
            Instant serverSeesAt = at.plus(RTT.dividedBy(2));
            if (!serverSeesAt.isBefore(e.endAt())) {
                f.notRunning();
                return polls;
            }
            if (serverSeesAt.isBefore(e.runningAt())) {
                f.notRunning();
            } else {
                f.running(at, answered, Optional.of(e.runningAt().plus(e.serverAhead())), e.percentAt(serverSeesAt));
            }
            Instant next = f.nextPoll(answered, RA, MAX);
            assertThat(next).as("never earlier than Retry-After").isAfterOrEqualTo(answered.plus(RA));
            at = next;
        }
        throw new AssertionError("the export never ended");
    }

    private static long lagMillis(List<Instant> polls, Export e) {
        return Duration.between(e.endAt(), polls.get(polls.size() - 1)).toMillis();
    }

    @Test
    void placesThePollThatSeesTheEndJustAfterTheEnd() {
        Export e = new Export(1000, 10_000, Duration.ZERO);
        RenderForecast f = new RenderForecast(true);

        List<Instant> polls = pollToEnd(f, e);

        assertThat(lagMillis(polls, e)).isBetween(0L, 150L);
        assertThat(f.forecastPolls()).isEqualTo(1);
        assertThat(f.misses()).isZero();
    }

    @Test
    void withoutForecastTheEndIsSeenUpToOneRetryAfterLate() {
        Random random = new Random(7);
        long forecastLag = 0;
        long plainLag = 0;
        for (int i = 0; i < 200; i++) {
            Export e = new Export(1000, 9_000 + random.nextInt(2_000), Duration.ZERO);
            forecastLag += lagMillis(pollToEnd(new RenderForecast(true), e), e);
            long plain = lagMillis(pollToEnd(new RenderForecast(false), e), e);
            assertThat(plain).isBetween(0L, RA.toMillis() + 10);
            plainLag += plain;
        }
        assertThat(plainLag / 200).as("plain Retry-After polling: about half a Retry-After").isBetween(300L, 700L);
        assertThat(forecastLag / 200).as("forecast polling").isLessThan(100L);
    }

    @Test
    void neverPollsBeforeTheEndItForecastsUnderTheModel() {
        Random random = new Random(11);
        for (int i = 0; i < 500; i++) {
            Export e = new Export(500 + random.nextInt(1_000), 1_000 + random.nextInt(60_000), Duration.ZERO);
            RenderForecast f = new RenderForecast(true);

            List<Instant> polls = pollToEnd(f, e);

            assertThat(f.misses()).as("a forecast poll that still saw Running, export %s", e).isZero();
            assertThat(lagMillis(polls, e)).isLessThanOrEqualTo(RA.toMillis() + 10);
        }
    }

    @Test
    void calibratesAServerClockThatIsAheadOfOurs() {
        Export e = new Export(1000, 10_000, Duration.ofSeconds(3));
        RenderForecast f = new RenderForecast(true);

        List<Instant> polls = pollToEnd(f, e);

        assertThat(f.misses()).isZero();
        assertThat(lagMillis(polls, e)).isBetween(0L, 150L);
    }

    @Test
    void pollsAtTheMinimumWaitWhileTheBoundsAreLoose() {
        RenderForecast f = new RenderForecast(true);
        f.started(T0, T0.plusMillis(5), Optional.of(T0));
        Instant polled = T0.plusMillis(1500);
        // 5 % after 0.5 s: the render takes between 8.3 and 10 s, too loose to place a poll on
        f.running(polled, polled, Optional.of(T0.plusMillis(1000)), 5);

        assertThat(f.nextPoll(polled, RA, MAX)).isEqualTo(polled.plus(RA));
        assertThat(f.forecastPolls()).isZero();
    }

    @Test
    void delaysThePollToTheForecastEndWhenItFallsWithinTwoWaits() {
        RenderForecast f = new RenderForecast(true);
        f.started(T0, T0, Optional.of(T0));
        Instant runningAt = T0.plusSeconds(1);
        Instant polled = runningAt.plusMillis(8_550);
        f.running(polled, polled, Optional.of(runningAt), 85); // render between 9.94 and 10.06 s

        Instant next = f.nextPoll(polled, RA, MAX);

        assertThat(next).isAfter(polled.plus(RA)).isBetween(runningAt.plusMillis(10_058).plus(RenderForecast.MARGIN),
                runningAt.plusMillis(10_059).plus(RenderForecast.MARGIN));
    }

    @Test
    void neverDelaysBeyondTheMaximumWait() {
        RenderForecast f = new RenderForecast(true);
        f.started(T0, T0, Optional.of(T0));
        Instant polled = T0.plusMillis(8_550);
        f.running(polled, polled, Optional.of(T0), 85);

        assertThat(f.nextPoll(polled, RA, Duration.ofMillis(1200))).isEqualTo(polled.plus(RA));
    }

    @Test
    void aForecastPollThatStillSeesRunningSwitchesForecastingOff() {
        RenderForecast f = new RenderForecast(true);
        f.started(T0, T0, Optional.of(T0));
        Instant polled = T0.plusMillis(8_550);
        f.running(polled, polled, Optional.of(T0), 85);
        Instant forecastPoll = f.nextPoll(polled, RA, MAX);

        f.running(forecastPoll, forecastPoll, Optional.of(T0), 99); // slower than it promised
        Instant after = forecastPoll.plusMillis(5);

        assertThat(f.misses()).isEqualTo(1);
        assertThat(f.forecastEnd()).isEmpty();
        assertThat(f.nextPoll(after, RA, MAX)).isEqualTo(after.plus(RA));
    }

    @Test
    void progressThatContradictsItselfSwitchesForecastingOff() {
        RenderForecast f = new RenderForecast(true);
        f.started(T0, T0, Optional.of(T0));
        f.running(T0.plusSeconds(1), T0.plusSeconds(1), Optional.of(T0), 10); // render about 10 s
        f.running(T0.plusSeconds(2), T0.plusSeconds(2), Optional.of(T0), 80); // ... now about 2.5 s: not linear

        assertThat(f.forecastEnd()).isEmpty();
        assertThat(f.nextPoll(T0.plusSeconds(2), RA, MAX)).isEqualTo(T0.plusSeconds(3));
    }

    @Test
    void aMovingLastActionDateTimeSwitchesForecastingOff() {
        RenderForecast f = new RenderForecast(true);
        f.started(T0, T0, Optional.of(T0));
        f.running(T0.plusSeconds(5), T0.plusSeconds(5), Optional.of(T0), 50);
        f.running(T0.plusSeconds(6), T0.plusSeconds(6), Optional.of(T0.plusSeconds(6)), 60);

        assertThat(f.forecastEnd()).isEmpty();
    }

    @Test
    void anExportResumedWithoutItsStartCallIsNotForecast() {
        RenderForecast f = new RenderForecast(true);
        Instant polled = T0.plusMillis(8_550);
        f.running(polled, polled, Optional.of(T0), 85);

        assertThat(f.forecastEnd()).isEmpty();
        assertThat(f.nextPoll(polled, RA, MAX)).isEqualTo(polled.plus(RA));
    }

    @Test
    void aDisabledForecastAlwaysAnswersTheMinimumWait() {
        RenderForecast f = new RenderForecast(false);
        f.started(T0, T0, Optional.of(T0));
        Instant polled = T0.plusMillis(8_550);
        f.running(polled, polled, Optional.of(T0), 85);

        assertThat(f.nextPoll(polled, RA, MAX)).isEqualTo(polled.plus(RA));
        assertThat(f.forecastPolls()).isZero();
    }

    @Test
    void aRestartForgetsTheFormerExportsBounds() {
        RenderForecast f = new RenderForecast(true);
        f.started(T0, T0, Optional.of(T0));
        f.running(T0.plusMillis(8_550), T0.plusMillis(8_550), Optional.of(T0), 85);
        Instant restart = T0.plusSeconds(20);

        f.started(restart, restart, Optional.of(restart));

        assertThat(f.forecastEnd()).isEmpty();
    }
}
