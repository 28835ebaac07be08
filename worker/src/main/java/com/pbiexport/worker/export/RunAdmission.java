package com.pbiexport.worker.export;

import com.pbiexport.worker.export.limits.AdmissionScheduler;
import com.pbiexport.worker.export.limits.ExportLimits;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * One export's place in the admission scheduler: asked once (resolve the capacity, queue a ticket), then the
 * ticket is re-used for a throttled start and a busy restart. Waiting holds no thread. A resumed export has no
 * ticket until it starts an export of its own.
 */
final class RunAdmission {
    private final ExportJobSpec spec;
    private final ExportLimits limits;
    private final Deadline deadline;
    private final BooleanSupplier over;
    private volatile AdmissionScheduler.Ticket ticket;

    /** @param over whether the export is cancelled or finished (a ticket queued then is closed at once) */
    RunAdmission(ExportJobSpec spec, ExportLimits limits, Deadline deadline, BooleanSupplier over) {
        this.spec = spec;
        this.limits = limits;
        this.deadline = deadline;
        this.over = over;
    }

    boolean holdsTicket() {
        return ticket != null;
    }

    /**
     * Resolves the workspace's capacity and queues for a slot and a permit of it, fair across tenants.
     * {@code onAdmitted} runs each time the ticket is admitted (now or later, on any thread; it must not block);
     * {@code onExpired} when it is still queued at the deadline.
     */
    void ask(Runnable onAdmitted, Runnable onExpired) {
        String workspaceId = spec.request().workspaceId();
        limits.capacities().resolve(spec.tenant(), workspaceId, spec.profileId())
                .whenComplete((capacity, error) -> {
                    if (over.getAsBoolean()) {
                        return;
                    }
                    String key = capacity != null ? capacity : "workspace:" + workspaceId;
                    AdmissionScheduler.Ticket t = limits.admission().submit(spec.tenant(), key, deadline.at(),
                            admitted -> {
                                ticket = admitted;
                                onAdmitted.run();
                            }, onExpired);
                    ticket = t;
                    if (over.getAsBoolean()) {
                        t.close(); // cancelled while it was being queued
                    }
                });
    }

    /** ExportTo was answered 429: the capacity waits out {@code retryAfter}, this export queues first. */
    void throttled(Duration retryAfter) {
        ticket.throttled(retryAfter);
    }

    /** A busy restart: queues again behind the exports already waiting. */
    void requeue() {
        ticket.requeue();
    }

    /** Power BI accepted the start: the capacity's limit may grow. */
    void started() {
        AdmissionScheduler.Ticket t = ticket;
        if (t != null) {
            t.started();
        }
    }

    /** Power BI reported Succeeded or Failed: the capacity no longer counts this export. */
    void renderEnded() {
        AdmissionScheduler.Ticket t = ticket;
        if (t != null) {
            t.renderEnded();
        }
    }

    /** Gives slot and permit back, or leaves the queue (idempotent: the scheduler tracks what the ticket holds). */
    void release() {
        AdmissionScheduler.Ticket t = ticket;
        if (t != null) {
            t.close();
        }
    }
}
