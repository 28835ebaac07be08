package com.pbiexport.devstack.sim;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters that tests and benchmarks read (admin API {@code GET /admin/counters}). Keys are stable names:
 * {@code tokenRequests}, {@code tokenRequests.<tenantId>}, {@code exportToCalls}, {@code polls},
 * {@code fileDownloads}, {@code throttled429}, {@code bytesServed}, {@code concurrentExports.<capacityId>},
 * {@code maxConcurrentExports.<capacityId>}, plus any the simulators add.
 */
public final class Counters {
    private final Map<String, LongAdder> adders = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> maxima = new ConcurrentHashMap<>();

    public void increment(String name) {
        add(name, 1);
    }

    public void add(String name, long delta) {
        adders.computeIfAbsent(name, k -> new LongAdder()).add(delta);
    }

    public long get(String name) {
        LongAdder a = adders.get(name);
        if (a != null) {
            return a.sum();
        }
        AtomicLong g = gauges.get(name);
        if (g != null) {
            return g.get();
        }
        AtomicLong m = maxima.get(name);
        return m == null ? 0 : m.get();
    }

    /** Moves a gauge (e.g. concurrent exports of a capacity) and tracks its maximum under {@code max<Name>}. */
    public long gauge(String name, long delta) {
        long v = gauges.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(delta);
        String maxName = "max" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
        maxima.computeIfAbsent(maxName, k -> new AtomicLong()).accumulateAndGet(v, Math::max);
        return v;
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        adders.forEach((k, v) -> out.put(k, v.sum()));
        gauges.forEach((k, v) -> out.put(k, v.get()));
        maxima.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Resets counters and maxima; live gauges keep their current value (they describe running work). */
    public void reset() {
        adders.clear();
        maxima.forEach((k, v) -> v.set(0));
    }
}
