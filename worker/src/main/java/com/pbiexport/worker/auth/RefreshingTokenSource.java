package com.pbiexport.worker.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caching half of a token source, independent of how a token is fetched (msal4j in production, a lambda in
 * tests). What it adds, because msal4j has none of it for client credentials:
 * <ul>
 *   <li>single flight: while one fetch runs, every other caller waits for that same fetch;</li>
 *   <li>background refresh at {@link TokenPolicy#refreshAtFraction()} of the lifetime, on the shared scheduler;</li>
 *   <li>a failed early refresh keeps serving the still-valid token and retries with back-off
 *       (never sooner than {@link TokenPolicy#minRefreshInterval()}); once the token expired, callers wait for a
 *       fresh one;</li>
 *   <li>{@link #invalidate(AccessToken)} drops a token the API called expired.</li>
 * </ul>
 * Threads: callers block only in {@link #token()}; the scheduler thread only starts fetches (never blocks on one);
 * completion runs on whatever thread completes the fetcher's future.
 */
public final class RefreshingTokenSource implements TokenSource, AutoCloseable {

    /** Starts one token request. May throw {@link TokenAcquisitionException} synchronously or fail the future. */
    @FunctionalInterface
    public interface TokenFetcher {
        CompletableFuture<AccessToken> fetch();
    }

    private static final Logger log = LoggerFactory.getLogger(RefreshingTokenSource.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private final String tenantAlias;
    private final TokenFetcher fetcher;
    private final TokenPolicy policy;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong fetches = new AtomicLong();

    private final Object lock = new Object();
    // all fields below guarded by lock
    private Held current;
    private CompletableFuture<AccessToken> inflight;
    private ScheduledFuture<?> refreshTask;
    private int consecutiveFailures;
    private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
    private Instant lastSuccess;
    private TokenFailure lastFailure;
    private Instant lastFailureAt;
    private boolean closed;

    /** A token and when we got it (its lifetime drives the refresh point). */
    private record Held(AccessToken token, Instant obtainedAt) { }

    /**
     * @param scheduler shared by all tenants; owned by the caller (see {@link TokenService})
     */
    public RefreshingTokenSource(String tenantAlias, TokenFetcher fetcher, TokenPolicy policy, Clock clock,
                                 ScheduledExecutorService scheduler) {
        this.tenantAlias = Objects.requireNonNull(tenantAlias, "tenantAlias");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    @Override
    public String tenantAlias() {
        return tenantAlias;
    }

    @Override
    public AccessToken token() {
        AccessToken usable = usableToken();
        if (usable != null) {
            return usable;
        }
        try {
            return tokenAsync().get(); // bounded: the fetch carries the request timeout
        } catch (ExecutionException e) {
            throw asTokenException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenAcquisitionException(unavailable("interrupted while waiting for a token"));
        }
    }

    @Override
    public CompletableFuture<AccessToken> tokenAsync() {
        AccessToken usable = usableToken();
        return usable != null ? CompletableFuture.completedFuture(usable) : startFetch();
    }

    @Override
    public void invalidate(AccessToken stale) {
        synchronized (lock) {
            if (current != null && current.token().value().equals(stale.value())) {
                log.info("Power BI token of tenant '{}' reported expired by the API; fetching a new one", tenantAlias);
                current = null;
            }
        }
    }

    @Override
    public Optional<Instant> expiresOn() {
        synchronized (lock) {
            return Optional.ofNullable(current).map(h -> h.token().expiresOn());
        }
    }

    @Override
    public TokenHealth health() {
        synchronized (lock) {
            return new TokenHealth(tenantAlias, Optional.ofNullable(lastSuccess), Optional.ofNullable(lastFailure),
                    Optional.ofNullable(lastFailureAt),
                    Optional.ofNullable(current).map(h -> h.token().expiresOn()));
        }
    }

    /** How many token requests this source started (the benchmark's "token requests per lifetime"). */
    public long fetchesStarted() {
        return fetches.get();
    }

    /** Stops background refresh; later calls fail as UNAVAILABLE. Does not shut the shared scheduler down. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (refreshTask != null) {
                refreshTask.cancel(false);
                refreshTask = null;
            }
        }
    }

    private AccessToken usableToken() {
        synchronized (lock) {
            return current != null && usable(current, clock.instant()) ? current.token() : null;
        }
    }

    /**
     * Usable until a margin before expiry: the configured margin, but at most a tenth of the lifetime so that
     * short-lived tokens (simulators) stay usable.
     */
    private boolean usable(Held h, Instant now) {
        Duration lifetime = Duration.between(h.obtainedAt(), h.token().expiresOn());
        Duration margin = min(policy.expiryMargin(), lifetime.dividedBy(10));
        return now.isBefore(h.token().expiresOn().minus(margin));
    }

    private CompletableFuture<AccessToken> startFetch() {
        CompletableFuture<AccessToken> promise;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(
                        new TokenAcquisitionException(unavailable("the token service is shut down")));
            }
            if (inflight != null) {
                return inflight.copy(); // single flight: join the running request
            }
            promise = new CompletableFuture<>();
            inflight = promise;
        }
        fetches.incrementAndGet();
        CompletableFuture<AccessToken> fetch;
        try {
            fetch = Objects.requireNonNull(fetcher.fetch(), "fetcher returned null");
        } catch (RuntimeException e) {
            fetch = CompletableFuture.failedFuture(e);
        }
        fetch.orTimeout(policy.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((token, error) -> onFetched(promise, token, error));
        return promise.copy(); // callers cancelling their copy must not cancel everyone's fetch
    }

    private void onFetched(CompletableFuture<AccessToken> promise, AccessToken token, Throwable error) {
        Instant now = clock.instant();
        TokenAcquisitionException failure = null;
        synchronized (lock) {
            inflight = null;
            if (error == null && token != null) {
                current = new Held(token, now);
                lastSuccess = now;
                consecutiveFailures = 0;
                Duration lifetime = Duration.between(now, token.expiresOn());
                schedule(max(multiply(lifetime, policy.refreshAtFraction()), policy.minRefreshInterval()));
            } else {
                failure = asTokenException(error == null ? new IllegalStateException("fetcher returned no token")
                        : error);
                lastFailure = failure.failure();
                lastFailureAt = now;
                consecutiveFailures++;
                failures.incrementAndGet();
                if (current != null && usable(current, now)) {
                    scheduleRetryWhileValid(now, failure.failure());
                }
            }
        }
        if (failure == null) {
            log.debug("Power BI token of tenant '{}' obtained, valid until {}", tenantAlias, token.expiresOn());
            promise.complete(token);
        } else {
            TokenFailure f = failure.failure();
            log.warn("Power BI token request of tenant '{}' failed ({}{}{}): {}", tenantAlias, f.kind(),
                    f.httpStatus().map(s -> ", HTTP " + s).orElse(""),
                    f.aadsts().map(a -> ", AADSTS" + a).orElse(""), f.description());
            promise.completeExceptionally(failure);
        }
    }

    /** A failed early refresh: keep serving the valid token and try again with exponential back-off. */
    private void scheduleRetryWhileValid(Instant now, TokenFailure failure) {
        Duration backoff = policy.minRefreshInterval().multipliedBy(1L << Math.min(consecutiveFailures - 1, 16));
        backoff = min(backoff, MAX_BACKOFF);
        Duration remaining = Duration.between(now, current.token().expiresOn());
        backoff = min(backoff, remaining.dividedBy(2)); // still try at least once more before expiry
        backoff = max(backoff, policy.minRefreshInterval());
        if (failure.retryAfter().isPresent()) {
            backoff = max(backoff, failure.retryAfter().get());
        }
        schedule(backoff);
    }

    private void schedule(Duration delay) {
        if (closed) {
            return;
        }
        if (refreshTask != null) {
            refreshTask.cancel(false);
        }
        refreshTask = scheduler.schedule(this::refreshInBackground, Math.max(1, delay.toMillis()),
                TimeUnit.MILLISECONDS);
    }

    private void refreshInBackground() {
        synchronized (lock) {
            refreshTask = null;
            if (closed) {
                return;
            }
        }
        startFetch(); // outcome handled in onFetched; failures are logged and kept in health()
    }

    private TokenAcquisitionException asTokenException(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof TokenAcquisitionException t) {
            return t;
        }
        if (cause instanceof TimeoutException) {
            return new TokenAcquisitionException(
                    unavailable("the token request took longer than " + policy.requestTimeout()
                            + " (tokens.requestTimeout)"));
        }
        if (cause instanceof CancellationException) {
            return new TokenAcquisitionException(unavailable("the token request was cancelled"));
        }
        return new TokenAcquisitionException(unavailable(cause.getClass().getSimpleName() + ": " + cause.getMessage()));
    }

    private TokenFailure unavailable(String description) {
        return new TokenFailure(tenantAlias, Optional.empty(), Optional.empty(), Optional.empty(), description,
                TokenFailure.Kind.UNAVAILABLE, Optional.empty());
    }

    private static Duration multiply(Duration d, double factor) {
        return Duration.ofMillis((long) (d.toMillis() * factor));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public long failureCount() {
        return failures.get();
    }
}
