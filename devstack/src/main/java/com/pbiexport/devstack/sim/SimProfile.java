package com.pbiexport.devstack.sim;

import java.util.Locale;
import java.util.Optional;

/**
 * How messy the simulated services are.
 *
 * <ul>
 *   <li>{@link #REALISTIC} (the default for integration tests, the demo and benchmarks): every behaviour the real
 *       services show that a client must survive, drawn from a seeded {@link Realism} so a run can be replayed:
 *       varying error shapes and content types, coarse or absent Retry-After, latency, clock skew, token lifetimes
 *       of 60-90 minutes, lost answers. Each behaviour cites its source where it is modelled.</li>
 *   <li>{@link #CLEAN}: deterministic, one shape per answer, no latency: for unit tests that assert one exact
 *       answer and say why they need it.</li>
 * </ul>
 */
public enum SimProfile {
    CLEAN, REALISTIC;

    /** The profile's name as the scenario file and {@code --profile} spell it. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code clean} or {@code realistic} (any case); empty for anything else. */
    public static Optional<SimProfile> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (SimProfile p : values()) {
            if (p.wireName().equalsIgnoreCase(value.strip())) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
