package com.pbiexport.devstack.powerbi;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waits for the simulated latency and download pacing; tests substitute a recording fake. */
@FunctionalInterface
interface Sleeper {
    Sleeper SYSTEM = d -> TimeUnit.NANOSECONDS.sleep(d.toNanos());

    void sleep(Duration d) throws InterruptedException;
}
