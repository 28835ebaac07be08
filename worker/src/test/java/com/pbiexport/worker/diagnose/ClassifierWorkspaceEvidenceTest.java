package com.pbiexport.worker.diagnose;

import com.pbiexport.contracts.ErrorCategory;
import com.pbiexport.contracts.ErrorCode;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** How the admin API's answer about a workspace refines a diagnosis (and changes nothing else). */
class ClassifierWorkspaceEvidenceTest {
    private static final Classifier CLASSIFIER = new Classifier(Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"),
            ZoneOffset.UTC));

    @Test
    void aWorkspaceShownInvisibleThatTheAdminApiListsIsReReadAsNotAMemberKeepingPowerBisAnswer() {
        Diagnosis invisible = Diagnosis.of(ErrorCode.PBI_WORKSPACE_AMBIGUOUS, "Workspace w is not visible")
                .withHttpStatus(404).withPowerBiErrorCode("PowerBIEntityNotFound").withPowerBiRequestId("req-1");

        Diagnosis d = CLASSIFIER.withWorkspaceEvidence(invisible, new WorkspaceEvidence.Exists("w", "Finance"));

        assertThat(d.code()).isEqualTo(ErrorCode.PBI_NOT_WORKSPACE_MEMBER);
        assertThat(d.category()).isEqualTo(ErrorCategory.PERMISSION);
        assertThat(d.remediation()).isEqualTo(ErrorCode.PBI_NOT_WORKSPACE_MEMBER.remediation());
        assertThat(d.message()).startsWith(invisible.message()).endsWith("workspace 'Finance' (w) exists but the "
                + "service principal is not a member (read-only admin API)");
        assertThat(d.httpStatus()).contains(404);
        assertThat(d.powerBiErrorCode()).contains("PowerBIEntityNotFound");
        assertThat(d.powerBiRequestId()).contains("req-1");
    }

    @Test
    void anInvisibleWorkspaceTheAdminApiDoesNotListIsProvenUnknownAndAnUnansweredLookUpStaysAmbiguous() {
        Diagnosis invisible = Diagnosis.of(ErrorCode.PBI_WORKSPACE_AMBIGUOUS, "Workspace w is not visible");

        Diagnosis absent = CLASSIFIER.withWorkspaceEvidence(invisible, new WorkspaceEvidence.Absent("w",
                Optional.empty()));
        Diagnosis refused = CLASSIFIER.withWorkspaceEvidence(invisible, new WorkspaceEvidence.Unknown(
                WorkspaceEvidence.Reason.REFUSED, "app-2", "HTTP 401 PowerBINotAuthorizedException", Optional.empty()));
        Diagnosis notAsked = CLASSIFIER.withWorkspaceEvidence(invisible, WorkspaceEvidence.notAsked("app-2", ""));

        assertThat(absent.code()).isEqualTo(ErrorCode.PBI_WORKSPACE_NOT_FOUND);
        assertThat(absent.message()).endsWith("no workspace with id w exists in the tenant (read-only admin API)");
        assertThat(refused.code()).isEqualTo(ErrorCode.PBI_WORKSPACE_AMBIGUOUS);
        assertThat(refused.message()).contains("could not be told apart", "refused this app (HTTP 401",
                "enable the tenant setting 'Service principals can access read-only admin APIs' for a security group "
                        + "containing app app-2", "Candidates, most likely first: (1) the app (or its profile) is "
                        + "not a member of the workspace; (2) no workspace with this id exists");
        assertThat(notAsked.code()).isEqualTo(ErrorCode.PBI_WORKSPACE_AMBIGUOUS);
    }

    @Test
    void workspaceEvidenceNeverChangesAnotherCode() {
        Diagnosis report = Diagnosis.of(ErrorCode.PBI_REPORT_NOT_FOUND, "Report r was not found");

        assertThat(CLASSIFIER.withWorkspaceEvidence(report, new WorkspaceEvidence.Exists("w", "Finance")))
                .isEqualTo(report);
    }
}
