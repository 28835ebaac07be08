package com.pbiexport.worker.auth;

/** Unchecked carrier of a {@link TokenFailure}. Never carries a secret or a token. */
public final class TokenAcquisitionException extends RuntimeException {
    private final transient TokenFailure failure;

    public TokenAcquisitionException(TokenFailure failure) {
        super("Could not get a Power BI token for tenant '" + failure.tenantAlias() + "': " + failure.description(),
                null, false, false);
        this.failure = failure;
    }

    public TokenFailure failure() {
        return failure;
    }
}
