package com.pbiexport.worker.app;

import com.pbiexport.worker.auth.TokenPolicy;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.diagnose.CloudEvidence;
import com.pbiexport.worker.diagnose.TargetEvidence;
import com.pbiexport.worker.diagnose.TargetLookUp;
import com.pbiexport.worker.diagnose.WorkspaceEvidence;
import com.pbiexport.worker.powerbi.PowerBiClient;
import com.pbiexport.worker.net.ProxyConfig;
import com.pbiexport.worker.powerbi.PowerBiHttpSettings;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;

/**
 * The worker's evidence gatherers, wired once: the cloud probe (our token and a sibling cloud's on the same call),
 * the target look-ups (workspace, report, capacity, profile) and the read-only admin API probe. Each runs off the hot
 * path on threads of its own and bounds its cost per tenant; {@link #close} stops their threads.
 */
final class Probes implements AutoCloseable {
    private final CloudProbe cloud;
    private final WorkspaceProbe workspace; // null: diagnose.adminApiProbe=false
    private final TargetProbe target;
    private final ExecutorService workspaceThread;
    private final ExecutorService targetThread;

    Probes(WorkerConfig config, Map<String, PowerBiClient> clients, TokenPolicy policy, Map<String, String> env,
           Clock clock, ExecutorService io, Function<String, ThreadFactory> named, ProxyConfig proxy) {
        this.cloud = new CloudProbe(config.tenants(), CloudProbe.tokenServices(policy, env, clock, proxy),
                new PowerBiHttpSettings(config.http().connectTimeout(), config.http().responseTimeout(), 4, proxy),
                clock, io);
        // admin API calls are rare and quota-bound: one thread of their own, so a slow one never holds export-io
        this.workspaceThread = Executors.newSingleThreadExecutor(named.apply("workspace-probe"));
        this.workspace = workspaceProbe(config, clients, clock, workspaceThread);
        // the look-ups behind a 404/403/400: off export-io, bounded per tenant (TargetProbe)
        this.targetThread = Executors.newSingleThreadExecutor(named.apply("target-probe"));
        this.target = new TargetProbe((alias, ws, report, profile) -> TargetLookUp.run(clients.get(alias), ws, report,
                profile), this::workspaceEvidence, clock, targetThread);
    }

    CompletableFuture<Optional<CloudEvidence>> cloudEvidence(String alias) {
        return cloud.evidence(alias);
    }

    CompletableFuture<WorkspaceEvidence> workspaceEvidence(String alias, String workspaceId) {
        return workspace == null
                ? CompletableFuture.completedFuture(WorkspaceEvidence.notAsked("", "the read-only admin API was not "
                        + "asked (diagnose.adminApiProbe=false)"))
                : workspace.evidence(alias, workspaceId);
    }

    CompletableFuture<TargetEvidence> targetEvidence(String alias, String workspaceId, Optional<String> reportId,
                                                     Optional<String> profileId) {
        return target.evidence(alias, workspaceId, reportId, profileId);
    }

    private static WorkspaceProbe workspaceProbe(WorkerConfig config, Map<String, PowerBiClient> clients, Clock clock,
                                                 ExecutorService thread) {
        if (!config.diagnose().adminApiProbe()) {
            return null;
        }
        Map<String, WorkspaceProbe.Tenant> tenants = new LinkedHashMap<>();
        config.tenants().forEach((alias, t) -> tenants.put(alias, new WorkspaceProbe.Tenant(t.tenantId(),
                t.clientId())));
        return new WorkspaceProbe(tenants, (alias, workspaceId) -> WorkspaceEvidence.lookUp(clients.get(alias),
                workspaceId, tenants.get(alias).appId()), clock, thread);
    }

    @Override
    public void close() {
        workspaceThread.shutdownNow();
        targetThread.shutdownNow();
    }
}
