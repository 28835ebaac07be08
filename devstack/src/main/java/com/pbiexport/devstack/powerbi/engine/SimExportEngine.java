package com.pbiexport.devstack.powerbi.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.pbiexport.devstack.powerbi.ExportEngine;
import com.pbiexport.devstack.scenario.Capacity;
import com.pbiexport.devstack.scenario.Report;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.devstack.sim.Faults;
import com.pbiexport.devstack.sim.Realism;
import com.pbiexport.devstack.sim.RealisticDefaults;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator's export jobs. A job's life is decided when it starts (queue time, render time, outcome) and
 * its state is computed from the clock whenever it is read, so hundreds of running exports and thousands of
 * polls per second cost no threads and no timers, and tests drive time with a controllable {@link Clock}.
 *
 * <p>Behaviour, as the service documents it:
 * <ul>
 *   <li><b>Limits</b>: per capacity, at most {@link SkuProfile#maxConcurrentExports()} exports NotStarted or
 *       Running; beyond it {@link Throttled} with Retry-After = seconds until the first running one ends.
 *       Gauge {@code concurrentExports.<capacityId>}.</li>
 *   <li><b>Timing</b>: NotStarted for half a render round, then Running for
 *       {@code ceil(pages / pagesAtOnce) x pageRenderMillis}, where pagesAtOnce is 5, or less when the
 *       capacity's {@code concurrentPages} (older SKUs) is shared by the exports running on it at start.</li>
 *   <li><b>Failures</b>: each started export consumes one pending {@code exportBusyFailures} (ends Failed WITH
 *       Retry-After: start again later) or else one {@code exportPermanentFailures} (Failed WITHOUT); a failing
 *       export fails after its first render round.</li>
 *   <li><b>Retry-After on polls</b>: {@code pollRetryAfterSeconds} while NotStarted/Running, except on every
 *       3rd status read of a job, which carries none (the real service omits it sometimes, so clients must
 *       fall back to their own interval); never on Succeeded or a permanent Failed.</li>
 *   <li><b>Realistic profile</b> ({@link Realism}, draws keyed by export id so a replay answers alike): ids in
 *       standard base64 with {@code /}, {@code +} and {@code =}; Retry-After present or absent at random per
 *       poll; {@code Undefined} on the early polls of some exports; percentComplete in steps, one per finished
 *       round of 5 pages, and lastActionDateTime at the latest state change or step. Values in
 *       {@link RealisticDefaults}.</li>
 *   <li><b>Files</b>: see {@link ExportFiles}; downloadable until {@code expirationTime} = end +
 *       {@code fileExpirySeconds}. An expired job keeps its status; only its file is gone.</li>
 * </ul>
 */
public final class SimExportEngine implements ExportEngine {
    /** Expired jobs stay readable this long before they are forgotten (bounded memory in long runs). */
    private static final Duration PURGE_AFTER_EXPIRY = Duration.ofHours(1);
    private static final int MAX_THROTTLE_RETRY_AFTER_SECONDS = 120;

    private final Scenario scenario;
    private final Faults faults;
    private final Counters counters;
    private final Clock clock;
    private final Realism realism;
    private final AtomicLong exportsStarted = new AtomicLong();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, CapacityState> capacities = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Job> byCreation = new ConcurrentLinkedQueue<>();

    /** The clean profile: one deterministic answer per state. */
    public SimExportEngine(Scenario scenario, Faults faults, Counters counters, Clock clock) {
        this(scenario, faults, counters, clock, Realism.clean());
    }

    public SimExportEngine(Scenario scenario, Faults faults, Counters counters, Clock clock, Realism realism) {
        this.scenario = scenario;
        this.faults = faults;
        this.counters = counters;
        this.clock = clock;
        this.realism = realism;
    }

    /** Running exports of one capacity, ordered by end time, guarded by the state's own lock. */
    private static final class CapacityState {
        final String capacityId;
        final SkuProfile profile;
        final PriorityQueue<Job> active = new PriorityQueue<>(Comparator.comparing((Job j) -> j.endAt));

        CapacityState(String capacityId, SkuProfile profile) {
            this.capacityId = capacityId;
            this.profile = profile;
        }
    }

    @Override
    public StartResult start(String tenantId, Capacity capacity, String workspaceId, Report report, String format,
                             int pages, String principal, JsonNode config) {
        Instant now = clock.instant();
        purgeExpired(now);
        String fmt = format == null ? "" : format.toUpperCase(Locale.ROOT);
        int pageCount = Math.max(1, pages);
        CapacityState cap = capacities.computeIfAbsent(capacity.id(),
                id -> new CapacityState(id, SkuProfile.forCapacity(capacity)));
        Job job;
        synchronized (cap) {
            releaseFinished(cap, now);
            Optional<Integer> throttle = throttle(cap, now);
            if (throttle.isPresent()) {
                return new Throttled(throttle.get());
            }
            long round = Math.max(0, capacity.pageRenderMillis() != null ? capacity.pageRenderMillis()
                    : scenario.pageRenderMillis());
            job = newJob(tenantId, cap, workspaceId, report, fmt, pageCount, principal, config, now, round);
            cap.active.add(job);
        }
        counters.gauge("concurrentExports." + cap.capacityId, 1);
        counters.increment("exportsStarted");  // really started, whether or not the caller hears of it
        jobs.put(job.id, job);
        byCreation.add(job);
        return new Started(snapshot(job, now, false));
    }

    /** Retry-After seconds when the capacity cannot take another export now. Caller holds the lock. */
    private static Optional<Integer> throttle(CapacityState cap, Instant now) {
        if (cap.active.size() >= cap.profile.maxConcurrentExports()) {
            Job first = cap.active.peek();
            long wait = first == null ? 1 : Duration.between(now, first.endAt).toMillis();
            return Optional.of(clampSeconds(wait));
        }
        return Optional.empty();
    }

    private static int clampSeconds(long millis) {
        long seconds = (millis + 999) / 1000;
        return (int) Math.max(1, Math.min(MAX_THROTTLE_RETRY_AFTER_SECONDS, seconds));
    }

    private Job newJob(String tenantId, CapacityState cap, String workspaceId, Report report, String fmt, int pages,
                       String principal, JsonNode config, Instant now, long round) {
        long renderMillis = renderRounds(pages, cap.profile.concurrentPages(), cap.active.size() + 1) * round;
        Instant runningAt = now.plusMillis(round / 2);
        Job.Outcome outcome = faults.takeExportBusyFailure() ? Job.Outcome.FAILED_BUSY
                : faults.takeExportPermanentFailure() ? Job.Outcome.FAILED_PERMANENT
                : Job.Outcome.SUCCEEDED;
        Instant endAt = runningAt.plusMillis(outcome == Job.Outcome.SUCCEEDED ? renderMillis : Math.min(renderMillis, round));
        FileSpec spec = RequestOptions.fileSpec(report.name(), fmt, pages, config,
                report.fileSizeBytes() == null ? 0 : report.fileSizeBytes());
        String id = newExportId();
        long rounds = round > 0 ? renderMillis / round : 0;
        // some exports answer Undefined (a Swagger enum value) on their first polls, before NotStarted
        Instant undefinedUntil = realism.chance(id + "#undefined", RealisticDefaults.UNDEFINED_STATUS_SHARE)
                ? now.plusMillis((long) (round / 2 * RealisticDefaults.UNDEFINED_FRACTION_OF_QUEUE)) : null;
        return new Job(id, tenantId, workspaceId, cap.capacityId, report.id(), report.name(), fmt, principal,
                spec, ExportFiles.extension(fmt, spec.imageFormat(), pages), now, runningAt, renderMillis, endAt, outcome,
                endAt.plusSeconds(scenario.fileExpirySeconds()), rounds, undefinedUntil);
    }

    /**
     * Render rounds for a report: 5 pages at a time; on a capacity with a page limit, the exports running there
     * share it (fewer pages per round, or several rounds per page when there are more exports than pages).
     */
    static long renderRounds(int pages, Integer capacityPages, int exportsSharing) {
        if (capacityPages == null) {
            return ceilDiv(pages, 5);
        }
        double share = (double) capacityPages / Math.max(1, exportsSharing);
        if (share >= 1) {
            return ceilDiv(pages, (int) Math.min(5, Math.floor(share)));
        }
        return (long) pages * (long) Math.ceil(1 / share);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /**
     * An opaque id. Realistic: standard base64 with padding, so it contains {@code /}, {@code +} and {@code =} as
     * the service's do (Swagger example {@code Mi9C5419i....PS4=}), drawn from the seed and the start's ordinal.
     * Clean: URL-safe base64 of a random UUID, which can sit in a path unescaped.
     */
    private String newExportId() {
        if (realism.realistic()) {
            byte[] bytes = new byte[RealisticDefaults.EXPORT_ID_BYTES];
            realism.keyed("export-id#" + exportsStarted.incrementAndGet()).nextBytes(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        }
        UUID u = UUID.randomUUID();
        byte[] bytes = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public Optional<ExportJob> get(String exportId) {
        Job job = exportId == null ? null : jobs.get(exportId);
        if (job == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (job.finishedAt(now) && !job.released.get()) {
            CapacityState cap = capacities.get(job.capacityId);
            synchronized (cap) {
                releaseFinished(cap, now);
            }
        }
        return Optional.of(snapshot(job, now, true));
    }

    @Override
    public Optional<ExportFile> file(String exportId) {
        Job job = exportId == null ? null : jobs.get(exportId);
        Instant now = clock.instant();
        if (job == null || job.outcome != Job.Outcome.SUCCEEDED || !job.finishedAt(now) || !now.isBefore(job.expiresAt)) {
            return Optional.empty();
        }
        RenderedFile f = job.file;
        if (f == null) {
            f = ExportFiles.render(job.fileSpec);
            job.file = f; // a race renders twice at worst; both results are identical
        }
        return Optional.of(new ExportFile(f.contentType(), f.extension(), f.length(), f.open()));
    }

    /**
     * Gives back the capacity slots of every finished export and forgets long-expired jobs. Reads do this
     * lazily; call it before reading the {@code concurrentExports.*} gauges (the admin API does).
     */
    public void sweep() {
        Instant now = clock.instant();
        for (CapacityState cap : capacities.values()) {
            synchronized (cap) {
                releaseFinished(cap, now);
            }
        }
        purgeExpired(now);
    }

    /** Number of exports currently counted against a capacity's limit. */
    public int activeExports(String capacityId) {
        CapacityState cap = capacities.get(capacityId);
        if (cap == null) {
            return 0;
        }
        synchronized (cap) {
            releaseFinished(cap, clock.instant());
            return cap.active.size();
        }
    }

    /** Caller holds the capacity's lock. */
    private void releaseFinished(CapacityState cap, Instant now) {
        while (!cap.active.isEmpty() && cap.active.peek().finishedAt(now)) {
            Job done = cap.active.poll();
            if (done.released.compareAndSet(false, true)) {
                counters.gauge("concurrentExports." + cap.capacityId, -1);
            }
        }
    }

    private void purgeExpired(Instant now) {
        // creation order approximates expiry order; a job stuck behind a longer one is purged a little later
        for (Job head = byCreation.peek(); head != null && head.released.get()
                && now.isAfter(head.expiresAt.plus(PURGE_AFTER_EXPIRY)); head = byCreation.peek()) {
            if (byCreation.remove(head)) {
                jobs.remove(head.id);
            }
        }
    }

    private ExportJob snapshot(Job job, Instant now, boolean isPoll) {
        long read = isPoll ? job.reads.incrementAndGet() : 0;
        String status;
        int percent;
        Instant lastAction;
        Optional<Integer> retryAfter;
        int pollRetryAfter = scenario.pollRetryAfterSeconds();
        if (isPoll && job.undefinedUntil != null && now.isBefore(job.undefinedUntil)) {
            status = "Undefined";
            percent = 0;
            lastAction = job.created;
            retryAfter = pollRetryAfter(job, read, pollRetryAfter);
        } else if (now.isBefore(job.runningAt)) {
            status = "NotStarted";
            percent = 0;
            lastAction = job.created;
            retryAfter = isPoll ? pollRetryAfter(job, read, pollRetryAfter) : Optional.of(pollRetryAfter);
        } else if (now.isBefore(job.endAt)) {
            status = "Running";
            percent = progress(job, now);
            lastAction = lastStep(job, now);
            retryAfter = isPoll ? pollRetryAfter(job, read, pollRetryAfter) : Optional.of(pollRetryAfter);
        } else if (job.outcome == Job.Outcome.SUCCEEDED) {
            status = "Succeeded";
            percent = 100;
            lastAction = job.endAt;
            retryAfter = Optional.empty();
        } else {
            status = "Failed";
            percent = progress(job, job.endAt);
            lastAction = job.endAt;
            retryAfter = job.outcome == Job.Outcome.FAILED_BUSY ? Optional.of(Math.max(1, pollRetryAfter)) : Optional.empty();
        }
        return new ExportJob(job.id, job.tenantId, job.workspaceId, job.reportId, job.reportName, job.format,
                job.principal, status, percent, job.created, lastAction, job.expiresAt, job.extension, retryAfter);
    }

    /**
     * Retry-After of a poll while the export is not done. Clean: absent on every 3rd read. Realistic: present or
     * absent at random, drawn per export and read so a replay answers alike.
     */
    private Optional<Integer> pollRetryAfter(Job job, long read, int seconds) {
        boolean present = realism.realistic()
                ? realism.keyed(job.id + "#poll#" + read).nextDouble() < RealisticDefaults.POLL_RETRY_AFTER_SHARE
                : read % 3 != 0;
        return present ? Optional.of(seconds) : Optional.empty();
    }

    /**
     * Percent rendered at an instant while running: 0..99 (100 only once Succeeded). Clean: linear in time.
     * Realistic: one step per finished round of 5 pages.
     */
    private int progress(Job job, Instant at) {
        if (job.renderMillis <= 0) {
            return 0;
        }
        if (realism.realistic() && job.rounds > 0) {
            return (int) Math.min(99, finishedRounds(job, at) * 100 / job.rounds);
        }
        long elapsed = Duration.between(job.runningAt, at).toMillis();
        return (int) Math.max(0, Math.min(99, elapsed * 100 / job.renderMillis));
    }

    /** lastActionDateTime while running: the start of running (clean), or the latest finished round (realistic). */
    private Instant lastStep(Job job, Instant now) {
        if (!realism.realistic() || job.rounds <= 0) {
            return job.runningAt;
        }
        return job.runningAt.plusMillis(finishedRounds(job, now) * (job.renderMillis / job.rounds));
    }

    private static long finishedRounds(Job job, Instant at) {
        long elapsed = Math.max(0, Duration.between(job.runningAt, at).toMillis());
        return Math.min(job.rounds, elapsed / (job.renderMillis / job.rounds));
    }
}
