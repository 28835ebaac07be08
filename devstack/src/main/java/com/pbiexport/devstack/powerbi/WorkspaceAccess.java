package com.pbiexport.devstack.powerbi;

import com.pbiexport.devstack.scenario.Capacity;
import com.pbiexport.devstack.scenario.Report;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.scenario.Workspace;
import com.pbiexport.devstack.sim.Counters;

import java.util.Locale;

/** Resolves workspaces, reports and capacities for a caller, answering the way Power BI hides what it cannot see. */
final class WorkspaceAccess {
    /** Counter of tokens of one tenant presented for another tenant's workspace (tenant-isolation tests read it). */
    static final String FOREIGN_TENANT_TOKENS = "foreignTenantTokenRejected";

    private final Scenario scenario;
    private final Counters counters;

    WorkspaceAccess(Scenario scenario, Counters counters) {
        this.scenario = scenario;
        this.counters = counters;
    }

    /**
     * The workspace, if the caller is a member.
     * <ul>
     *   <li>Another tenant's workspace: 401 PowerBINotAuthorizedException (the reference lists "wrong tenant"
     *       under 401). A token of tenant A never reaches tenant B's workspace.</li>
     *   <li>Unknown workspace, or one the caller is not a member of: 404 PowerBIEntityNotFound. The reference lists
     *       both "403 - not a workspace member" and "404 - a workspace the caller cannot see"; we pick 404 because a
     *       non-member cannot see the workspace and real Power BI does not reveal that it exists. Clients must
     *       treat 403 and 404 here alike ("not found or no access").</li>
     * </ul>
     */
    Workspace workspace(Caller caller, String groupId) {
        Workspace w = caller.tenant().workspace(groupId).orElse(null);
        if (w == null) {
            boolean elsewhere = scenario.tenants().stream()
                    .anyMatch(t -> t != caller.tenant() && t.workspace(groupId).isPresent());
            if (elsewhere) {
                counters.increment(FOREIGN_TENANT_TOKENS);
                // same answer as any other 401: the real service does not say the workspace lives elsewhere
                throw ApiError.notAuthorized("Workspace " + groupId + " belongs to another tenant").toFailure();
            }
            throw notFoundWorkspace(groupId);
        }
        if (!caller.isMemberOf(w)) {
            throw notFoundWorkspace(groupId);
        }
        return w;
    }

    /** The report in that workspace; a report of another workspace is "not found" here. */
    Report report(Caller caller, Workspace w, String reportId) {
        return caller.tenant().report(reportId)
                .filter(r -> r.workspaceId().equalsIgnoreCase(w.id()))
                .orElseThrow(() -> ApiError.entityNotFound("Report " + reportId + " was not found").toFailure());
    }

    /**
     * The workspace's capacity for an export: shared (Pro) capacity and inactive capacities cannot export.
     * Power BI documents the restriction but no code: the generic observed 403s of
     * {@link ApiError#exportNotAllowed(String)} (the reason is only in the simulator's log).
     */
    Capacity exportCapacity(Caller caller, Workspace w) {
        if (w.capacityId() == null) {
            throw ApiError.exportNotAllowed(
                    "Export to file requires a workspace on Premium, Embedded or Fabric capacity; workspace "
                            + w.id() + " is on shared capacity").toFailure();
        }
        Capacity c = caller.tenant().capacity(w.capacityId()).orElseThrow(() -> ApiError.exportNotAllowed(
                "The workspace's capacity is not available").toFailure());
        if (!"Active".equalsIgnoreCase(c.state())) {
            throw ApiError.exportNotAllowed("Capacity " + c.id() + " is " + c.state()).toFailure();
        }
        return c;
    }

    static boolean isPpu(Capacity c) {
        return c.sku() != null && c.sku().toUpperCase(Locale.ROOT).startsWith("PPU");
    }

    private static ApiError.Failure notFoundWorkspace(String groupId) {
        // one situation for both: unknown and non-member answer identically, in every profile
        return ApiError.entityNotFound("Workspace " + groupId + " was not found").toFailure();
    }
}
