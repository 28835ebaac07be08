package com.pbiexport.worker.export.limits;

import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.export.ExportObserver;

import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The limits every export of one instance shares: fair admission with per-capacity AIMD limits, the capacity
 * resolution they are keyed by, and the per-tenant request rate.
 */
public record ExportLimits(AdmissionScheduler admission, CapacityResolver capacities, RequestRate rate) {

    public static ExportLimits create(Limits limits, Clock clock, ScheduledExecutorService timers, Executor io,
                                      ExportObserver observer, CapacityResolver.Lookup lookup) {
        RequestRate rate = new RequestRate(limits.tenantRequestsPerSecond(), clock);
        return new ExportLimits(
                new AdmissionScheduler(limits.maxInFlight(), limits.capacityInitialConcurrency(),
                        limits.capacityMaxConcurrency(), clock, timers, observer),
                new CapacityResolver(lookup, limits.capacityLookupTtl(), clock, io, timers, rate),
                rate);
    }
}
