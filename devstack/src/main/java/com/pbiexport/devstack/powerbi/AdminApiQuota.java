package com.pbiexport.devstack.powerbi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The documented limit of GetGroupsAsAdmin: "Maximum 50 requests per hour or 15 requests per minute per tenant".
 * Sliding windows on the injected clock, per tenant. Only admitted calls are counted: a throttled call does not
 * push the window further, so waiting the answered Retry-After is enough.
 */
final class AdminApiQuota {
    static final int PER_MINUTE = 15;
    static final int PER_HOUR = 50;
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration HOUR = Duration.ofHours(1);

    private final Clock clock;
    /** Admitted calls of the last hour per tenant, oldest first. */
    private final Map<String, Deque<Instant>> calls = new HashMap<>();

    AdminApiQuota(Clock clock) {
        this.clock = clock;
    }

    /**
     * Counts the call and answers 0, or, when either window is full, answers the seconds until it frees (at least
     * 1) and counts nothing.
     */
    synchronized long tryAcquire(String tenantId) {
        Instant now = clock.instant();
        Deque<Instant> tenantCalls = calls.computeIfAbsent(tenantId.toLowerCase(Locale.ROOT), k -> new ArrayDeque<>());
        while (!tenantCalls.isEmpty() && !inWindow(tenantCalls.peekFirst(), now, HOUR)) {
            tenantCalls.pollFirst();
        }
        long wait = Math.max(waitFor(tenantCalls, now, HOUR, PER_HOUR), waitFor(tenantCalls, now, MINUTE, PER_MINUTE));
        if (wait == 0) {
            tenantCalls.addLast(now);
        }
        return wait;
    }

    /** 0 when the window has room; else seconds until the call that must leave it has left. */
    private static long waitFor(Deque<Instant> tenantCalls, Instant now, Duration window, int limit) {
        int inWindow = 0;
        Instant leavingLast = null;
        // newest first: the limit-th newest call in the window is the one whose departure makes room
        for (Iterator<Instant> it = tenantCalls.descendingIterator(); it.hasNext(); ) {
            Instant t = it.next();
            if (!inWindow(t, now, window)) {
                break;
            }
            inWindow++;
            if (inWindow == limit) {
                leavingLast = t;
            }
        }
        if (inWindow < limit) {
            return 0;
        }
        long millis = Duration.between(now, leavingLast.plus(window)).toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }

    private static boolean inWindow(Instant call, Instant now, Duration window) {
        return now.isBefore(call.plus(window));
    }
}
