package com.pbiexport.devstack.scenario;

import java.time.Instant;

/** A client secret; {@code expiresAt} in the past answers AADSTS7000222. */
public record Secret(String value, Instant expiresAt) {
    public Secret {
        expiresAt = expiresAt == null ? Instant.parse("2099-12-31T00:00:00Z") : expiresAt;
    }
}
