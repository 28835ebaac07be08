package com.pbiexport.worker.jobstate;

import com.pbiexport.contracts.ExportRequested;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The evidence against poison requests, kept in Kafka (the job state), never in memory alone: before an owner runs
 * a request it durably records a claim, the instant it took it, in the request's job state; a clean end removes
 * that claim again (the answer's {@code done} state ends them all; a revocation or a graceful shutdown writes the
 * state back without this owner's claim). So the claims the next owner finds are those of owners that died with
 * the request in flight, and when there are {@code threshold} of them the request is answered
 * {@code POISON_REQUEST} instead of being run (and crashing that owner too). At most {@code threshold} claims are
 * kept (the latest). Thread-safe: claims are taken on the intake thread, running states recorded on export
 * threads; {@link #answered} and {@link #release} run their sends under one lock, so a release never overwrites
 * the {@code done} state of an answer sent before it, and an answer sent after a release comes later on the topic.
 */
final class CrashClaims {
    /** A state written from here: {@code state} null = a tombstone. */
    record Write(int partition, String requestId, JobState state) { }

    private record Held(int partition, JobState state, Instant mine) { }

    private final int threshold;
    /** requestId -> the last state this owner recorded with its claim in it; guarded by {@code this}. */
    private final Map<String, Held> held = new HashMap<>();

    /** @param threshold claims that make a request poison; 0 turns claims off */
    CrashClaims(int threshold) {
        if (threshold < 0) {
            throw new IllegalArgumentException("threshold must be at least 0, was " + threshold);
        }
        this.threshold = threshold;
    }

    boolean enabled() {
        return threshold > 0;
    }

    int threshold() {
        return threshold;
    }

    /**
     * The claims of the owners that died with the request in flight, when there are at least {@code threshold}:
     * the request must not run again. Empty when claims are off, nothing is known, or the request was answered.
     */
    Optional<List<Instant>> poisoned(Optional<JobState> known) {
        if (!enabled()) {
            return Optional.empty();
        }
        return known.filter(s -> !s.isDone()).map(JobState::claims).filter(c -> c.size() >= threshold);
    }

    /**
     * The state to record before the request runs: the known state (a running export stays resumable) or a new
     * {@code claimed} one, with this owner's claim at {@code now} added.
     */
    synchronized JobState claim(int partition, ExportRequested r, Optional<JobState> known, Instant now) {
        JobState base = known.filter(s -> !s.isDone()).orElseGet(() -> new JobState(r.requestId(), r.tenant(),
                r.workspaceId(), r.reportId(), "", 1, now, JobState.STATUS_CLAIMED,
                now.plus(JobState.EXPORT_FILE_LIFETIME)));
        List<Instant> claims = new ArrayList<>(base.claims());
        claims.add(now);
        JobState claimed = base.withClaims(claims.subList(Math.max(0, claims.size() - threshold), claims.size()));
        held.put(r.requestId(), new Held(partition, claimed, now));
        return claimed;
    }

    /** A running state about to be recorded, with the request's claims (a crash after ExportTo counts too). */
    synchronized JobState running(JobState running) {
        Held h = held.get(running.requestId());
        if (h == null) {
            return running;
        }
        JobState withClaims = running.withClaims(h.state().claims());
        held.put(running.requestId(), new Held(h.partition(), withClaims, h.mine()));
        return withClaims;
    }

    /** The request is answered: {@code publish} sends the answer and its {@code done} state, which ends claims. */
    synchronized <T> T answered(String requestId, Supplier<T> publish) {
        held.remove(requestId);
        return publish.get();
    }

    /**
     * {@code partitions} are given up cleanly (revoked, or the instance stops): each request still held gets its
     * state back without this owner's claim ({@code send} is given the writes, in order), or a tombstone when
     * nothing but the claim was recorded.
     */
    synchronized void release(Collection<Integer> partitions, Consumer<Write> send) {
        for (Iterator<Map.Entry<String, Held>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Held> e = it.next();
            Held h = e.getValue();
            if (!partitions.contains(h.partition())) {
                continue;
            }
            it.remove();
            List<Instant> others = new ArrayList<>(h.state().claims());
            others.remove(h.mine());
            JobState back = h.state().withClaims(others);
            boolean nothingElse = others.isEmpty() && JobState.STATUS_CLAIMED.equals(back.status());
            send.accept(new Write(h.partition(), e.getKey(), nothingElse ? null : back));
        }
    }

    /** Requests held (for tests). */
    synchronized int size() {
        return held.size();
    }
}
