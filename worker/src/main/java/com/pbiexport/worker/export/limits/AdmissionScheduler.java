package com.pbiexport.worker.export.limits;

import com.pbiexport.worker.export.ExportObserver;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Decides which waiting export starts next. An export needs two things to start: one of the instance's
 * {@code maxInFlight} slots (held until its result) and a permit of its capacity's {@link AimdLimit} (held until
 * Power BI reports it Succeeded or Failed - downloads and storage no longer count on the capacity).
 * <p>
 * Fairness: waiting exports sit in one FIFO queue per (tenant, capacity); whenever a slot or permit frees, the
 * scheduler serves tenants round-robin (one export per tenant per turn) and, within a tenant, its capacities
 * round-robin, skipping capacities without room. So 5,000 waiting exports of tenant A delay a single export of
 * tenant B by at most one freed slot, and not at all when only A's capacity is full.
 * <p>
 * Waiting costs no thread: a waiting export is a queue entry; admission runs the export's callback, which only
 * hands its first step to the io pool. A capacity blocked by Retry-After gets one timer that re-runs admission
 * when the block ends. Thread-safe (one lock; callbacks run outside it).
 */
public final class AdmissionScheduler {
    private final int maxInFlight;
    private final int initialConcurrency;
    private final int maxConcurrency;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final ExportObserver observer;

    private final Map<String, TenantQueue<Ticket>> waiting = new HashMap<>();
    /** Tenants with waiting exports. Served least recently served first (round-robin that remembers): a tenant
     *  that submits after a quiet spell goes ahead of a tenant that has been served all along. */
    private final List<String> turn = new ArrayList<>();
    private final Map<String, Long> lastServed = new HashMap<>();
    private long admissions;
    /** Least recently used first: beyond {@link #MAX_CAPACITIES}, idle ones are forgotten (see {@link #limit}). */
    private final LinkedHashMap<String, AimdLimit> capacities = new LinkedHashMap<>(16, 0.75f, true);
    private final int maxCapacities;
    private final Map<String, Instant> wakeUps = new HashMap<>();
    private int slotsInUse;
    private int queued;
    private boolean sweeping;
    private static final long SWEEP_MILLIS = 1000;

    /** Limits kept at most: a key is a workspace when its capacity is unknown; a forgotten idle one is re-learnt. */
    static final int MAX_CAPACITIES = 10_000;

    public AdmissionScheduler(int maxInFlight, int initialConcurrency, int maxConcurrency, Clock clock,
                              ScheduledExecutorService timers, ExportObserver observer) {
        this(maxInFlight, initialConcurrency, maxConcurrency, clock, timers, observer, MAX_CAPACITIES);
    }

