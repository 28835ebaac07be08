package com.pbiexport.worker.diagnose.probe;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The worker's side of the doctor's workspace check. After Power BI answers "workspace not found" (which it also
 * answers to a service principal that is not a member), asks the read-only admin API whether the workspace exists
 * in the tenant ({@link WorkspaceEvidence#lookUp}, with the tenant's own client: the token goes nowhere but the
 * configured API host).
 *
 * <p>Costs are bounded whatever the number of failing jobs: one call per (tenant alias, workspace) per {@link #TTL}
 * (an answer, or the call in flight, is shared); a tenant alias whose admin API refused the app (401/403) is not
 * asked again for the TTL; a throttled tenant (429) not before its Retry-After; and at most
 * {@link #CALLS_PER_MINUTE} per minute and {@link #CALLS_PER_HOUR} per hour per Power BI tenant, below Power BI's
 * documented 15 and 50, so {@code doctor} and other admin tools keep some. Whatever is not asked keeps the ambiguous
 * code. Calls run on {@code executor}; callers chain on the future and never block.
 */
final class WorkspaceProbe {
    static final Duration TTL = Duration.ofMinutes(10);
    static final int CALLS_PER_MINUTE = 10;
    static final int CALLS_PER_HOUR = 40;
    /** The cache's bound: new entries are budgeted and expired ones swept on each insert, so it holds at most
     *  the calls of one TTL per Power BI tenant. */
    static final long MAX_ENTRIES_PER_TENANT = Math.min(CALLS_PER_HOUR, CALLS_PER_MINUTE * TTL.toMinutes());
    private static final Duration THROTTLE_FALLBACK = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(WorkspaceProbe.class);

    /** One blocking admin API look-up for a tenant alias (production: {@link WorkspaceEvidence#lookUp}). */
    @FunctionalInterface
    interface AdminApi {
        WorkspaceEvidence lookUp(String alias, String workspaceId);
    }

    /**
     * A configured tenant as the probe sees it.
     *
     * @param tenantId the Power BI tenant, whose admin API quota every alias of it shares
     * @param appId    the alias's client id, named when the admin API refuses it
     */
    record Tenant(String tenantId, String appId) {
        Tenant {
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(appId, "appId");
        }
    }

    private record Key(String alias, String workspaceId) { }

    private record Cached(Instant at, CompletableFuture<WorkspaceEvidence> answer) { }

    /** Until when an alias (refused) or a tenant (throttled) is not asked, and what to say meanwhile. */
    private record Blocked(Instant until, WorkspaceEvidence answer) { }

    private final Map<String, Tenant> tenants;
    private final AdminApi api;
    private final Clock clock;
    private final Executor executor;
    // guarded by this: the bookkeeping is tiny and never does I/O
    private final Map<Key, Cached> cache = new HashMap<>();
    private final Map<String, Blocked> refusedAliases = new HashMap<>();
    private final Map<String, Blocked> throttledTenants = new HashMap<>();
    private final Map<String, Deque<Instant>> callsByTenant = new HashMap<>();

    WorkspaceProbe(Map<String, Tenant> tenants, AdminApi api, Clock clock, Executor executor) {
        this.tenants = Map.copyOf(tenants);
        this.api = Objects.requireNonNull(api, "api");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** What the admin API says about the workspace for this alias: cached, shared, or not asked (never blocks). */
    synchronized CompletableFuture<WorkspaceEvidence> evidence(String alias, String workspaceId) {
        Tenant t = tenants.get(alias);
        if (t == null || workspaceId == null) {
            return done(WorkspaceEvidence.notAsked("", ""));
        }
        Instant now = clock.instant();
        Key key = new Key(alias, workspaceId.toLowerCase(Locale.ROOT));
        Cached cached = cache.get(key);
        if (cached != null && cached.at().plus(TTL).isAfter(now)) {
            return cached.answer();
        }
        cache.remove(key);
        Blocked blocked = active(refusedAliases.get(alias), now);
        if (blocked == null) {
            blocked = active(throttledTenants.get(t.tenantId()), now);
        }
        if (blocked != null) {
            return done(blocked.answer());
        }
        if (!takeCall(t.tenantId(), now)) {
            return done(WorkspaceEvidence.notAsked(t.appId(), "the worker's budget for the read-only admin API ("
                    + CALLS_PER_MINUTE + " calls per minute, " + CALLS_PER_HOUR + " per hour per tenant) is spent for "
                    + "now"));
        }
        CompletableFuture<WorkspaceEvidence> answer;
        try {
            answer = CompletableFuture.supplyAsync(() -> api.lookUp(alias, workspaceId), executor);
        } catch (RejectedExecutionException shuttingDown) {
            return done(WorkspaceEvidence.notAsked(t.appId(), ""));
        }
        Cached entry = new Cached(now, answer);
        cache.values().removeIf(c -> !c.at().plus(TTL).isAfter(now)); // bounded: at most CALLS_PER_HOUR new a tenant
        cache.put(key, entry);
        answer.whenComplete((evidence, error) -> remember(alias, t, key, entry, evidence, error));
        return answer;
    }

    /** Keeps what holds for the TTL (an existence answer, a refusal); forgets what may change sooner. */
    private synchronized void remember(String alias, Tenant t, Key key, Cached entry, WorkspaceEvidence evidence,
                                       Throwable error) {
        if (error != null || !(evidence instanceof WorkspaceEvidence.Unknown u)) {
            if (error != null) {
                cache.remove(key, entry);
            }
            return;
        }
        Instant now = clock.instant();
        switch (u.reason()) {
            case REFUSED -> {
                refusedAliases.put(alias, new Blocked(now.plus(TTL), u));
                log.warn("tenant {}: {}", alias, u.explanation());
            }
            case THROTTLED -> {
                throttledTenants.put(t.tenantId(), new Blocked(now.plus(u.retryAfter().orElse(THROTTLE_FALLBACK)), u));
                cache.remove(key, entry);
            }
            case FAILED, NOT_ASKED -> cache.remove(key, entry);
        }
    }

    /** Counts a call against the tenant's per-minute and per-hour budget, if both allow it. */
    private boolean takeCall(String tenantId, Instant now) {
        Deque<Instant> calls = callsByTenant.computeIfAbsent(tenantId, k -> new ArrayDeque<>());
        while (!calls.isEmpty() && !calls.peekFirst().plus(Duration.ofHours(1)).isAfter(now)) {
            calls.removeFirst();
        }
        long lastMinute = calls.stream().filter(c -> c.plus(Duration.ofMinutes(1)).isAfter(now)).count();
        if (calls.size() >= CALLS_PER_HOUR || lastMinute >= CALLS_PER_MINUTE) {
            return false;
        }
        calls.addLast(now);
        return true;
    }

    private static Blocked active(Blocked b, Instant now) {
        return b != null && b.until().isAfter(now) ? b : null;
    }

    private static CompletableFuture<WorkspaceEvidence> done(WorkspaceEvidence e) {
        return CompletableFuture.completedFuture(e);
    }

    /** Entries cached now (tests; bounded, see {@link #MAX_ENTRIES_PER_TENANT}). */
    synchronized int size() {
        return cache.size();
    }
}
