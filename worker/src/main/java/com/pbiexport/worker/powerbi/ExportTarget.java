package com.pbiexport.worker.powerbi;

import java.util.Objects;
import java.util.Optional;

/**
 * The report an export is about.
 *
 * @param workspaceId the workspace (group) id; null only for {@link #myWorkspace} (doctor checks), because a
 *                    service principal has no My workspace and the worker always uses the groups form
 * @param reportId    the report id
 * @param profileId   service principal profile, sent as {@code X-PowerBI-Profile-Id} on every call
 */
public record ExportTarget(String workspaceId, String reportId, Optional<String> profileId) {

    public ExportTarget {
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(profileId, "profileId");
    }

    public ExportTarget(String workspaceId, String reportId) {
        this(Objects.requireNonNull(workspaceId, "workspaceId"), reportId, Optional.empty());
    }

    /** A report in the caller's My workspace ({@code /v1.0/myorg/reports/...}); for diagnosis only. */
    public static ExportTarget myWorkspace(String reportId, Optional<String> profileId) {
        return new ExportTarget(null, reportId, profileId);
    }

    public boolean isMyWorkspace() {
        return workspaceId == null;
    }
}
