package com.pbiexport.worker.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token source for tests of code that sends tokens: hands out {@code token-1}, then {@code token-2} after an
 * invalidation, and so on; records invalidations.
 */
public final class FakeTokenSource implements TokenSource {
    private final String alias;
    private final AtomicInteger generation = new AtomicInteger(1);
    private final List<AccessToken> invalidated = new CopyOnWriteArrayList<>();
    private volatile TokenAcquisitionException failure;

    public FakeTokenSource(String alias) {
        this.alias = alias;
    }

    /** Every following call fails with this. */
    public void failWith(TokenFailure f) {
        this.failure = new TokenAcquisitionException(f);
    }

    public List<AccessToken> invalidated() {
        return List.copyOf(invalidated);
    }

    @Override
    public String tenantAlias() {
        return alias;
    }

    @Override
    public AccessToken token() {
        if (failure != null) {
            throw failure;
        }
        return new AccessToken(alias + "-token-" + generation.get(), Instant.parse("2100-01-01T00:00:00Z"));
    }

    @Override
    public CompletableFuture<AccessToken> tokenAsync() {
        try {
            return CompletableFuture.completedFuture(token());
        } catch (TokenAcquisitionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void invalidate(AccessToken stale) {
        invalidated.add(stale);
        if (stale.value().equals(alias + "-token-" + generation.get())) {
            generation.incrementAndGet();
        }
    }

    @Override
    public Optional<Instant> expiresOn() {
        return Optional.of(Instant.parse("2100-01-01T00:00:00Z"));
    }

    @Override
    public TokenHealth health() {
        return new TokenHealth(alias, Optional.empty(), Optional.empty(), Optional.empty(), expiresOn());
    }
}
