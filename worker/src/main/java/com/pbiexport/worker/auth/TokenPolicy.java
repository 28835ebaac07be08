package com.pbiexport.worker.auth;

import java.time.Duration;
import java.util.Objects;

/**
 * When tokens are refreshed and how long a token request may take (mapped from config {@code tokens} and
 * {@code http.connectTimeout} by the app layer).
 *
 * @param refreshAtFraction  refresh in the background once this fraction of the lifetime has passed (0 &lt; f &lt; 1)
 * @param requestTimeout     upper bound of one token request (response timeout of the HTTP call and overall wait)
 * @param minRefreshInterval never refresh more often than this, also the first back-off after a failed refresh
 * @param connectTimeout     TCP connect timeout towards the token endpoint
 * @param expiryMargin       a token closer than this to its expiry is not handed out any more
 */
public record TokenPolicy(double refreshAtFraction, Duration requestTimeout, Duration minRefreshInterval,
                          Duration connectTimeout, Duration expiryMargin) {

    public TokenPolicy {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(minRefreshInterval, "minRefreshInterval");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(expiryMargin, "expiryMargin");
        if (!(refreshAtFraction > 0 && refreshAtFraction < 1)) {
            throw new IllegalArgumentException(
                    "tokens.refreshAtFraction must be between 0 and 1 (exclusive), was " + refreshAtFraction);
        }
        requirePositive("tokens.requestTimeout", requestTimeout);
        requirePositive("tokens.minRefreshInterval", minRefreshInterval);
        requirePositive("http.connectTimeout", connectTimeout);
        if (expiryMargin.isNegative()) {
            throw new IllegalArgumentException("token expiry margin must not be negative, was " + expiryMargin);
        }
    }

    /** The documented defaults: refresh at 75 %, 30 s requests, 10 s minimum interval, 10 s connect, 60 s margin. */
    public static TokenPolicy defaults() {
        return new TokenPolicy(0.75, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofSeconds(60));
    }

    private static void requirePositive(String setting, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(setting + " must be positive, was " + d);
        }
    }
}
