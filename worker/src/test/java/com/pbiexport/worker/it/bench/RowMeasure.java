package com.pbiexport.worker.it.bench;

import com.pbiexport.worker.auth.CredentialSource;
import com.pbiexport.worker.auth.MsalTokenSource;
import com.pbiexport.worker.auth.TenantCredentials;
import com.pbiexport.worker.auth.TokenPolicy;
import com.pbiexport.worker.config.CredentialConfig;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.it.WorkerHarness;
import com.pbiexport.worker.powerbi.ExportJob;
import com.pbiexport.worker.powerbi.ExportTarget;
import com.pbiexport.worker.powerbi.PowerBiClient;
import com.pbiexport.worker.powerbi.PowerBiEndpoint;
import com.pbiexport.worker.powerbi.PowerBiHttpSettings;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;

/** Turns a row's samples and finished exports into {@link RowFigures}. */
final class RowMeasure {
    /** Tokens live this long in the bench's scenario, so that refreshes happen inside a row (said in the output). */
    static final long TOKEN_LIFETIME_SECONDS = 30;

    /** An export the strategy finished (file stored or downloaded) at {@code doneAt}, on our clock. */
    record Done(String exportId, Instant doneAt) { }

    private RowMeasure() {
    }

    static RowFigures figures(WorkerHarness harness, TenantConfig tenant, String alias, ExportTarget target,
                              BenchRow row, String strategy, List<RowSampler.Sample> s, List<Done> done, int failed,
                              long cpuNanos, int threads) {
        int first = RowSampler.firstStart(s);
        RowSampler.Sample a = s.get(first);
        RowSampler.Sample b = s.get(s.size() - 1);
        double seconds = (b.atMs() - s.get(0).atMs()) / 1000.0;
        int conv = RowSampler.convergedAt(s, row.limit());
        Double convergence = conv < 0 ? null : s.get(conv).atMs() / 1000.0;
        Double after = conv < 0 ? null : (b.atMs() - s.get(conv).atMs()) / 1000.0;
        long started = b.started() - s.get(0).started();
        double lifetimes = Math.max(1e-9, seconds / TOKEN_LIFETIME_SECONDS);
        double minimumPolls = Math.ceil(row.meanRenderMs() / 1000.0);
        List<Long> latencies = addedLatencies(harness, tenant, alias, target, done);
        System.gc();
        long heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
        return new RowFigures(row.name(), strategy, seconds, started, done.size(), failed,
                RowSampler.utilisation(s, first, row.limit()),
                conv < 0 ? null : RowSampler.utilisation(s, conv, row.limit()), convergence, after,
                RowSampler.throttledPer1000(s, 0), conv < 0 ? null : RowSampler.throttledPer1000(s, conv),
                (b.tokens() - s.get(0).tokens()) / lifetimes,
                (b.polls() - a.polls()) / (double) Math.max(1, started) / minimumPolls,
                percentile(latencies, 0.50), percentile(latencies, 0.99), cpuNanos / 1e6 / Math.max(1, done.size()),
                threads, heapMb, b.limitInUse());
    }

    /**
     * Simulator Succeeded ({@code lastActionDateTime}, on its skewed clock, corrected) -> the strategy done with the
     * export, for each finished export; read after the window from the simulator, 16 reads at a time.
     */
    private static List<Long> addedLatencies(WorkerHarness harness, TenantConfig tenant, String alias,
                                             ExportTarget target, List<Done> done) {
        Duration skew = harness.stack().realism().clockSkew();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "bench-token"));
        ExecutorService pool = Executors.newFixedThreadPool(16, r -> daemon(r, "bench-query"));
        List<Long> out = new ArrayList<>();
        try (MsalTokenSource tokens = tokenSource(alias, tenant, harness, timers);
             PowerBiClient client = new PowerBiClient(new PowerBiEndpoint(URI.create(harness.stack().powerBiUrl())),
                     tokens, PowerBiHttpSettings.defaults(), Clock.systemUTC())) {
            List<Future<Optional<Long>>> futures = new ArrayList<>();
            for (Done d : done) {
                futures.add(pool.submit(() -> {
                    for (int attempt = 0; attempt < 3; attempt++) { // realistic: rare lost answers
                        try {
                            ExportJob j = client.getExportStatus(target, d.exportId()).value();
                            return j.lastActionDateTime().map(t -> Math.max(0,
                                    Duration.between(t.minus(skew), d.doneAt()).toMillis()));
                        } catch (RuntimeException e) {
                            // try again; an export the simulator no longer knows is left out
                        }
                    }
                    return Optional.<Long>empty();
                }));
            }
            for (Future<Optional<Long>> f : futures) {
                try {
                    f.get().ifPresent(out::add);
                } catch (Exception e) {
                    // left out of the latency figures
                }
            }
        } finally {
            pool.shutdownNow();
            timers.shutdownNow();
        }
        Collections.sort(out);
        return out;
    }

    static MsalTokenSource tokenSource(String alias, TenantConfig t, WorkerHarness harness,
                                       ScheduledExecutorService timers) {
        String secret = ((CredentialConfig.Secret) t.credential()).value().orElseThrow();
        TenantCredentials credentials = new TenantCredentials(alias, t.tenantId(), t.clientId(),
                URI.create("https://" + t.cloud().authorityHost()), t.effectiveScope(),
                new CredentialSource.Secret(() -> secret), Optional.of(URI.create(harness.stack().entraUrl())));
        return new MsalTokenSource(credentials, TokenPolicy.defaults(), Clock.systemUTC(), timers);
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
