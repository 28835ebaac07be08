package com.pbiexport.worker.export;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.sim.SimProfile;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.sim.FaultSettings;
import com.pbiexport.worker.auth.CredentialSource;
import com.pbiexport.worker.auth.MsalTokenSource;
import com.pbiexport.worker.auth.TenantCredentials;
import com.pbiexport.worker.auth.TokenPolicy;
import com.pbiexport.worker.config.CloudName;
import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.diagnose.TargetEvidence;
import com.pbiexport.worker.diagnose.TargetLookUp;
import com.pbiexport.worker.diagnose.WorkspaceEvidence;
import com.pbiexport.worker.powerbi.PowerBiClient;
import com.pbiexport.worker.powerbi.PowerBiEndpoint;
import com.pbiexport.worker.powerbi.PowerBiHttpSettings;
import com.pbiexport.worker.storage.FilesystemSink;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The devstack's Entra and Power BI simulators (no Kafka) with the real msal4j token source and the real Power BI
 * client in front, wired like {@code WorkerApp} does for one tenant alias, {@code contoso}.
 */
final class SimulatedPowerBi implements AutoCloseable {
    static final String TENANT = "contoso";
    static final String SINK = "files";

    final DevStack stack;
    final Path outputDir;
    private final ScheduledExecutorService tokenScheduler = Executors.newSingleThreadScheduledExecutor();
    private final MsalTokenSource tokens;
    private final PowerBiClient client;
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1);
    private final ExecutorService io = Executors.newFixedThreadPool(4);

    SimulatedPowerBi(Scenario scenario, Path outputDir) {
        // clean profile: these unit tests assert exact call counts, which export consumes a fault knob and the exact
        // Retry-After wait; the realistic profile's coarse Retry-After, latency and lost answers are the integration
        // tests' (ExportHappyPathIT, PowerBiFlakinessIT, ...); every lifecycle path in fake time is ExportLifecycleTest's
        this.stack = DevStack.builder().scenario(scenario).kafka(false).profile(SimProfile.CLEAN).start();
        this.outputDir = outputDir;
        DevStack.Defaults d = stack.defaults();
        TenantCredentials credentials = new TenantCredentials(TENANT, d.tenantId(), d.clientId(),
                URI.create("https://" + CloudName.PUBLIC.authorityHost()), CloudName.PUBLIC.powerBiScope(),
                new CredentialSource.Secret(d::clientSecret), Optional.of(URI.create(stack.entraUrl())));
        this.tokens = new MsalTokenSource(credentials, TokenPolicy.defaults(), Clock.systemUTC(), tokenScheduler);
        this.client = new PowerBiClient(new PowerBiEndpoint(URI.create(stack.powerBiUrl())), tokens,
                PowerBiHttpSettings.defaults(), Clock.systemUTC());
    }

    ExportService service(Limits limits, ExportObserver observer) {
        FilesystemSink sink = new FilesystemSink(outputDir);
        return new ExportService(alias -> {
            if (!TENANT.equals(alias)) {
                throw new IllegalArgumentException("unknown tenant " + alias);
            }
            return client;
        }, Map.of(SINK, sink)::get, new Classifier(), limits, Clock.systemUTC(), timers, io, observer);
    }

    /** The same, with the read-only admin API's answer about any workspace fixed to {@code evidence}. */
    ExportService service(Limits limits, ExportObserver observer, WorkspaceEvidence evidence) {
        FilesystemSink sink = new FilesystemSink(outputDir);
        return new ExportService(new ExportService.TenantClients() {
            @Override
            public PowerBiClient client(String alias) {
                return client;
            }

            @Override
            public CompletableFuture<WorkspaceEvidence> workspaceEvidence(String alias, String workspaceId) {
                return CompletableFuture.completedFuture(evidence);
            }

            @Override
            public CompletableFuture<TargetEvidence> targetEvidence(String alias, String workspaceId,
                                                                    Optional<String> reportId,
                                                                    Optional<String> profileId) {
                // the worker's look-ups against the simulator, the admin API's answer fixed (as WorkerApp composes)
                return CompletableFuture.supplyAsync(() -> {
                    TargetEvidence e = TargetLookUp.run(client, workspaceId, reportId, profileId);
                    return e.workspace() == TargetEvidence.Sight.NOT_VISIBLE ? e.withAdmin(evidence) : e;
                }, io);
            }
        }, Map.of(SINK, sink)::get, new Classifier(), limits, Clock.systemUTC(), timers, io, observer);
    }

    /** Clears faults and counters between tests. */
    void reset() {
        stack.faults().set(FaultSettings.none());
        stack.counters().reset();
    }

    void faults(FaultSettings settings) {
        stack.faults().set(settings);
    }

    long counter(String name) {
        return stack.counters().get(name);
    }

    /** A PDF export of the default workspace's first Power BI report (3 pages: one render round). */
    ExportJobSpec spec(String requestId, Instant notAfter) {
        return spec(requestId, stack.defaults().reportId(), notAfter);
    }

    ExportJobSpec spec(String requestId, String reportId, Instant notAfter) {
        return spec(requestId, stack.defaults().workspaceId(), reportId, notAfter);
    }

    ExportJobSpec spec(String requestId, String workspaceId, String reportId, Instant notAfter) {
        ExportRequested r = ExportRequested.builder(requestId, TENANT, workspaceId, reportId,
                ExportFormat.PDF).notAfter(notAfter).build();
        return new ExportJobSpec(r, JsonNodeFactory.instance.objectNode().put("format", "PDF"), SINK, Instant.now(),
                Optional.empty());
    }

    @Override
    public void close() throws Exception {
        timers.shutdownNow();
        io.shutdownNow();
        io.awaitTermination(5, TimeUnit.SECONDS);
        client.close();
        tokens.close();
        tokenScheduler.shutdownNow();
        stack.close();
    }
}
