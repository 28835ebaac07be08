package com.pbiexport.worker.auth;

import java.time.Duration;
import java.util.Optional;

/**
 * Why a token could not be acquired for a tenant. Built from msal4j's exceptions at the boundary;
 * the description is Entra's {@code error_description} (which never contains the secret).
 *
 * @param tenantAlias the configured tenant alias
 * @param httpStatus  token endpoint status, when it answered
 * @param oauthError  OAuth {@code error} such as {@code invalid_client}, when it answered
 * @param aadsts      the AADSTS number parsed from the description (e.g. 7000215), when present
 * @param description Entra's description, or the transport/configuration problem
 * @param kind        what kind of failure this is
 * @param retryAfter  Retry-After of a throttled answer
 */
public record TokenFailure(
        String tenantAlias,
        Optional<Integer> httpStatus,
        Optional<String> oauthError,
        Optional<Integer> aadsts,
        String description,
        Kind kind,
        Optional<Duration> retryAfter) {

    public enum Kind {
        /** Entra answered with an error (bad credential, unknown app/tenant, bad scope...). */
        REJECTED,
        /** Entra throttled us (429 or AADSTS90055). */
        THROTTLED,
        /** No answer or a 5xx: network, TLS, timeout, outage. */
        UNAVAILABLE,
        /** Our side: credential file missing/unreadable, certificate unparsable. */
        CREDENTIAL_UNREADABLE
    }
}
