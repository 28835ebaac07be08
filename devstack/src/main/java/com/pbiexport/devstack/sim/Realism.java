package com.pbiexport.devstack.sim;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The simulator's source of mess: the profile in force and a seeded random source, shared by the Entra and Power BI
 * simulators and the export engine. Thread-safe.
 *
 * <p>Two kinds of draw, so a run can be replayed from its seed:
 * <ul>
 *   <li>{@code keyed} draws depend only on the seed and a key (an export id, a request's route, a token's client):
 *       the same entity gets the same answer whatever the thread interleaving;</li>
 *   <li>sequential draws ({@link #chance(double)}, {@link #between(long, long)}) follow the order of calls: replayable
 *       for a single-threaded client, statistically the same otherwise.</li>
 * </ul>
 * In the {@link SimProfile#CLEAN} profile every {@code realistic()} check is false, so callers keep their single,
 * deterministic answer.
 */
public final class Realism {
    /** The seed used when none is given: fixed, so a run without one is still reproducible. */
    public static final long DEFAULT_SEED = 20_261_203L;

    private final SimProfile profile;
    private final long seed;
    private final SplittableRandom sequence;

    public Realism(SimProfile profile, long seed) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.seed = seed;
        this.sequence = new SplittableRandom(seed);
    }

    public static Realism clean() {
        return new Realism(SimProfile.CLEAN, DEFAULT_SEED);
    }

    public static Realism realistic(long seed) {
        return new Realism(SimProfile.REALISTIC, seed);
    }

    public SimProfile profile() {
        return profile;
    }

    public long seed() {
        return seed;
    }

    /** True in the realistic profile. */
    public boolean realistic() {
        return profile == SimProfile.REALISTIC;
    }

    // ---- sequential draws ---------------------------------------------------------------------------

    /** True with probability {@code p} (never in the clean profile). */
    public synchronized boolean chance(double p) {
        return realistic() && p > 0 && sequence.nextDouble() < p;
    }

    /** Uniform in {@code [min, max]}. */
    public synchronized long between(long min, long max) {
        return max <= min ? min : min + sequence.nextLong(max - min + 1);
    }

    /** Uniform in {@code [0, 1)}. */
    public synchronized double nextDouble() {
        return sequence.nextDouble();
    }

    /** One of {@code options}, uniformly. */
    public synchronized <T> T pick(List<T> options) {
        return options.get(sequence.nextInt(options.size()));
    }

    /**
     * A long-tailed latency in {@code [min, max]} ms: most draws near {@code min}, a few near {@code max}
     * (the square of a uniform draw, i.e. median about a quarter of the range above min).
     */
    public synchronized long longTail(long min, long max) {
        double u = sequence.nextDouble();
        return min + Math.round((max - min) * u * u);
    }

    /**
     * The simulated servers' clock offset: zero in the clean profile, else drawn once from the seed within
     * {@code +-}{@link RealisticDefaults#MAX_CLOCK_SKEW}.
     */
    public java.time.Duration clockSkew() {
        if (!realistic()) {
            return java.time.Duration.ZERO;
        }
        long bound = RealisticDefaults.MAX_CLOCK_SKEW.toMillis();
        return java.time.Duration.ofMillis(keyed("clock-skew").nextLong(-bound, bound + 1));
    }

    // ---- keyed draws ----------------------------------------------------------------------------------

    /** A random source for one entity: the same key gives the same draws in every run with this seed. */
    public SplittableRandom keyed(String key) {
        return new SplittableRandom(seed * 31 + mix(key));
    }

    /** True with probability {@code p} for this key (never in the clean profile). */
    public boolean chance(String key, double p) {
        return realistic() && p > 0 && keyed(key).nextDouble() < p;
    }

    private static long mix(String key) {
        long h = 1125899906842597L;
        for (int i = 0; i < key.length(); i++) {
            h = 31 * h + key.charAt(i);
        }
        return h ^ (h >>> 29);
    }
}
