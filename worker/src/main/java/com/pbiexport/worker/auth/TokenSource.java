package com.pbiexport.worker.auth;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The Power BI token of ONE tenant, shared by every job of that tenant.
 * Implementations fetch single-flight (many callers on an empty cache cause one token request) and may
 * refresh in the background before expiry. Failures surface as {@link TokenAcquisitionException}.
 */
public interface TokenSource {

    /** The configured tenant alias this source serves. */
    String tenantAlias();

    /**
     * A currently valid token; blocks (bounded by the token request timeout) while one is fetched.
     *
     * @throws TokenAcquisitionException when no valid token could be obtained
     */
    AccessToken token();

    /** Like {@link #token()} without blocking; the future fails with {@link TokenAcquisitionException}. */
    CompletableFuture<AccessToken> tokenAsync();

    /**
     * The API said {@code stale} has expired (401, or 403 TokenExpired): forget it so the next call fetches anew.
     * Calls with a token that is no longer the current one are ignored, so many callers reporting the same stale
     * token cause one new fetch.
     */
    void invalidate(AccessToken stale);

    /** When the current token expires; empty when there is none. */
    Optional<Instant> expiresOn();

    /** What the doctor and health endpoint show. */
    TokenHealth health();

    /** Failed token acquisitions since start (a monotonic count, for metrics). */
    default long failureCount() {
        return 0;
    }
}
