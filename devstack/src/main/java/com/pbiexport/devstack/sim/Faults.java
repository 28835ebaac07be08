package com.pbiexport.devstack.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** The live fault settings, shared by the Entra and Power BI simulators; thread-safe. */
public final class Faults {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final AtomicReference<FaultSettings> settings = new AtomicReference<>(FaultSettings.none());
    private final AtomicInteger forced429Left = new AtomicInteger();
    private final AtomicInteger entraThrottleLeft = new AtomicInteger();
    private final Clock clock;

    public Faults(Clock clock) {
        this.clock = clock;
    }

    public FaultSettings current() {
        return settings.get();
    }

    public synchronized void set(FaultSettings s) {
        settings.set(s);
        forced429Left.set(s.forced429Count());
        entraThrottleLeft.set(s.entraThrottleCount());
    }

    /** Merges a partial JSON object over the current settings (admin API). */
    public synchronized FaultSettings merge(byte[] partialJson) throws IOException {
        FaultSettings merged = JSON.readerForUpdating(copy(current())).readValue(partialJson);
        set(merged);
        return merged;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(current());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FaultSettings copy(FaultSettings s) {
        // records are immutable; readerForUpdating on a record rebuilds it through its constructor
        return s;
    }

    public boolean powerBiError() {
        double rate = current().powerBiErrorRate();
        return rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
    }

    public boolean dropConnection() {
        double rate = current().dropConnectionRate();
        return rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
    }

    /** True (and consumes one) when a forced 429 is pending. */
    public boolean takeForced429() {
        return forced429Left.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    public boolean entraOutage() {
        Instant until = current().entraOutageUntil();
        return until != null && clock.instant().isBefore(until);
    }

    /** True (and consumes one) when a throttled token answer is pending. */
    public boolean takeEntraThrottle() {
        return entraThrottleLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }
}
