package com.pbiexport.devstack.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** A point in time by which a wait must end; every wait in this package is bounded by one. */
record Deadline(Clock clock, Instant end) {

    static Deadline after(Clock clock, Duration timeout) {
        return new Deadline(clock, clock.instant().plus(timeout));
    }

    Duration remaining() {
        Duration left = Duration.between(clock.instant(), end);
        return left.isNegative() ? Duration.ZERO : left;
    }

    boolean passed() {
        return remaining().isZero();
    }

    /** The remaining time, capped at {@code slice}, in milliseconds (at least 1 so callers never pass 0 = "forever"). */
    long sliceMillis(Duration slice) {
        return Math.max(1, Math.min(slice.toMillis(), remaining().toMillis()));
    }
}
