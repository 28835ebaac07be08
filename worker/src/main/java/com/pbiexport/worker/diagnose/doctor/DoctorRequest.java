package com.pbiexport.worker.diagnose.doctor;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What to check beyond the tenant. Without a workspace only the tenant-level checks run; a report without a
 * workspace is checked on the My-workspace route, which a service principal cannot use (that is the verdict).
 *
 * @param format       export format to check against the report type (and to export with {@code --trial})
 * @param profileId    service principal profile, sent as {@code X-PowerBI-Profile-Id} on every call
 * @param trial        run a real export end to end after the metadata checks
 * @param trialTimeout how long the trial export may take, start to download
 */
public record DoctorRequest(Optional<String> workspaceId, Optional<String> reportId, Optional<String> format,
                            Optional<String> profileId, boolean trial, Duration trialTimeout) {

    public static final Duration DEFAULT_TRIAL_TIMEOUT = Duration.ofMinutes(5);

    public DoctorRequest {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(profileId, "profileId");
        Objects.requireNonNull(trialTimeout, "trialTimeout");
    }

    /** Tenant-level checks only. */
    public static DoctorRequest tenantOnly() {
        return new DoctorRequest(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false,
                DEFAULT_TRIAL_TIMEOUT);
    }

    /** Workspace, report and format, without a trial. */
    public static DoctorRequest of(String workspaceId, String reportId, String format) {
        return new DoctorRequest(Optional.ofNullable(workspaceId), Optional.ofNullable(reportId),
                Optional.ofNullable(format), Optional.empty(), false, DEFAULT_TRIAL_TIMEOUT);
    }

    public DoctorRequest withTrial(boolean value) {
        return new DoctorRequest(workspaceId, reportId, format, profileId, value, trialTimeout);
    }

    public DoctorRequest withProfileId(String value) {
        return new DoctorRequest(workspaceId, reportId, format, Optional.ofNullable(value), trial, trialTimeout);
    }

    public DoctorRequest withTrialTimeout(Duration value) {
        return new DoctorRequest(workspaceId, reportId, format, profileId, trial, value);
    }
}
