package com.pbiexport.worker.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Token refresh settings.
 *
 * @param refreshAtFraction   refresh in the background once this fraction of the token's lifetime has passed
 * @param requestTimeout      upper bound on one token request
 * @param minRefreshInterval  no more than one refresh attempt per tenant within this interval
 */
public record TokenSettings(double refreshAtFraction, Duration requestTimeout, Duration minRefreshInterval) {

    public static final double DEFAULT_REFRESH_AT_FRACTION = 0.75;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_MIN_REFRESH_INTERVAL = Duration.ofSeconds(10);

    public TokenSettings {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(minRefreshInterval, "minRefreshInterval");
    }

    public static TokenSettings defaults() {
        return new TokenSettings(DEFAULT_REFRESH_AT_FRACTION, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MIN_REFRESH_INTERVAL);
    }
}
