package com.pbiexport.worker.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * A bearer token for the Power BI API and the instant it stops being valid.
 * {@link #toString()} redacts the value so the token never reaches a log by accident.
 */
public record AccessToken(String value, Instant expiresOn) {

    public AccessToken {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(expiresOn, "expiresOn");
    }

    /** The {@code Authorization} header value. */
    public String bearer() {
        return "Bearer " + value;
    }

    @Override
    public String toString() {
        return "AccessToken[value=<redacted>, expiresOn=" + expiresOn + "]";
    }
}
