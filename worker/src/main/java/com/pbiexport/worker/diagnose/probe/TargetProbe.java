package com.pbiexport.worker.diagnose.probe;

import com.pbiexport.worker.diagnose.TargetEvidence;
import com.pbiexport.worker.diagnose.WorkspaceEvidence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The worker's look-ups behind a 404/403/400 of Power BI ({@link com.pbiexport.worker.diagnose.TargetLookUp}: is the
 * workspace visible, the report, the capacity; does the profile exist), and, for an invisible workspace, the read-only
 * admin API through {@link WorkspaceProbe} (which keeps that API's own quota). Off the hot path: the look-ups run on
 * {@code executor} and callers chain on the future, never blocking.
 *
 * <p>Costs are bounded whatever the number of failing jobs: one look-up round per (tenant alias, workspace, report,
 * profile) per {@link #TTL} (the answer, or the round in flight, is shared), and at most {@link #ROUNDS_PER_MINUTE}
 * rounds per alias per minute (a round is at most four cheap reads); what is not looked up keeps its general code.
 */
final class TargetProbe {
    static final Duration TTL = Duration.ofMinutes(10);
    static final int ROUNDS_PER_MINUTE = 20;
    /** The cache's bound: new entries are budgeted and expired ones swept on each insert, so it holds at most
     *  the rounds of one TTL per tenant alias. */
    static final long MAX_ENTRIES_PER_ALIAS = ROUNDS_PER_MINUTE * TTL.toMinutes();
    private static final Logger log = LoggerFactory.getLogger(TargetProbe.class);

    /** One blocking look-up round for a tenant alias (production: {@code TargetLookUp.run} with its client). */
    @FunctionalInterface
    interface LookUp {
        TargetEvidence run(String alias, String workspaceId, Optional<String> reportId, Optional<String> profileId);
    }

    /** What the read-only admin API says about a workspace (production: {@link WorkspaceProbe#evidence}). */
    @FunctionalInterface
    interface AdminEvidence {
        CompletableFuture<WorkspaceEvidence> evidence(String alias, String workspaceId);
    }

    private record Key(String alias, String workspaceId, String reportId, String profileId) { }

    private record Cached(Instant at, CompletableFuture<TargetEvidence> answer) { }

    private final LookUp lookUp;
    private final AdminEvidence admin;
    private final Clock clock;
    private final Executor executor;
    // guarded by this: tiny bookkeeping, never I/O
    private final Map<Key, Cached> cache = new HashMap<>();
    private final Map<String, Deque<Instant>> roundsByAlias = new HashMap<>();

    TargetProbe(LookUp lookUp, AdminEvidence admin, Clock clock, Executor executor) {
        this.lookUp = Objects.requireNonNull(lookUp, "lookUp");
        this.admin = Objects.requireNonNull(admin, "admin");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** The evidence about this target: cached, shared, or not asked (never blocks). */
    synchronized CompletableFuture<TargetEvidence> evidence(String alias, String workspaceId, Optional<String> reportId,
                                                            Optional<String> profileId) {
        if (alias == null || workspaceId == null) {
            return CompletableFuture.completedFuture(TargetEvidence.notAsked(workspaceId, ""));
        }
        Instant now = clock.instant();
        Key key = new Key(alias, workspaceId.toLowerCase(Locale.ROOT),
                reportId.map(r -> r.toLowerCase(Locale.ROOT)).orElse(""),
                profileId.map(p -> p.toLowerCase(Locale.ROOT)).orElse(""));
        Cached cached = cache.get(key);
        if (cached != null && cached.at().plus(TTL).isAfter(now)) {
            return cached.answer();
        }
        cache.remove(key);
        if (!takeRound(alias, now)) {
            return CompletableFuture.completedFuture(TargetEvidence.notAsked(workspaceId, "the worker's budget for "
                    + "look-ups (" + ROUNDS_PER_MINUTE + " a minute per tenant) is spent for now"));
        }
        CompletableFuture<TargetEvidence> answer;
        try {
            answer = CompletableFuture.supplyAsync(() -> lookUp.run(alias, workspaceId, reportId, profileId), executor)
                    .thenCompose(e -> e.workspace() == TargetEvidence.Sight.NOT_VISIBLE
                            ? admin.evidence(alias, workspaceId).handle((w, error) -> error == null ? e.withAdmin(w) : e)
                            : CompletableFuture.completedFuture(e));
        } catch (RejectedExecutionException shuttingDown) {
            return CompletableFuture.completedFuture(TargetEvidence.notAsked(workspaceId, ""));
        }
        Cached entry = new Cached(now, answer);
        cache.values().removeIf(c -> !c.at().plus(TTL).isAfter(now)); // bounded: ROUNDS_PER_MINUTE new a minute
        cache.put(key, entry);
        answer.whenComplete((e, error) -> forgetIfUndecided(key, entry, e, error));
        return answer;
    }

    /** A round that saw nothing (failed look-ups) may see more soon: not kept for the TTL. */
    private synchronized void forgetIfUndecided(Key key, Cached entry, TargetEvidence e, Throwable error) {
        if (error != null || (e.workspace() == TargetEvidence.Sight.UNKNOWN
                && e.profile() != TargetEvidence.ProfileSight.PROVEN_WRONG)) {
            cache.remove(key, entry);
            if (error != null) {
                log.debug("look-up of {} failed: {}", key, error.toString());
            }
        }
    }

    private boolean takeRound(String alias, Instant now) {
        Deque<Instant> rounds = roundsByAlias.computeIfAbsent(alias, k -> new ArrayDeque<>());
        while (!rounds.isEmpty() && !rounds.peekFirst().plus(Duration.ofMinutes(1)).isAfter(now)) {
            rounds.removeFirst();
        }
        if (rounds.size() >= ROUNDS_PER_MINUTE) {
            return false;
        }
        rounds.addLast(now);
        return true;
    }

    /** Entries cached now (tests; bounded, see {@link #MAX_ENTRIES_PER_ALIAS}). */
    synchronized int size() {
        return cache.size();
    }
}
