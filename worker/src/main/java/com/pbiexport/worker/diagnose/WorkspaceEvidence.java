package com.pbiexport.worker.diagnose;

import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.powerbi.AdminGroupInfo;
import com.pbiexport.worker.powerbi.PowerBiClient;
import com.pbiexport.worker.powerbi.PowerBiException;
import com.pbiexport.worker.powerbi.PowerBiFailure;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What Power BI's read-only admin API (GetGroupsAsAdmin) says about a workspace the service principal cannot see.
 * For a non-admin caller Power BI answers "not a member" and "no such workspace" alike; the admin API lists the
 * tenant's workspaces whatever the caller's membership, so it tells them apart. Gathered by the worker (once per
 * tenant and workspace in a while) and by {@code doctor}, and read by {@link Classifier#withWorkspaceEvidence}, so
 * both name the same cause with the same code.
 */
public sealed interface WorkspaceEvidence {

    /** The setting that lets a service principal call the read-only admin APIs, as the admin portal names it. */
    String TENANT_SETTING = "Service principals can access read-only admin APIs";

    /** One clause for an event or a checklist, or empty when there is nothing to say. */
    String explanation();

    /** The tenant has the workspace (Active): the service principal is not a member. */
    record Exists(String workspaceId, String name) implements WorkspaceEvidence {
        public Exists {
            Objects.requireNonNull(workspaceId, "workspaceId");
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String explanation() {
            return "workspace '" + name + "' (" + workspaceId + ") exists but the service principal is not a member "
                    + "(read-only admin API)";
        }
    }

    /** The admin API lists no usable workspace with this id: it does not exist in the tenant (or only as {@code state}). */
    record Absent(String workspaceId, Optional<String> state) implements WorkspaceEvidence {
        public Absent {
            Objects.requireNonNull(workspaceId, "workspaceId");
            Objects.requireNonNull(state, "state");
        }

        @Override
        public String explanation() {
            return state.map(s -> "workspace " + workspaceId + " exists in the tenant only in state " + s)
                    .orElse("no workspace with id " + workspaceId + " exists in the tenant") + " (read-only admin API)";
        }
    }

    /**
     * The admin API could not tell: refused this app, throttled, failed, or was not asked.
     *
     * @param retryAfter for {@link Reason#THROTTLED}, Power BI's Retry-After if it gave one
     * @param detail     what happened, e.g. {@code HTTP 401 PowerBINotAuthorizedException}; empty when not asked
     */
    record Unknown(Reason reason, String appId, String detail, Optional<Duration> retryAfter)
            implements WorkspaceEvidence {
        public Unknown {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(appId, "appId");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }

        @Override
        public String explanation() {
            String why = switch (reason) {
                case REFUSED -> "the read-only admin API refused this app (" + detail + "); enable the tenant setting '"
                        + TENANT_SETTING + "' for a security group containing app " + appId;
                case THROTTLED -> "the read-only admin API is throttled (" + detail + "; Power BI allows 15 calls per "
                        + "minute and 50 per hour per tenant)" + retryAfter.map(d -> ", retry after " + d.toSeconds()
                        + " s").orElse("");
                case FAILED -> "asking the read-only admin API failed (" + detail + ")";
                case NOT_ASKED -> detail;
            };
            return why.isEmpty() ? "" : "Power BI answers 'not a member' and 'no such workspace' alike and this could "
                    + "not be told apart: " + why;
        }
    }

    /** Why the admin API could not tell. */
    enum Reason {
        /** 401/403: the tenant setting is off or does not cover this app. */
        REFUSED,
        /** 429: over the tenant's admin API quota. */
        THROTTLED,
        /** No usable answer (5xx, transport, token, unreadable). */
        FAILED,
        /** Not asked (switched off, or the caller's own budget for the tenant is spent). */
        NOT_ASKED
    }

    /** Not asked; {@code why} (may be empty) is said as the reason. */
    static Unknown notAsked(String appId, String why) {
        return new Unknown(Reason.NOT_ASKED, appId, why, Optional.empty());
    }

    /**
     * Asks the admin API about one workspace ({@code GET admin/groups?$top=1&$filter=id eq '<id>'}) with the
     * tenant's own client (so the token only goes to the configured API host). One call; blocking; never throws for
     * an answer of Power BI or Entra, which become {@link Unknown}.
     *
     * @param appId the caller's client id, named in the explanation of a refusal
     */
    static WorkspaceEvidence lookUp(PowerBiClient client, String workspaceId, String appId) {
        List<AdminGroupInfo> listed;
        try {
            listed = client.listGroupsAsAdmin("id eq '" + workspaceId.replace("'", "''") + "'", 1).value();
        } catch (PowerBiException e) {
            if (e.failure() instanceof PowerBiFailure.Http h) {
                String detail = "HTTP " + h.status() + (h.errorCode() == null ? "" : " " + h.errorCode());
                if (h.status() == 401 || h.status() == 403) {
                    return new Unknown(Reason.REFUSED, appId, detail, Optional.empty());
                }
                if (h.status() == 429) {
                    return new Unknown(Reason.THROTTLED, appId, detail, h.retryAfter());
                }
                return new Unknown(Reason.FAILED, appId, detail, Optional.empty());
            }
            return new Unknown(Reason.FAILED, appId, e.getMessage(), Optional.empty());
        } catch (TokenAcquisitionException e) {
            return new Unknown(Reason.FAILED, appId, "no token: " + e.getMessage(), Optional.empty());
        }
        Optional<AdminGroupInfo> match = listed.stream().filter(g -> g.id().equalsIgnoreCase(workspaceId)).findFirst();
        if (match.isEmpty()) {
            return new Absent(workspaceId, Optional.empty());
        }
        AdminGroupInfo g = match.get();
        return g.active() ? new Exists(g.id(), g.name()) : new Absent(g.id(), g.state());
    }
}
