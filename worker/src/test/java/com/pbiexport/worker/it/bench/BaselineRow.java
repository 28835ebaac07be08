package com.pbiexport.worker.it.bench;

import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.auth.MsalTokenSource;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.it.WorkerHarness;
import com.pbiexport.worker.powerbi.ApiResponse;
import com.pbiexport.worker.powerbi.ExportJob;
import com.pbiexport.worker.powerbi.ExportStatus;
import com.pbiexport.worker.powerbi.ExportTarget;
import com.pbiexport.worker.powerbi.PowerBiClient;
import com.pbiexport.worker.powerbi.PowerBiEndpoint;
import com.pbiexport.worker.powerbi.PowerBiException;
import com.pbiexport.worker.powerbi.PowerBiFailure;
import com.pbiexport.worker.powerbi.PowerBiHttpSettings;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The baselines, on the same row and workload as the worker, with the same {@code PowerBiClient}, no Kafka:
 * <ul>
 *   <li>{@code naive}: Microsoft's documented strategy - a fixed pool of threads (64, the worker's shipped
 *       {@code limits.maxInFlight}), each export start -> poll -> download; every wait is the answer's Retry-After
 *       (a poll, a 429, a transient 5xx or a {@code Failed} export with Retry-After, which starts it again), 5 s when
 *       absent; 3 retries per call (and 3 restarts per export), then the export is given up;</li>
 *   <li>{@code fixed5}: the loop of the published samples - poll every 5 s and retry a 429 after the same 5 s,
 *       Retry-After ignored, no retry cap.</li>
 * </ul>
 */
final class BaselineRow {
    static final int POOL = 64;
    static final Duration FALLBACK = Duration.ofSeconds(5);
    static final int RETRIES = 3;

    private static final AtomicLong TASK_CPU_NANOS = new AtomicLong();

    private BaselineRow() {
    }

    static RowFigures run(WorkerHarness harness, BenchRow row, BenchScenario.RowIds ids, boolean documented)
            throws Exception {
        String strategy = documented ? "naive" : "fixed5";
        WorkerConfig config = DemoStack.config(harness.stack(), Files.createTempDirectory(strategy), strategy);
        TenantConfig contoso = config.tenants().get(DemoStack.CONTOSO);
        ScheduledExecutorService tokenTimers = Executors.newSingleThreadScheduledExecutor(
                r -> RowMeasure.daemon(r, strategy + "-token"));
        ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(POOL, new java.util.concurrent
                .ThreadFactory() {
            private final AtomicInteger n = new AtomicInteger();

            @Override
            public Thread newThread(Runnable r) {
                return RowMeasure.daemon(r, strategy + "-pool-" + n.incrementAndGet());
            }
        });
        ExportTarget target = new ExportTarget(ids.workspaceId(), ids.reportId());
        try (MsalTokenSource tokens = RowMeasure.tokenSource(DemoStack.CONTOSO, contoso, harness, tokenTimers);
             PowerBiClient client = new PowerBiClient(new PowerBiEndpoint(URI.create(harness.stack().powerBiUrl())),
                     tokens, PowerBiHttpSettings.defaults(), Clock.systemUTC())) {
            Predicate<String> mine = n -> n.startsWith(strategy + "-");
            RowSampler sampler = RowSampler.start(harness.stack(), ids.capacityId(), BenchScenario.CONTOSO_TENANT_ID,
                    () -> POOL, mine);
            long tokenCpuBefore = RowSampler.cpuNanos(n -> n.startsWith(strategy + "-token"));
            TASK_CPU_NANOS.set(0);
            List<RowMeasure.Done> done = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger failed = new AtomicInteger();
            AtomicInteger finished = new AtomicInteger();
            int submitted = 0;
            int n = 0;
            while (sampler.elapsedMs() < row.seconds() * 1000L) {
                while (submitted - finished.get() < row.backlog()) {
                    int pages = row.pages(n++);
                    pool.execute(() -> task(client, target, pages, documented, done, failed, finished));
                    submitted++;
                }
                TimeUnit.MILLISECONDS.sleep(500); // the feeder's own pace, bounded by the row's window
            }
            Instant end = Instant.now();
            List<RowSampler.Sample> samples = sampler.stop();
            pool.shutdownNow();
            pool.awaitTermination(15, TimeUnit.SECONDS);
            long cpu = TASK_CPU_NANOS.get() + RowSampler.cpuNanos(n2 -> n2.startsWith(strategy + "-token"))
                    - tokenCpuBefore;
            List<RowMeasure.Done> inWindow = new ArrayList<>();
            synchronized (done) {
                done.stream().filter(d -> !d.doneAt().isAfter(end)).forEach(inWindow::add);
            }
            int threads = samples.stream().mapToInt(RowSampler.Sample::threads).max().orElse(0);
            return RowMeasure.figures(harness, contoso, DemoStack.CONTOSO, target, row, strategy, samples, inWindow,
                    failed.get(), cpu, threads);
        } finally {
            pool.shutdownNow();
            tokenTimers.shutdownNow();
        }
    }