    AdmissionScheduler(int maxInFlight, int initialConcurrency, int maxConcurrency, Clock clock,
                       ScheduledExecutorService timers, ExportObserver observer, int maxCapacities) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        this.maxCapacities = maxCapacities;
        this.initialConcurrency = initialConcurrency;
        this.maxConcurrency = maxConcurrency;
        this.clock = Objects.requireNonNull(clock);
        this.timers = Objects.requireNonNull(timers);
        this.observer = observer == null ? ExportObserver.NONE : observer;
    }

    /** An export waiting for (or holding) a slot and a capacity permit. */
    public final class Ticket {
        private final String tenant;
        private final String capacity;
        private final Consumer<Ticket> onAdmitted;
        private final Instant deadline;
        private final Runnable onExpired;
        private boolean queuedNow;
        private boolean slot;
        private boolean permit;
        private boolean accepted; // Power BI accepted the start made with the current permit

        private Ticket(String tenant, String capacity, Instant deadline, Consumer<Ticket> onAdmitted,
                       Runnable onExpired) {
            this.deadline = deadline;
            this.onExpired = onExpired;
            this.tenant = tenant;
            this.capacity = capacity;
            this.onAdmitted = onAdmitted;
        }

        public String capacity() {
            return capacity;
        }

        /** The start was accepted (Power BI answered 202): grows the capacity's limit when it was full. */
        public void started() {
            List<Runnable> admitted;
            synchronized (AdmissionScheduler.this) {
                if (!permit || accepted) {
                    return;
                }
                accepted = true;
                AimdLimit l = limit(capacity);
                l.succeeded(clock.instant());
                observer.capacityLimit(capacity, l.limit());
                admitted = admit(); // a grown limit has room for one more
            }
            admitted.forEach(Runnable::run);
        }

        /**
         * The start was answered 429: shrinks the capacity's limit, blocks its starts for {@code retryAfter},
         * gives slot and permit back and queues this export again at the head of its queue.
         */
        public void throttled(Duration retryAfter) {
            List<Runnable> admitted;
            synchronized (AdmissionScheduler.this) {
                AimdLimit l = limit(capacity);
                l.throttled(clock.instant(), retryAfter);
                observer.capacityThrottled(capacity);
                observer.capacityLimit(capacity, l.limit());
                giveBack(this);
                enqueue(this, true);
                admitted = admit();
            }
            admitted.forEach(Runnable::run);
        }

        /** Power BI reported the export Succeeded or Failed: the capacity no longer counts it. */
        public void renderEnded() {
            List<Runnable> admitted;
            synchronized (AdmissionScheduler.this) {
                if (!permit) {
                    return;
                }
                permit = false;
                AimdLimit l = limit(capacity);
                l.release(accepted);
                accepted = false;
                observer.capacityPermits(capacity, l.inUse());
                admitted = admit();
            }
            admitted.forEach(Runnable::run);
        }

        /** The export ended (result or cancellation): leaves its queue or gives back what it holds. */
        public void close() {
            List<Runnable> admitted;
            synchronized (AdmissionScheduler.this) {
                leaveQueue();
                giveBack(this);
                admitted = admit();
            }
            admitted.forEach(Runnable::run);
        }

        private void leaveQueue() {
            if (!queuedNow) {
                return;
            }
            TenantQueue<Ticket> q = waiting.get(tenant);
            if (q != null && q.remove(this)) {
                queued--;
                if (q.isEmpty()) {
                    waiting.remove(tenant);
                    turn.remove(tenant);
                }
            }
            queuedNow = false;
        }

        /**
         * Leaves the queue if still waiting there (its deadline passed); false when it has been admitted meanwhile
         * or was never queued.
         */
        public boolean withdrawIfQueued() {
            synchronized (AdmissionScheduler.this) {
                if (!queuedNow) {
                    return false;
                }
                leaveQueue();
                return true; // holds nothing while queued, so nothing frees
            }
        }

        /** Gives slot and permit back and waits again, at the back of its queue (a busy restart). */
        public void requeue() {
            List<Runnable> admitted;
            synchronized (AdmissionScheduler.this) {
                giveBack(this);
                enqueue(this, false);
                admitted = admit();
            }
            admitted.forEach(Runnable::run);
        }
    }

    /**
     * Queues an export of {@code tenant} on {@code capacity}; {@code onAdmitted} runs (with this ticket) each time
     * it may start: once, and again after {@link Ticket#throttled} or {@link Ticket#requeue}. It may run before
     * this method returns, on this or another thread, and must not block. A ticket still waiting at
     * {@code deadline} leaves the queue and {@code onExpired} runs (checked once a second, by one timer).
     */
    public Ticket submit(String tenant, String capacity, Instant deadline, Consumer<Ticket> onAdmitted,
                         Runnable onExpired) {
        Ticket t = new Ticket(tenant, capacity, deadline, onAdmitted, onExpired);
        List<Runnable> admitted;
        synchronized (this) {
            enqueue(t, false);
            admitted = admit();
        }
        admitted.forEach(Runnable::run);
        return t;
    }

    /** Exports holding a slot. */
    public synchronized int slotsInUse() {
        return slotsInUse;
    }

    /** Exports waiting for a slot or a permit. */
    public synchronized int queued() {
        return queued;
    }

    /** The current limit of a capacity (for tests and diagnostics). */
    public synchronized int capacityLimit(String capacity) {
        return limit(capacity).limit();
    }

    public synchronized int permitsInUse(String capacity) {
        return limit(capacity).inUse();
    }

    private void enqueue(Ticket t, boolean atHead) {
        startSweeper();
        TenantQueue<Ticket> q = waiting.computeIfAbsent(t.tenant, k -> new TenantQueue<Ticket>(Ticket::capacity));
        if (q.isEmpty() && !turn.contains(t.tenant)) {
            turn.add(t.tenant);
        }
        q.add(t, atHead);
        t.queuedNow = true;
        queued++;
    }

    private void giveBack(Ticket t) {
        if (t.permit) {
            t.permit = false;
            AimdLimit l = limit(t.capacity);
            l.release(t.accepted);
            t.accepted = false;
            observer.capacityPermits(t.capacity, l.inUse());
        }
        if (t.slot) {
            t.slot = false;
            slotsInUse--;
        }
    }

    /**
     * Round-robin over tenants, least recently served first, one admission per tenant per pass, while slots
     * last. Caller holds the lock.
     */
    private List<Runnable> admit() {
        List<Runnable> out = new ArrayList<>();
        Instant now = clock.instant();
        boolean progressed = true;
        while (slotsInUse < maxInFlight && !turn.isEmpty() && progressed) {
            progressed = false;
            turn.sort(Comparator.comparingLong(tenant -> lastServed.getOrDefault(tenant, 0L)));
            for (String tenant : List.copyOf(turn)) {
                if (slotsInUse >= maxInFlight) {
                    break;
                }
                TenantQueue<Ticket> q = waiting.get(tenant);
                Ticket t = q.pollAdmissible(c -> limit(c).hasRoom(now));
                if (t != null) {
                    queued--;
                    t.queuedNow = false;
                    t.slot = true;
                    t.permit = true;
                    slotsInUse++;
                    lastServed.put(tenant, ++admissions);
                    AimdLimit l = limit(t.capacity);
                    l.acquire();
                    observer.capacityPermits(t.capacity, l.inUse());
                    out.add(() -> t.onAdmitted.accept(t));
                    progressed = true;
                }
                if (q.isEmpty()) {
                    waiting.remove(tenant);
                    turn.remove(tenant);
                }
            }
        }
        scheduleWakeUps(now);
        return out;
    }

    /** A capacity blocked by Retry-After with exports waiting gets one timer that re-runs admission. */
    private void scheduleWakeUps(Instant now) {
        for (TenantQueue<Ticket> q : waiting.values()) {
            for (String capacity : q.capacities()) {
                Instant until = limit(capacity).blockedUntil();
                if (until.isAfter(now) && !until.equals(wakeUps.get(capacity))) {
                    wakeUps.put(capacity, until);
                    try {
                        timers.schedule(this::wakeUp, Duration.between(now, until).toMillis() + 1,
                                TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException e) {
                        return; // shutting down
                    }
                }
            }
        }
    }

    private void wakeUp() {
        List<Runnable> admitted;
        synchronized (this) {
            Instant now = clock.instant();
            wakeUps.values().removeIf(at -> !at.isAfter(now));
            admitted = admit();
        }
        admitted.forEach(Runnable::run);
    }

    private void startSweeper() {
        if (sweeping) {
            return;
        }
        sweeping = true;
        try {
            timers.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            sweeping = false; // shutting down
        }
    }

    /** Expires queued tickets past their deadline: their export fails there without ever holding a slot. */
    private void sweep() {
        List<Runnable> expired = new ArrayList<>();
        synchronized (this) {
            Instant now = clock.instant();
            for (TenantQueue<Ticket> q : List.copyOf(waiting.values())) {
                for (Ticket t : q.all()) {
                    if (!now.isBefore(t.deadline)) {
                        t.leaveQueue();
                        expired.add(t.onExpired);
                    }
                }
            }
        }
        expired.forEach(Runnable::run);
    }

    private AimdLimit limit(String capacity) {
        AimdLimit found = capacities.get(capacity);
        if (found != null) {
            return found;
        }
        forgetIdle(maxCapacities - 1);
        AimdLimit l = new AimdLimit(initialConcurrency, maxConcurrency);
        capacities.put(capacity, l);
        observer.capacityLimit(capacity, l.limit());
        return l;
    }

    /** Forgets least recently used idle limits (no permit held, not blocked) until at most {@code keep} remain. */
    private void forgetIdle(int keep) {
        if (capacities.size() <= keep) {
            return;
        }
        Instant now = clock.instant();
        Iterator<Map.Entry<String, AimdLimit>> eldest = capacities.entrySet().iterator();
        while (capacities.size() > keep && eldest.hasNext()) {
            Map.Entry<String, AimdLimit> e = eldest.next();
            if (e.getValue().inUse() == 0 && !e.getValue().blockedUntil().isAfter(now)) {
                eldest.remove();
                observer.capacityForgotten(e.getKey());
            }
        }
    }

    /** Capacity limits known now (the cache-size gauge, tests). */
    public synchronized int capacitiesKnown() {
        return capacities.size();
    }
}
