package com.pbiexport.worker.diagnose.doctor;

import java.time.Duration;

/** Waits between trial-export polls; injected so tests never wait for real. */
@FunctionalInterface
public interface Sleeper {
    /** Sleeps on the calling thread (the doctor is a one-shot command with nothing else to do meanwhile). */
    Sleeper SYSTEM = d -> java.util.concurrent.TimeUnit.NANOSECONDS.sleep(Math.max(0, d.toNanos()));

    void sleep(Duration duration) throws InterruptedException;
}
