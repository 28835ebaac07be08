package com.pbiexport.worker.tenant;

import com.pbiexport.worker.diagnose.ClassificationContext;
import com.pbiexport.worker.diagnose.CloudEvidence;
import com.pbiexport.worker.diagnose.TargetEvidence;
import com.pbiexport.worker.diagnose.WorkspaceEvidence;
import com.pbiexport.worker.diagnose.probe.Probes;
import com.pbiexport.worker.export.ExportService;
import com.pbiexport.worker.powerbi.PowerBiClient;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The export stage's view of the tenants: each alias's client, what the classifier should know about it (expected
 * audience, the claims of the token in use), and the probes that gather evidence after a failure. Limits are kept
 * per capacity.
 */
public final class ExportTenants implements ExportService.TenantClients {
    private final TenantConnections connections;
    private final ConnectedTenants tenants;
    private final Probes probes;

    public ExportTenants(TenantConnections connections, ConnectedTenants tenants, Probes probes) {
        this.connections = connections;
        this.tenants = tenants;
        this.probes = probes;
    }

    @Override
    public PowerBiClient client(String alias) {
        return tenants.client(alias);
    }

    @Override
    public boolean resolvesCapacities() {
        return true; // limits per capacity, not per workspace
    }

    @Override
    public CompletableFuture<Optional<CloudEvidence>> cloudEvidence(String alias) {
        return probes.cloudEvidence(alias);
    }

    @Override
    public CompletableFuture<WorkspaceEvidence> workspaceEvidence(String alias, String workspaceId) {
        return probes.workspaceEvidence(alias, workspaceId);
    }

    @Override
    public CompletableFuture<TargetEvidence> targetEvidence(String alias, String workspaceId,
                                                            Optional<String> reportId, Optional<String> profileId) {
        return probes.targetEvidence(alias, workspaceId, reportId, profileId);
    }

    @Override
    public String apiRoot(String alias) {
        return connections.apiRoot(alias).toString();
    }

    @Override
    public ClassificationContext context(String alias) {
        ClassificationContext ctx = ClassificationContext.empty()
                .withExpectedAudience(connections.expectedAudience(alias));
        return tenants.tokens(alias).expiresOn().isPresent()
                ? ctx.withAccessToken(tenants.tokens(alias).token().value()) : ctx;
    }
}
