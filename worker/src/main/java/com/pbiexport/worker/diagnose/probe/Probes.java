package com.pbiexport.worker.diagnose.probe;

import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.diagnose.CloudEvidence;
import com.pbiexport.worker.diagnose.TargetEvidence;
import com.pbiexport.worker.diagnose.TargetLookUp;
import com.pbiexport.worker.diagnose.WorkspaceEvidence;
import com.pbiexport.worker.powerbi.PowerBiClient;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;

/**
 * The worker's evidence gatherers, wired once: the cloud probe (our token and a sibling cloud's on the same call),
 * the target look-ups (workspace, report, capacity, profile) and the read-only admin API probe. Each runs off the hot
 * path on threads of its own and bounds its cost per tenant; {@link #close} stops their threads. The live parts
 * (each tenant's client, the cloud probe's call) come from the tenant wiring, so a probe talks to Power BI exactly
 * as the worker does.
 */
public final class Probes implements AutoCloseable {
    private final CloudProbe cloud;
    private final WorkspaceProbe workspace; // null: diagnose.adminApiProbe=false
    private final TargetProbe target;
    private final ExecutorService workspaceThread;
    private final ExecutorService targetThread;

    /**
     * @param tenants      the configured tenants by alias
     * @param askAdminApi  {@code diagnose.adminApiProbe}: whether the read-only admin API may be asked
     * @param clients      each alias's own Power BI client (the one its exports use)
     * @param capacities   the cloud probe's {@code GET capacities} with a token of a given scope
     * @param io           where the cloud probe runs (short, rare calls)
     * @param named        thread factories for the probes' own threads
     */
    public Probes(Map<String, TenantConfig> tenants, boolean askAdminApi, Function<String, PowerBiClient> clients,
                  CloudProbe.CapacitiesCall capacities, Clock clock, Executor io,
                  Function<String, ThreadFactory> named) {
        this.cloud = new CloudProbe(tenants, capacities, clock, io);
        // admin API calls are rare and quota-bound: one thread of their own, so a slow one never holds export-io
        this.workspaceThread = Executors.newSingleThreadExecutor(named.apply("workspace-probe"));
        this.workspace = askAdminApi ? workspaceProbe(tenants, clients, clock, workspaceThread) : null;
        // the look-ups behind a 404/403/400: off export-io, bounded per tenant (TargetProbe)
        this.targetThread = Executors.newSingleThreadExecutor(named.apply("target-probe"));
        this.target = new TargetProbe((alias, ws, report, profile) -> TargetLookUp.run(clients.apply(alias), ws, report,
                profile), this::workspaceEvidence, clock, targetThread);
    }

    public CompletableFuture<Optional<CloudEvidence>> cloudEvidence(String alias) {
        return cloud.evidence(alias);
    }

    public CompletableFuture<WorkspaceEvidence> workspaceEvidence(String alias, String workspaceId) {
        return workspace == null
                ? CompletableFuture.completedFuture(WorkspaceEvidence.notAsked("", "the read-only admin API was not "
                        + "asked (diagnose.adminApiProbe=false)"))
                : workspace.evidence(alias, workspaceId);
    }

    public CompletableFuture<TargetEvidence> targetEvidence(String alias, String workspaceId, Optional<String> reportId,
                                                            Optional<String> profileId) {
        return target.evidence(alias, workspaceId, reportId, profileId);
    }

    /** Workspace probe answers cached now (0 when the admin API is not asked): the cache-size gauge. */
    public int workspaceProbeEntries() {
        return workspace == null ? 0 : workspace.size();
    }

    /** Target probe answers cached now: the cache-size gauge. */
    public int targetProbeEntries() {
        return target.size();
    }

    private static WorkspaceProbe workspaceProbe(Map<String, TenantConfig> config,
                                                 Function<String, PowerBiClient> clients, Clock clock,
                                                 ExecutorService thread) {
        Map<String, WorkspaceProbe.Tenant> tenants = new LinkedHashMap<>();
        config.forEach((alias, t) -> tenants.put(alias, new WorkspaceProbe.Tenant(t.tenantId(), t.clientId())));
        return new WorkspaceProbe(tenants, (alias, workspaceId) -> WorkspaceEvidence.lookUp(clients.apply(alias),
                workspaceId, tenants.get(alias).appId()), clock, thread);
    }

    @Override
    public void close() {
        workspaceThread.shutdownNow();
        targetThread.shutdownNow();
    }
}
