package com.pbiexport.worker.diagnose;

import com.pbiexport.worker.powerbi.CapacityInfo;
import com.pbiexport.worker.powerbi.GroupInfo;
import com.pbiexport.worker.powerbi.ReportInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the worker's own look-ups (with the tenant's own client, so the token only goes to the configured API host)
 * established about the target of a failed call: is the workspace visible ({@code GET groups?$filter=id eq}), is the
 * report ({@code GET groups/{ws}/reports/{id}}), what capacity it runs on ({@code GET capacities}), is the profile
 * the cause (the same look-up fails as the profile and works without it), and, for an invisible workspace, what the
 * read-only admin API says. Read by {@link EvidenceRules}, for the worker ({@code ExportFailed}) and {@code doctor}
 * alike, so both name the same cause. Gathered by {@link TargetLookUp}.
 *
 * @param notes one clause per look-up, quoted in the failure's message (never a token)
 */
public record TargetEvidence(String workspaceId, Optional<String> reportId, Optional<String> profileId,
                             Sight workspace, Optional<GroupInfo> group, Sight report, Optional<ReportInfo> reportInfo,
                             Sight capacity, Optional<CapacityInfo> capacityInfo, ProfileSight profile,
                             Optional<WorkspaceEvidence> admin, List<String> notes) {

    /** What one look-up showed. */
    public enum Sight {
        /** The look-up answered and listed it. */
        VISIBLE,
        /** The look-up answered and it was not there (an empty list, or a 404 on the entity's own route). */
        NOT_VISIBLE,
        /** The look-up failed (throttled, 5xx, a transport fault...): no evidence either way. */
        UNKNOWN,
        /**
         * {@code GET groups} itself answered 401/403: a call every token Power BI accepts passes (a non-member gets an
         * empty list), so our token is refused, whatever the target.
         */
        TOKEN_REFUSED,
        /** Not looked up (not needed, not possible, or over budget). */
        NOT_ASKED
    }

    /** What the look-ups say about the profile the call was made as. */
    public enum ProfileSight {
        /** No profile was used. */
        NONE,
        /** A look-up as the profile worked: the profile exists. */
        RULED_OUT,
        /** The same look-up answered 404 as the profile and 200 without it: the profile is the cause. */
        PROVEN_WRONG,
        /** Nothing shown either way. */
        UNKNOWN
    }

    public TargetEvidence {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(profileId, "profileId");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(reportInfo, "reportInfo");
        Objects.requireNonNull(capacity, "capacity");
        Objects.requireNonNull(capacityInfo, "capacityInfo");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(admin, "admin");
        notes = List.copyOf(notes);
    }

    /** Nothing was looked up; {@code why} (may be empty) says why. */
    public static TargetEvidence notAsked(String workspaceId, String why) {
        return new TargetEvidence(workspaceId == null ? "" : workspaceId, Optional.empty(), Optional.empty(),
                Sight.NOT_ASKED, Optional.empty(), Sight.NOT_ASKED, Optional.empty(), Sight.NOT_ASKED,
                Optional.empty(), ProfileSight.UNKNOWN, Optional.empty(), why == null || why.isBlank() ? List.of()
                : List.of(why));
    }

    /** The same evidence plus what the read-only admin API said about the (invisible) workspace. */
    public TargetEvidence withAdmin(WorkspaceEvidence evidence) {
        List<String> more = new ArrayList<>(notes);
        if (evidence != null && !evidence.explanation().isEmpty()) {
            more.add(evidence.explanation());
        }
        return new TargetEvidence(workspaceId, reportId, profileId, workspace, group, report, reportInfo, capacity,
                capacityInfo, profile, Optional.ofNullable(evidence), more);
    }

    /** The report's type, when the report look-up showed it. */
    public Optional<ClassificationContext.ReportType> reportType() {
        return reportInfo.flatMap(ReportInfo::reportType).flatMap(ClassificationContext.ReportType::parse);
    }

    /** The notes as one clause, or empty. */
    public String summary() {
        return String.join("; ", notes);
    }
}
