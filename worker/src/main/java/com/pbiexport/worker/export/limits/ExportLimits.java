package com.pbiexport.worker.export.limits;

import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.export.ExportObserver;

import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The limits every export of one instance shares: fair admission with per-capacity AIMD limits, the capacity
 * resolution they are keyed by, the per-tenant request rate, and whether polls are placed at the forecast end of
 * rendering ({@link RenderForecast}).
 *
 * @param forecastPolls whether polls are placed at the forecast end of rendering ({@code limits.forecastPolls})
 */
public record ExportLimits(AdmissionScheduler admission, CapacityResolver capacities, RequestRate rate,
                           boolean forecastPolls) {
    /** A forecast for one export's polls (switched off when {@link #forecastPolls} is false). */
    public RenderForecast newForecast() {
        return new RenderForecast(forecastPolls);
    }

    public static ExportLimits create(Limits limits, Clock clock, ScheduledExecutorService timers, Executor io,
                                      ExportObserver observer, CapacityResolver.Lookup lookup) {
        RequestRate rate = new RequestRate(limits.tenantRequestsPerSecond(), clock);
        return new ExportLimits(
                new AdmissionScheduler(limits.maxInFlight(), limits.capacityInitialConcurrency(),
                        limits.capacityMaxConcurrency(), clock, timers, observer),
                new CapacityResolver(lookup, limits.capacityLookupTtl(), clock, io, timers, rate),
                rate, limits.forecastPolls());
    }
}
