package com.pbiexport.worker.diagnose;

import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.powerbi.CapacityInfo;
import com.pbiexport.worker.powerbi.GroupInfo;
import com.pbiexport.worker.powerbi.PowerBiClient;
import com.pbiexport.worker.powerbi.PowerBiException;
import com.pbiexport.worker.powerbi.PowerBiFailure;
import com.pbiexport.worker.powerbi.ReportInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Gathers {@link TargetEvidence} with the tenant's own client: at most four cheap reads ({@code GET groups} as the
 * profile, the same without it when that one 404s, {@code GET groups/{ws}/reports/{id}}, {@code GET capacities}),
 * never the admin API (its quota is the caller's business: see {@link TargetEvidence#withAdmin}). Blocking; never
 * throws for an answer of Power BI or Entra: a failed look-up is {@link TargetEvidence.Sight#UNKNOWN}.
 */
public final class TargetLookUp {

    private TargetLookUp() {
    }

    /** Looks the target up; {@code reportId} and {@code profileId} may be empty. */
    public static TargetEvidence run(PowerBiClient client, String workspaceId, Optional<String> reportId,
                                     Optional<String> profileId) {
        List<String> notes = new ArrayList<>();
        String filter = "id eq '" + workspaceId.replace("'", "''") + "'";
        TargetEvidence.Sight ws;
        Optional<GroupInfo> group = Optional.empty();
        TargetEvidence.ProfileSight profile = profileId.isPresent() ? TargetEvidence.ProfileSight.UNKNOWN
                : TargetEvidence.ProfileSight.NONE;
        try {
            group = client.listGroups(filter, profileId).value().stream()
                    .filter(g -> g.id().equalsIgnoreCase(workspaceId)).findFirst();
            ws = group.isPresent() ? TargetEvidence.Sight.VISIBLE : TargetEvidence.Sight.NOT_VISIBLE;
            if (profileId.isPresent()) {
                profile = TargetEvidence.ProfileSight.RULED_OUT;
            }
            notes.add(group.map(g -> "GET groups lists workspace '" + g.name() + "' (" + g.id() + ")")
                    .orElse("GET groups?$filter=id eq '" + workspaceId + "' lists nothing") + as(profileId));
        } catch (PowerBiException | TokenAcquisitionException e) {
            int refusal = status(e);
            ws = (refusal == 401 || refusal == 403) && profileId.isEmpty() ? TargetEvidence.Sight.TOKEN_REFUSED
                    : TargetEvidence.Sight.UNKNOWN;
            notes.add("GET groups" + as(profileId) + " failed (" + describe(e) + ")"
                    + (ws == TargetEvidence.Sight.TOKEN_REFUSED ? ": Power BI refuses the token itself" : ""));
            if (profileId.isPresent() && status(e) == 404 && worksWithoutProfile(client, filter)) {
                profile = TargetEvidence.ProfileSight.PROVEN_WRONG;
                notes.add("the same GET groups without the profile header answers 200: Power BI does not know "
                        + "profile " + profileId.get() + " for this app");
            }
        }
        TargetEvidence.Sight report = TargetEvidence.Sight.NOT_ASKED;
        Optional<ReportInfo> reportInfo = Optional.empty();
        if (ws == TargetEvidence.Sight.VISIBLE && reportId.isPresent()) {
            try {
                reportInfo = Optional.of(client.getReport(workspaceId, reportId.get(), profileId).value());
                report = TargetEvidence.Sight.VISIBLE;
                notes.add("GET report " + reportId.get() + " answers '" + reportInfo.get().name() + "', type "
                        + reportInfo.get().reportType().orElse("unknown"));
            } catch (PowerBiException | TokenAcquisitionException e) {
                report = status(e) == 404 ? TargetEvidence.Sight.NOT_VISIBLE : TargetEvidence.Sight.UNKNOWN;
                notes.add("GET report " + reportId.get() + " in the visible workspace failed (" + describe(e) + ")");
            }
        }
        TargetEvidence.Sight capacity = TargetEvidence.Sight.NOT_ASKED;
        Optional<CapacityInfo> capacityInfo = Optional.empty();
        if (group.isPresent()) {
            GroupInfo g = group.get();
            if (!g.isOnDedicatedCapacity() || g.capacityId().isEmpty()) {
                notes.add("the workspace has isOnDedicatedCapacity=" + g.isOnDedicatedCapacity()
                        + g.capacityId().map(c -> ", capacityId " + c).orElse(", no capacityId"));
            } else {
                String id = g.capacityId().get();
                try {
                    capacityInfo = client.listCapacities(profileId).value().stream()
                            .filter(c -> c.id().equalsIgnoreCase(id)).findFirst();
                    capacity = capacityInfo.isPresent() ? TargetEvidence.Sight.VISIBLE
                            : TargetEvidence.Sight.NOT_VISIBLE;
                    notes.add(capacityInfo.map(c -> "capacity " + id + " has sku " + c.sku().orElse("?")
                            + ", state " + c.state().orElse("?")).orElse("capacity " + id
                            + " is not among the capacities the app can see (sku and state unknown)"));
                } catch (PowerBiException | TokenAcquisitionException e) {
                    capacity = TargetEvidence.Sight.UNKNOWN;
                    notes.add("GET capacities failed (" + describe(e) + ")");
                }
            }
        }
        return new TargetEvidence(workspaceId, reportId, profileId, ws, group, report, reportInfo, capacity,
                capacityInfo, profile, Optional.empty(), notes);
    }

    private static boolean worksWithoutProfile(PowerBiClient client, String filter) {
        try {
            client.listGroups(filter, Optional.empty());
            return true;
        } catch (PowerBiException | TokenAcquisitionException e) {
            return false;
        }
    }

    private static String as(Optional<String> profileId) {
        return profileId.map(p -> " (as profile " + p + ")").orElse("");
    }

    private static int status(RuntimeException e) {
        return e instanceof PowerBiException p && p.failure() instanceof PowerBiFailure.Http h ? h.status() : 0;
    }

    /** Status and code only: a look-up's own message is not needed and may be long. */
    private static String describe(RuntimeException e) {
        if (e instanceof PowerBiException p && p.failure() instanceof PowerBiFailure.Http h) {
            return "HTTP " + h.status() + (h.errorCode() == null ? "" : " " + h.errorCode());
        }
        if (e instanceof PowerBiException p) {
            return p.failure().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        }
        return "no token";
    }
}
