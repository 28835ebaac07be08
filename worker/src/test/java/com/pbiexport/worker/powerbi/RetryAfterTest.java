package com.pbiexport.worker.powerbi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    final Clock clock = Clock.fixed(Instant.parse("2015-10-21T07:26:00Z"), ZoneOffset.UTC);

    @Test
    void readsDeltaSeconds() {
        assertThat(RetryAfter.parse("30", clock)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse(" 0 ", clock)).contains(Duration.ZERO);
    }

    @Test
    void keepsTheWholeDurationNotItsSecondsComponent() {
        // Microsoft's sample took TimeSpan.Seconds: 90 s became 30 s
        assertThat(RetryAfter.parse("90", clock)).contains(Duration.ofSeconds(90));
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:30 GMT", clock)).contains(Duration.ofSeconds(150));
    }

    @Test
    void readsAnHttpDateAgainstTheInjectedClock() {
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT", clock)).contains(Duration.ofMinutes(2));
    }

    @Test
    void aPastDateMeansNow() {
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:00:00 GMT", clock)).contains(Duration.ZERO);
    }

    @Test
    void absentNegativeOrGarbageIsEmptySoTheCallerFallsBack() {
        assertThat(RetryAfter.parse(null, clock)).isEmpty();
        assertThat(RetryAfter.parse("", clock)).isEmpty();
        assertThat(RetryAfter.parse("-5", clock)).isEmpty();
        assertThat(RetryAfter.parse("1.5", clock)).isEmpty();
        assertThat(RetryAfter.parse("soon", clock)).isEmpty();
        assertThat(RetryAfter.parse("99999999999999999999999", clock)).isEmpty();
    }
}
