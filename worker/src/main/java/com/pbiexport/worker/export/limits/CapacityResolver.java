package com.pbiexport.worker.export.limits;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Which capacity a workspace runs on: the key the concurrency limits are kept under. Looked up once per tenant and
 * workspace per {@code ttl} (single flight: concurrent callers share one look-up), the look-up paced by the
 * tenant's {@link RequestRate} and run on the io pool, never on the caller. When the capacity cannot be known
 * (shared capacity, no permission to list the workspace, a failed look-up) the workspace id is the key, so the
 * workspace still gets its own limit; a failed look-up is retried after {@code min(ttl, 1 minute)}.
 * <p>Bounded: at most {@link #MAX_ENTRIES} workspaces are remembered; beyond that the least recently resolved one is
 * forgotten (it costs one look-up when it comes back), and expired entries go first.
 */
public final class CapacityResolver {
    private static final Logger log = LoggerFactory.getLogger(CapacityResolver.class);
    private static final Duration FAILURE_TTL = Duration.ofMinutes(1);
    /** Workspaces remembered at most (about 200 bytes each): a bound, not a working-set size. */
    static final int MAX_ENTRIES = 10_000;

    /** The blocking look-up: the workspace's capacity id, or empty when it has none or it is not visible. */
    @FunctionalInterface
    public interface Lookup {
        Optional<String> capacityOf(String tenant, String workspaceId, Optional<String> profileId);
    }

    private record Key(String tenant, String workspaceId) { }

    private record Entry(CompletableFuture<String> capacity, Instant expires, AtomicBoolean started) {
        Entry(Instant expires) {
            this(new CompletableFuture<>(), expires, new AtomicBoolean());
        }
    }

    private final Lookup lookup;
    private final Duration ttl;
    private final Clock clock;
    private final Executor io;
    private final ScheduledExecutorService timers;
    private final RequestRate rate;
    private final int maxEntries;
    /** Least recently resolved first. Guarded by itself: every access is a short, I/O-free critical section. */
    private final LinkedHashMap<Key, Entry> cache = new LinkedHashMap<>(16, 0.75f, true);

    public CapacityResolver(Lookup lookup, Duration ttl, Clock clock, Executor io, ScheduledExecutorService timers,
                            RequestRate rate) {
        this(lookup, ttl, clock, io, timers, rate, MAX_ENTRIES);
    }

    CapacityResolver(Lookup lookup, Duration ttl, Clock clock, Executor io, ScheduledExecutorService timers,
                     RequestRate rate, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.lookup = Objects.requireNonNull(lookup);
        this.ttl = Objects.requireNonNull(ttl);
        this.clock = Objects.requireNonNull(clock);
        this.io = Objects.requireNonNull(io);
        this.timers = Objects.requireNonNull(timers);
        this.rate = Objects.requireNonNull(rate);
    }

    /** The limiter key of the workspace: {@code capacity:<id>} or, when unknown, {@code workspace:<id>}. */
    public CompletableFuture<String> resolve(String tenant, String workspaceId, Optional<String> profileId) {
        Key key = new Key(tenant, workspaceId);
        Instant now = clock.instant();
        Entry e;
        synchronized (cache) {
            e = cache.compute(key, (k, old) -> old != null && now.isBefore(old.expires()) ? old
                    : new Entry(now.plus(ttl)));
            trim(now);
        }
        if (e.started().compareAndSet(false, true)) { // exactly one caller starts the look-up of a fresh entry
            Duration wait = rate.reserve(tenant);
            Runnable run = () -> runLookup(key, e, profileId);
            try {
                if (wait.isZero()) {
                    io.execute(run);
                } else {
                    timers.schedule(() -> io.execute(run), wait.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (RejectedExecutionException ex) {
                e.capacity().complete(fallback(workspaceId));
            }
        }
        return e.capacity();
    }

    private void runLookup(Key key, Entry e, Optional<String> profileId) {
        String result;
        boolean failed = false;
        try {
            result = lookup.capacityOf(key.tenant(), key.workspaceId(), profileId)
                    .map(id -> "capacity:" + id).orElseGet(() -> fallback(key.workspaceId()));
        } catch (RuntimeException ex) {
            log.info("cannot resolve the capacity of workspace {} (tenant {}); limiting per workspace: {}",
                    key.workspaceId(), key.tenant(), ex.toString());
            result = fallback(key.workspaceId());
            failed = true;
        }
        if (failed) {
            Duration shorter = ttl.compareTo(FAILURE_TTL) < 0 ? ttl : FAILURE_TTL;
            synchronized (cache) {
                cache.replace(key, e, new Entry(e.capacity(), clock.instant().plus(shorter), e.started()));
            }
        }
        e.capacity().complete(result);
    }

    /** Holding the lock: expired entries out once the bound is reached, then the least recently resolved. */
    private void trim(Instant now) {
        if (cache.size() <= maxEntries) {
            return;
        }
        cache.values().removeIf(en -> !now.isBefore(en.expires()) && en.capacity().isDone());
        Iterator<Map.Entry<Key, Entry>> eldest = cache.entrySet().iterator();
        while (cache.size() > maxEntries && eldest.hasNext()) {
            eldest.next();
            eldest.remove();
        }
    }

    /** Workspaces remembered now (the cache-size gauge, tests). */
    public int size() {
        synchronized (cache) {
            return cache.size();
        }
    }

    private static String fallback(String workspaceId) {
        return "workspace:" + workspaceId;
    }
}
