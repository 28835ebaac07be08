package com.pbiexport.devstack.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The live fault settings, shared by the Entra and Power BI simulators and the export engine; thread-safe.
 * Count knobs ({@code forced429Count}, {@code entraThrottleCount}, {@code exportBusyFailures},
 * {@code exportPermanentFailures}, {@code truncatedDownloadCount}, {@code dropConnectionCount},
 * {@code lostExportToAnswerCount}, {@code stalledConnectionCount}) are consumed one at a time; {@link #current()}
 * reports what is left. Rates are drawn from the {@link Realism}'s seeded sequence, so a single-threaded run replays.
 */
public final class Faults {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final AtomicReference<FaultSettings> settings = new AtomicReference<>(FaultSettings.none());
    private final AtomicInteger forced429Left = new AtomicInteger();
    private final AtomicInteger entraThrottleLeft = new AtomicInteger();
    private final AtomicInteger exportBusyLeft = new AtomicInteger();
    private final AtomicInteger exportPermanentLeft = new AtomicInteger();
    private final AtomicInteger truncatedDownloadLeft = new AtomicInteger();
    private final AtomicInteger dropConnectionLeft = new AtomicInteger();
    private final AtomicInteger lostExportToAnswerLeft = new AtomicInteger();
    private final AtomicInteger stalledConnectionLeft = new AtomicInteger();
    private final Clock clock;
    private final Realism realism;

    public Faults(Clock clock) {
        this(clock, Realism.clean());
    }

    /** @param realism the seeded source the fault rates are drawn from (in either profile) */
    public Faults(Clock clock, Realism realism) {
        this.clock = clock;
        this.realism = realism;
    }

    /** The settings, with the count knobs showing how many are still pending. */
    public FaultSettings current() {
        FaultSettings s = settings.get();
        return new FaultSettings(s.powerBiErrorRate(), s.powerBiLatencyMillis(), s.dropConnectionRate(),
                forced429Left.get(), s.forced429RetryAfterSeconds(), s.downloadBytesPerSecond(), s.entraOutageUntil(),
                entraThrottleLeft.get(), s.entraThrottleRetryAfterSeconds(), s.entraLatencyMillis(),
                exportBusyLeft.get(), exportPermanentLeft.get(), s.truncatedDownloadRate(),
                truncatedDownloadLeft.get(), dropConnectionLeft.get(), s.lostExportToAnswerRate(),
                lostExportToAnswerLeft.get(), s.stalledConnectionRate(), stalledConnectionLeft.get(),
                s.stalledConnectionMillis());
    }

    /** Replaces every setting (and re-arms every count knob). */
    public synchronized void set(FaultSettings s) {
        settings.set(s);
        forced429Left.set(s.forced429Count());
        entraThrottleLeft.set(s.entraThrottleCount());
        exportBusyLeft.set(s.exportBusyFailures());
        exportPermanentLeft.set(s.exportPermanentFailures());
        truncatedDownloadLeft.set(s.truncatedDownloadCount());
        dropConnectionLeft.set(s.dropConnectionCount());
        lostExportToAnswerLeft.set(s.lostExportToAnswerCount());
        stalledConnectionLeft.set(s.stalledConnectionCount());
    }

    /**
     * Merges a partial JSON object over the current settings (admin API). Only the keys present change; count
     * knobs not named keep what is left of them.
     *
     * @throws IllegalArgumentException naming the problem (not an object, unknown key, wrong value type);
     *                                  nothing changes then
     */
    public synchronized FaultSettings merge(byte[] partialJson) {
        JsonNode partial;
        try {
            partial = JSON.readTree(partialJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getMessage());
        }
        if (partial == null || !partial.isObject()) {
            throw new IllegalArgumentException("expected a JSON object of fault settings");
        }
        Map<String, Object> merged = JSON.convertValue(current(), new TypeReference<LinkedHashMap<String, Object>>() { });
        for (Map.Entry<String, JsonNode> e : partial.properties()) {
            if (!merged.containsKey(e.getKey())) {
                throw new IllegalArgumentException("unknown fault setting '" + e.getKey() + "'; known: " + merged.keySet());
            }
            merged.put(e.getKey(), e.getValue());
        }
        FaultSettings result;
        try {
            result = JSON.convertValue(merged, FaultSettings.class);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid fault settings: " + rootMessage(e));
        }
        set(result);
        return current();
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(current());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.toString() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }

    public boolean powerBiError() {
        return draw(settings.get().powerBiErrorRate());
    }

    /** True when this call's connection should close without an answer: a pending count first, else the rate. */
    public boolean dropConnection() {
        return take(dropConnectionLeft) || draw(settings.get().dropConnectionRate());
    }

    /** True when this accepted ExportTo should lose its answer: a pending count first, else the rate. */
    public boolean loseExportToAnswer() {
        return take(lostExportToAnswerLeft) || draw(settings.get().lostExportToAnswerRate());
    }

    /** True when this call should stall without a byte: a pending count first, else the rate. */
    public boolean stallConnection() {
        return take(stalledConnectionLeft) || draw(settings.get().stalledConnectionRate());
    }

    private boolean draw(double rate) {
        return rate > 0 && realism.nextDouble() < rate;
    }

    /**
     * True when this file download should be cut half-way: a pending {@link FaultSettings#truncatedDownloadCount()}
     * is consumed first, otherwise {@link FaultSettings#truncatedDownloadRate()} decides.
     */
    public boolean truncateDownload() {
        return take(truncatedDownloadLeft) || draw(settings.get().truncatedDownloadRate());
    }

    /** True (and consumes one) when a forced 429 is pending. */
    public boolean takeForced429() {
        return take(forced429Left);
    }

    public boolean entraOutage() {
        Instant until = settings.get().entraOutageUntil();
        return until != null && clock.instant().isBefore(until);
    }

    /** True (and consumes one) when a throttled token answer is pending. */
    public boolean takeEntraThrottle() {
        return take(entraThrottleLeft);
    }

    /** True (and consumes one) when the next started export should end Failed WITH Retry-After (busy). */
    public boolean takeExportBusyFailure() {
        return take(exportBusyLeft);
    }

    /** True (and consumes one) when the next started export should end Failed WITHOUT Retry-After. */
    public boolean takeExportPermanentFailure() {
        return take(exportPermanentLeft);
    }

    private static boolean take(AtomicInteger left) {
        return left.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }
}
