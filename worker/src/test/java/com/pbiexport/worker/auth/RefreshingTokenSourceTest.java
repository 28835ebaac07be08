package com.pbiexport.worker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Caching, single flight and background refresh, with a scripted fetcher (no HTTP). */
class RefreshingTokenSourceTest {

    final Clock clock = Clock.systemUTC(); // the scheduler runs in real time, so the clock must too
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final ExecutorService callers = Executors.newFixedThreadPool(50);
    final AtomicInteger fetches = new AtomicInteger();
    final List<Instant> fetchedAt = new CopyOnWriteArrayList<>();
    RefreshingTokenSource source;

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
        scheduler.shutdownNow();
        callers.shutdownNow();
    }

    RefreshingTokenSource source(TokenPolicy policy, IntFunction<CompletableFuture<AccessToken>> script) {
        source = new RefreshingTokenSource("contoso", () -> {
            fetchedAt.add(clock.instant());
            return script.apply(fetches.incrementAndGet());
        }, policy, clock, scheduler);
        return source;
    }

    static TokenPolicy policy(double fraction, Duration minRefresh) {
        return new TokenPolicy(fraction, Duration.ofSeconds(5), minRefresh, Duration.ofSeconds(1),
                Duration.ofSeconds(60));
    }

    AccessToken token(int n, Duration lifetime) {
        return new AccessToken("t" + n, clock.instant().plus(lifetime));
    }

    static TokenAcquisitionException rejected() {
        return new TokenAcquisitionException(new TokenFailure("contoso", Optional.of(401), Optional.of("invalid_client"),
                Optional.of(7000215), "AADSTS7000215: Invalid client secret provided.", TokenFailure.Kind.REJECTED,
                Optional.empty()));
    }

    @Test
    void fiftyConcurrentCallersOnAColdCacheShareOneFetch() throws Exception {
        CompletableFuture<AccessToken> pending = new CompletableFuture<>();
        source(policy(0.75, Duration.ofSeconds(10)), n -> pending);

        List<Future<AccessToken>> results = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            results.add(callers.submit(() -> source.token()));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> fetches.get() == 1);
        pending.complete(token(1, Duration.ofHours(1)));

        for (Future<AccessToken> r : results) {
            assertThat(r.get(5, TimeUnit.SECONDS).value()).isEqualTo("t1");
        }
        assertThat(fetches.get()).isEqualTo(1);
        assertThat(source.fetchesStarted()).isEqualTo(1);
    }

    @Test
    void refreshesInTheBackgroundBeforeExpiry() {
        source(policy(0.5, Duration.ofMillis(100)), n -> CompletableFuture.completedFuture(token(n, Duration.ofSeconds(2))));

        AccessToken first = source.token();
        await().atMost(Duration.ofSeconds(3)).until(() -> fetches.get() >= 2);

        assertThat(fetchedAt.get(1)).isBefore(first.expiresOn());
        assertThat(source.token().value()).isEqualTo("t2");
    }

    @Test
    void failedEarlyRefreshKeepsServingTheValidTokenAndRetriesLater() {
        source(policy(0.3, Duration.ofMillis(200)), n -> n == 2
                ? CompletableFuture.failedFuture(rejected())
                : CompletableFuture.completedFuture(token(n, Duration.ofSeconds(3))));

        AccessToken first = source.token();
        await().atMost(Duration.ofSeconds(3)).until(() -> source.health().lastFailure().isPresent());

        assertThat(source.token()).isEqualTo(first); // still valid: no caller sees the failure
        assertThat(source.health().lastFailure().get().aadsts()).contains(7000215);
        assertThat(source.health().healthy()).isFalse();

        await().atMost(Duration.ofSeconds(3)).until(() -> fetches.get() >= 3);
        assertThat(fetchedAt.get(2)).isBefore(first.expiresOn())
                .isAfterOrEqualTo(fetchedAt.get(1).plusMillis(200)); // back-off >= minRefreshInterval
        assertThat(source.token().value()).isEqualTo("t3");
        assertThat(source.health().healthy()).isTrue();
    }

    @Test
    void anExpiredTokenMakesCallersWaitForAFreshOne() {
        source(policy(0.9, Duration.ofSeconds(30)), n -> CompletableFuture.completedFuture(
                token(n, n == 1 ? Duration.ofMillis(100) : Duration.ofHours(1))));
        AccessToken first = source.token();
        await().atMost(Duration.ofSeconds(2)).until(() -> clock.instant().isAfter(first.expiresOn()));

        assertThat(source.token().value()).isEqualTo("t2");
        assertThat(fetches.get()).isEqualTo(2);
    }

    @Test
    void invalidateFetchesAnewOnceEvenWithManyCallers() throws Exception {
        CompletableFuture<AccessToken> second = new CompletableFuture<>();
        source(policy(0.75, Duration.ofSeconds(10)), n -> n == 1
                ? CompletableFuture.completedFuture(token(1, Duration.ofHours(1))) : second);
        AccessToken stale = source.token();

        List<Future<AccessToken>> results = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            results.add(callers.submit(() -> {
                source.invalidate(stale);
                return source.token();
            }));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> fetches.get() == 2);
        second.complete(token(2, Duration.ofHours(1)));

        for (Future<AccessToken> r : results) {
            assertThat(r.get(5, TimeUnit.SECONDS).value()).isEqualTo("t2");
        }
        source.invalidate(stale); // a late report of the old token must not drop the new one
        assertThat(source.token().value()).isEqualTo("t2");
        assertThat(fetches.get()).isEqualTo(2);
    }

    @Test
    void aFailedFetchWithoutAValidTokenReachesTheCaller() {
        source(policy(0.75, Duration.ofSeconds(10)), n -> CompletableFuture.failedFuture(rejected()));

        assertThatThrownBy(() -> source.token()).isInstanceOfSatisfying(TokenAcquisitionException.class, e -> {
            assertThat(e.failure().kind()).isEqualTo(TokenFailure.Kind.REJECTED);
            assertThat(e.getMessage()).isEqualTo("Could not get a Power BI token for tenant 'contoso': "
                    + "AADSTS7000215: Invalid client secret provided.");
        });
        assertThat(source.expiresOn()).isEmpty();
    }

    @Test
    void countsEveryFailedFetchForMetrics() {
        source(policy(0.75, Duration.ofSeconds(10)), n -> CompletableFuture.failedFuture(rejected()));
        assertThat(source.failureCount()).isZero();

        assertThatThrownBy(() -> source.token()).isInstanceOf(TokenAcquisitionException.class);
        assertThatThrownBy(() -> source.token()).isInstanceOf(TokenAcquisitionException.class);

        assertThat(source.failureCount()).isEqualTo(2);
    }

    @Test
    void aFetchThatNeverAnswersTimesOutAsUnavailable() {
        source(new TokenPolicy(0.75, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ZERO), n -> new CompletableFuture<>());

        assertThatThrownBy(() -> source.token()).isInstanceOfSatisfying(TokenAcquisitionException.class, e -> {
            assertThat(e.failure().kind()).isEqualTo(TokenFailure.Kind.UNAVAILABLE);
            assertThat(e.failure().description()).contains("tokens.requestTimeout");
        });
    }

    @Test
    void closeStopsBackgroundRefresh() {
        source(policy(0.5, Duration.ofMillis(100)), n -> CompletableFuture.completedFuture(token(n, Duration.ofMillis(400))));
        source.token();
        source.close();

        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> fetches.get() == 1);
    }

    @Test
    void accessTokenToStringRedactsTheValue() {
        AccessToken t = new AccessToken("eyJ.secret.value", Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(t.toString()).doesNotContain("eyJ").contains("<redacted>").contains("2030-01-01T00:00:00Z");
    }

    @Test
    void rejectsARefreshFractionOutsideZeroAndOneNamingTheSetting() {
        assertThatThrownBy(() -> new TokenPolicy(1.0, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ZERO))
                .hasMessage("tokens.refreshAtFraction must be between 0 and 1 (exclusive), was 1.0");
    }
}
