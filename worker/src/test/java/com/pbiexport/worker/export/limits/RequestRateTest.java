package com.pbiexport.worker.export.limits;

import com.pbiexport.devstack.sim.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RequestRateTest {

    @Test
    void allowsABurstOfOneSecondThenSpacesCallsAtTheRate() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        RequestRate rate = new RequestRate(10, clock);
        for (int i = 0; i < 10; i++) {
            assertThat(rate.reserve("a")).isZero();
        }
        assertThat(rate.reserve("a")).isEqualTo(Duration.ofMillis(100));
        assertThat(rate.reserve("a")).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void waitingCallersQueueBehindEachOtherSoTheRateHoldsWhateverTheirNumber() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        RequestRate rate = new RequestRate(10, clock);
        Duration last = Duration.ZERO;
        for (int i = 0; i < 1010; i++) {
            last = rate.reserve("a");
        }
        // 1,010 calls at 10/s with a burst of 10: the last may go 100 s later
        assertThat(last).isEqualTo(Duration.ofSeconds(100));
    }

    @Test
    void refillsWithTimeAndKeepsTenantsApart() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        RequestRate rate = new RequestRate(2, clock);
        rate.reserve("a");
        rate.reserve("a");
        assertThat(rate.reserve("a")).isEqualTo(Duration.ofMillis(500));
        assertThat(rate.reserve("b")).isZero();
        clock.advance(Duration.ofSeconds(2));
        assertThat(rate.reserve("a")).isZero();
    }

    @Test
    void zeroMeansUnlimited() {
        RequestRate rate = new RequestRate(0, new ManualClock(Instant.parse("2026-01-01T00:00:00Z")));
        for (int i = 0; i < 10_000; i++) {
            assertThat(rate.reserve("a")).isZero();
        }
    }
}
