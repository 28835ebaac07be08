package com.pbiexport.worker.export.limits;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 */
public final class CapacityResolver {
    private static final Logger log = LoggerFactory.getLogger(CapacityResolver.class);
    private static final Duration FAILURE_TTL = Duration.ofMinutes(1);

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
    private final Map<Key, Entry> cache = new ConcurrentHashMap<>();

    public CapacityResolver(Lookup lookup, Duration ttl, Clock clock, Executor io, ScheduledExecutorService timers,
                            RequestRate rate) {
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
        Entry e = cache.compute(key, (k, old) -> old != null && now.isBefore(old.expires()) ? old
                : new Entry(now.plus(ttl)));
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
            cache.replace(key, e, new Entry(e.capacity(), clock.instant().plus(shorter), e.started()));
        }
        e.capacity().complete(result);
    }

    private static String fallback(String workspaceId) {
        return "workspace:" + workspaceId;
    }
}
