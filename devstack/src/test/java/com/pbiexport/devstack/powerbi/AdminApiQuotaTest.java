package com.pbiexport.devstack.powerbi;

import com.pbiexport.devstack.sim.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-tenant sliding windows of the admin API limit (15 a minute, 50 an hour). */
class AdminApiQuotaTest {
    private static final String CONTOSO = "4a1f0c2e-0000-4000-a000-000000000001";
    private static final String FABRIKAM = "4a1f0c2e-0000-4000-a000-000000000002";

    private final ManualClock clock = new ManualClock(Instant.parse("2025-03-01T10:00:00Z"));
    private final AdminApiQuota quota = new AdminApiQuota(clock);

    @Test
    void oneTenantsBurstDoesNotThrottleAnother() {
        for (int i = 0; i < AdminApiQuota.PER_MINUTE; i++) {
            assertThat(quota.tryAcquire(CONTOSO)).isZero();
        }

        assertThat(quota.tryAcquire(CONTOSO)).isEqualTo(60);
        assertThat(quota.tryAcquire(CONTOSO.toUpperCase())).as("tenant ids compare without case").isEqualTo(60);
        assertThat(quota.tryAcquire(FABRIKAM)).isZero();
    }

    @Test
    void retryAfterRoundsUpAndIsNeverZero() {
        for (int i = 0; i < AdminApiQuota.PER_MINUTE; i++) {
            quota.tryAcquire(CONTOSO);
        }
        clock.advance(Duration.ofMillis(59_500));

        assertThat(quota.tryAcquire(CONTOSO)).isEqualTo(1);
        clock.advance(Duration.ofMillis(500));
        assertThat(quota.tryAcquire(CONTOSO)).isZero();
    }

    @Test
    void throttledCallsAreNotCounted() {
        for (int i = 0; i < AdminApiQuota.PER_MINUTE; i++) {
            quota.tryAcquire(CONTOSO);
        }
        for (int i = 0; i < 100; i++) {
            quota.tryAcquire(CONTOSO);
        }
        clock.advance(Duration.ofMinutes(1));

        for (int i = 0; i < AdminApiQuota.PER_MINUTE; i++) {
            assertThat(quota.tryAcquire(CONTOSO)).as("call " + i).isZero();
        }
    }

    @Test
    void theHourLimitHoldsAcrossMinutes() {
        for (int minute = 0; minute < 4; minute++) {
            for (int i = 0; i < 13 && minute * 13 + i < AdminApiQuota.PER_HOUR; i++) {
                assertThat(quota.tryAcquire(CONTOSO)).isZero();
            }
            clock.advance(Duration.ofMinutes(1));
        }
        // 50 calls at minutes 0..3; now minute 4
        assertThat(quota.tryAcquire(CONTOSO)).isEqualTo(Duration.ofMinutes(56).toSeconds());
        clock.advance(Duration.ofMinutes(56));
        assertThat(quota.tryAcquire(CONTOSO)).as("minute 0's calls have left").isZero();
    }
}
