package com.pbiexport.devstack.sim;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test hook (Java API only, off by default): makes every error answer the {@code k}-th of the answers observed for
 * its situation ({@code k} modulo their number) instead of a seeded draw, so a diagnosis matrix can walk every
 * cause through every observed answer shape. Content types follow {@code k} too. Nothing reaches it over HTTP.
 */
public final class ForcedAnswers {
    private final AtomicInteger index = new AtomicInteger(-1);

    /** Every error answer from now on is the {@code k}-th observed one of its situation (modulo their number). */
    public void force(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
        index.set(k);
    }

    /** Back to the profile's own choice. */
    public void off() {
        index.set(-1);
    }

    /** The forced index, or -1. */
    public int current() {
        return index.get();
    }

    /** The forced one of {@code options}, or null when nothing is forced. */
    public <T> T pick(List<T> options) {
        int k = index.get();
        return k < 0 || options.isEmpty() ? null : options.get(k % options.size());
    }
}
