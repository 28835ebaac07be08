package com.pbiexport.worker.auth;

import java.time.Instant;
import java.util.Optional;

/**
 * Health of one tenant's token source. Healthy when the last acquisition succeeded, i.e. there is no failure
 * newer than the last success.
 *
 * @param tenantAlias   the configured tenant alias
 * @param lastSuccess   when a token was last obtained
 * @param lastFailure   the most recent failed acquisition (kept after a later success; compare the instants)
 * @param lastFailureAt when that failure happened
 * @param expiresOn     when the current token expires
 */
public record TokenHealth(String tenantAlias, Optional<Instant> lastSuccess, Optional<TokenFailure> lastFailure,
                          Optional<Instant> lastFailureAt, Optional<Instant> expiresOn) {

    /** True unless the most recent acquisition attempt failed. */
    public boolean healthy() {
        return lastFailureAt.isEmpty() || lastSuccess.map(s -> !s.isBefore(lastFailureAt.get())).orElse(false);
    }
}