    private static void task(PowerBiClient client, ExportTarget target, int pages, boolean documented,
                             List<RowMeasure.Done> done, AtomicInteger failed, AtomicInteger finished) {
        long cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        try {
            boolean ok = documented ? documented(client, target, pages, done) : fixed5(client, target, pages, done);
            if (!ok) {
                failed.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the window ended: neither done nor failed
        } catch (RuntimeException e) {
            failed.incrementAndGet();
        } finally {
            finished.incrementAndGet();
            TASK_CPU_NANOS.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart);
        }
    }

    /** Microsoft's documented strategy: Retry-After everywhere (5 s when absent), 3 retries, 3 restarts. */
    private static boolean documented(PowerBiClient client, ExportTarget target, int pages, List<RowMeasure.Done> done)
            throws InterruptedException {
        for (int restart = 0; restart <= RETRIES; restart++) {
            ApiResponse<ExportJob> r = withRetries(() -> client.startExport(target, WorkerRow.body(pages)));
            if (r == null) {
                return false;
            }
            ExportJob job = r.value();
            while (!(job.status() instanceof ExportStatus.Succeeded) && !(job.status() instanceof ExportStatus.Failed)) {
                sleep(r.retryAfter().orElse(FALLBACK));
                String id = job.id();
                r = withRetries(() -> client.getExportStatus(target, id));
                if (r == null) {
                    return false;
                }
                job = r.value();
            }
            if (job.status() instanceof ExportStatus.Succeeded) {
                ExportJob succeeded = job;
                if (withRetries(() -> download(client, target, succeeded)) == null) {
                    return false;
                }
                done.add(new RowMeasure.Done(job.id(), Instant.now()));
                return true;
            }
            if (r.retryAfter().isEmpty()) {
                return false; // Failed without Retry-After: permanent
            }
            sleep(r.retryAfter().get()); // Failed with Retry-After: the service was busy, start again
        }
        return false;
    }

    /** The published samples' loop: a fixed 5 s for polls and 429s, Retry-After ignored. */
    private static boolean fixed5(PowerBiClient client, ExportTarget target, int pages, List<RowMeasure.Done> done)
            throws InterruptedException {
        ExportJob job = null;
        while (job == null) {
            try {
                job = client.startExport(target, WorkerRow.body(pages)).value();
            } catch (PowerBiException e) {
                if (!(e.failure() instanceof PowerBiFailure.Http h && h.status() == 429)) {
                    throw e;
                }
                sleep(FALLBACK);
            }
        }
        while (!(job.status() instanceof ExportStatus.Succeeded) && !(job.status() instanceof ExportStatus.Failed)) {
            sleep(FALLBACK);
            job = client.getExportStatus(target, job.id()).value();
        }
        if (!(job.status() instanceof ExportStatus.Succeeded)) {
            return false;
        }
        download(client, target, job);
        done.add(new RowMeasure.Done(job.id(), Instant.now()));
        return true;
    }

    private static ApiResponse<Long> download(PowerBiClient client, ExportTarget target, ExportJob job) {
        return client.downloadFile(target, job, body -> {
            try (InputStream in = body.stream()) {
                return in.transferTo(OutputStream.nullOutputStream());
            }
        });
    }

    /** One call with up to 3 retries on a 429, a 5xx or a transport failure, waiting Retry-After or 5 s. */
    private static <T> ApiResponse<T> withRetries(Supplier<ApiResponse<T>> call) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                return call.get();
            } catch (PowerBiException e) {
                Optional<Duration> wait = Optional.empty();
                boolean transient_ = e.failure() instanceof PowerBiFailure.Transport;
                if (e.failure() instanceof PowerBiFailure.Http h) {
                    transient_ = h.status() == 429 || h.status() >= 500;
                    wait = h.retryAfter();
                }
                if (!transient_ || attempt >= RETRIES) {
                    return null;
                }
                sleep(wait.orElse(FALLBACK));
            }
        }
    }

    private static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(Math.max(0, d.toMillis())); // the strategy's own wait: blocking a pool thread is the point
    }
}
