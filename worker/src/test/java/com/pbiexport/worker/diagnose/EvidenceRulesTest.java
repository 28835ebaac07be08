package com.pbiexport.worker.diagnose;

import com.pbiexport.contracts.ErrorCode;

import com.pbiexport.worker.powerbi.CapacityInfo;
import com.pbiexport.worker.powerbi.GroupInfo;
import com.pbiexport.worker.powerbi.ReportInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static com.pbiexport.worker.diagnose.Failures.http;
import static com.pbiexport.worker.diagnose.TargetEvidence.ProfileSight;
import static com.pbiexport.worker.diagnose.TargetEvidence.Sight;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each evidence rule of {@link EvidenceRules}: a code names one cause only when the look-ups rule out the others;
 * otherwise the ambiguous or general code, with the candidates. Expected codes come from the rules in
 * docs/TROUBLESHOOTING.md ("Proven by").
 */
class EvidenceRulesTest {
    private static final String WS = "3d5e0000-0000-4000-a000-000000000001";
    private static final String REPORT = "7e000000-0000-4000-a000-000000000001";
    private static final String CAP = "ca000000-0000-4000-a000-000000000001";
    private static final Classifier CLASSIFIER = new Classifier();
    private static final EvidenceRules RULES = CLASSIFIER.evidenceRules();
    private static final GroupInfo DEDICATED = new GroupInfo(WS, "Sales", true, Optional.of(CAP));
    private static final ReportInfo PBI_REPORT = new ReportInfo(REPORT, "Sales", Optional.of("PowerBIReport"),
            Optional.empty(), Optional.empty());

    /** The classifier's verdict on a bare answer, as the worker would have it before the look-ups. */
    private static Diagnosis answer(int status, String info, String format) {
        ClassificationContext ctx = ClassificationContext.empty().withOperation(PowerBiCall.START)
                .withErrorInfo(info).withFormat(format);
        return CLASSIFIER.classify(http(status, status == 404 ? "PowerBIEntityNotFound" : null, null), ctx);
    }

    private static TargetEvidence evidence(Sight ws, Optional<GroupInfo> group, Sight report,
                                           Optional<ReportInfo> info, Sight capacity, Optional<CapacityInfo> cap,
                                           ProfileSight profile, Optional<WorkspaceEvidence> admin) {
        return new TargetEvidence(WS, Optional.of(REPORT), profile == ProfileSight.NONE ? Optional.empty()
                : Optional.of("9f0f11e0-0000-4000-a000-0000000000ff"), ws, group, report, info, capacity, cap,
                profile, admin, List.of("look-up notes"));
    }

    private static TargetEvidence visible(Sight report, Optional<CapacityInfo> cap) {
        return evidence(Sight.VISIBLE, Optional.of(DEDICATED), report, report == Sight.VISIBLE ? Optional.of(PBI_REPORT)
                : Optional.empty(), cap.isPresent() ? Sight.VISIBLE : Sight.NOT_VISIBLE, cap, ProfileSight.NONE,
                Optional.empty());
    }

    private static TargetEvidence invisible(WorkspaceEvidence admin) {
        return evidence(Sight.NOT_VISIBLE, Optional.empty(), Sight.NOT_ASKED, Optional.empty(), Sight.NOT_ASKED,
                Optional.empty(), ProfileSight.NONE, Optional.ofNullable(admin));
    }

    private static Optional<CapacityInfo> capacity(String sku, String state) {
        return Optional.of(new CapacityInfo(CAP, "Cap", Optional.of(sku), Optional.of(state), Optional.empty()));
    }

    // ---- 404 ----

    @Test
    void aVisibleWorkspaceWhoseReportLookUp404sIsReportNotFound() {
        Diagnosis d = RULES.refine(answer(404, null, "PDF"), visible(Sight.NOT_VISIBLE, Optional.empty()), PowerBiCall.START,
                Optional.of("PDF"));

        assertThat(d.code()).isEqualTo(ErrorCode.PBI_REPORT_NOT_FOUND);
        assertThat(d.message()).contains("evidence: look-up notes").doesNotContain("Candidates");
        assertThat(d.httpStatus()).contains(404);
        assertThat(d.powerBiRequestId()).contains("req-1");
    }

    @Test
    void aReportNotFoundHeaderIsNotEnoughWhileTheWorkspaceIsInvisible() {
        Diagnosis d = RULES.refine(answer(404, "ReportNotFound", "PDF"), invisible(null), PowerBiCall.START, Optional.of("PDF"));

        assertThat(d.code()).isNotEqualTo(ErrorCode.PBI_REPORT_NOT_FOUND).isEqualTo(ErrorCode.PBI_WORKSPACE_AMBIGUOUS);
    }

    @Test
    void anInvisibleWorkspaceTheAdminApiListsIsNotAMember() {
        Diagnosis d = RULES.refine(answer(404, null, "PDF"), invisible(new WorkspaceEvidence.Exists(WS, "Finance")),
                PowerBiCall.START, Optional.of("PDF"));

        assertThat(d.code()).isEqualTo(ErrorCode.PBI_NOT_WORKSPACE_MEMBER);
        assertThat(d.message()).contains("exists but the service principal is not a member (read-only admin API)");
    }

    @Test
    void anInvisibleWorkspaceTheAdminApiDoesNotListIsWorkspaceNotFound() {
        Diagnosis d = RULES.refine(answer(404, null, "PDF"), invisible(new WorkspaceEvidence.Absent(WS,
                Optional.empty())), PowerBiCall.START, Optional.of("PDF"));

        assertThat(d.code()).isEqualTo(ErrorCode.PBI_WORKSPACE_NOT_FOUND);
    }

    @Test
    void anInvisibleWorkspaceWithoutTheAdminApiIsAmbiguousNeverNotFoundOrNotAMemberAlone() {
        for (WorkspaceEvidence admin : List.of(new WorkspaceEvidence.Unknown(WorkspaceEvidence.Reason.REFUSED, "app-1",
                "HTTP 401", Optional.empty()), WorkspaceEvidence.notAsked("app-1", ""))) {
            Diagnosis d = RULES.refine(answer(404, "WorkspaceNotFound", "PDF"), invisible(admin), PowerBiCall.START,
                    Optional.of("PDF"));

            assertThat(d.code()).isEqualTo(ErrorCode.PBI_WORKSPACE_AMBIGUOUS);
            assertThat(d.message()).contains("(1) the app (or its profile) is not a member of the workspace; (2) no "
                    + "workspace with this id exists", "'Service principals can access read-only admin APIs' "
                    + "(formerly 'Allow service principals to use read-only admin APIs')");
        }
    }

    @Test
    void aVisibleWorkspaceAndReportLeaveTheGeneralNotFoundWithTheProfileAsACandidate() {
        TargetEvidence e = evidence(Sight.VISIBLE, Optional.of(DEDICATED), Sight.VISIBLE, Optional.of(PBI_REPORT),
                Sight.NOT_ASKED, Optional.empty(), ProfileSight.UNKNOWN, Optional.empty());

        Diagnosis d = RULES.refine(answer(404, null, "PDF"), e, PowerBiCall.START, Optional.of("PDF"));

        assertThat(d.code()).isEqualTo(ErrorCode.PBI_NOT_FOUND);
        assertThat(d.message()).contains("the workspace and the report are visible",
                "profile 9f0f11e0-0000-4000-a000-0000000000ff is unknown to Power BI");
    }

    @Test
    void aLookUpThatFailsAsTheProfileAndWorksWithoutItIsProfileNotFound() {
        TargetEvidence e = evidence(Sight.UNKNOWN, Optional.empty(), Sight.NOT_ASKED, Optional.empty(),
                Sight.NOT_ASKED, Optional.empty(), ProfileSight.PROVEN_WRONG, Optional.empty());

        assertThat(RULES.refine(answer(404, null, "PDF"), e, PowerBiCall.START, Optional.of("PDF")).code())
                .isEqualTo(ErrorCode.PBI_PROFILE_NOT_FOUND);
    }

    @Test
    void failedLookUpsLeaveTheGeneralCodeAndSayWhatWasTried() {
        TargetEvidence e = evidence(Sight.UNKNOWN, Optional.empty(), Sight.NOT_ASKED, Optional.empty(),
                Sight.NOT_ASKED, Optional.empty(), ProfileSight.NONE, Optional.empty());

        Diagnosis d = RULES.refine(answer(404, null, "PDF"), e, PowerBiCall.START, Optional.of("PDF"));

        assertThat(d.code()).isEqualTo(ErrorCode.PBI_NOT_FOUND);
        assertThat(d.message()).contains("evidence (not decisive): look-up notes", "Candidates, most likely first");
    }

    // ---- 403 on ExportTo ----

    @Test
    void aWorkspaceNotOnDedicatedCapacityIsProvenByItsGroupEntry() {
        TargetEvidence e = evidence(Sight.VISIBLE, Optional.of(new GroupInfo(WS, "Team", false, Optional.empty())),
                Sight.VISIBLE, Optional.of(PBI_REPORT), Sight.NOT_ASKED, Optional.empty(), ProfileSight.NONE,
                Optional.empty());

        assertThat(RULES.refine(answer(403, null, "PDF"), e, PowerBiCall.START, Optional.of("PDF")).code())
                .isEqualTo(ErrorCode.PBI_NO_DEDICATED_CAPACITY);
    }

    @Test
    void aCapacityNotActiveIsProvenByItsState() {
        assertThat(RULES.refine(answer(403, null, "PDF"), visible(Sight.VISIBLE, capacity("A1", "Suspended")),
                PowerBiCall.START, Optional.of("PDF")).code()).isEqualTo(ErrorCode.PBI_CAPACITY_NOT_ACTIVE);
    }

    @Test
    void aPremiumPerUserSkuWithAPowerBiReportIsPpuNotSupported() {
        assertThat(RULES.refine(answer(403, null, "PDF"), visible(Sight.VISIBLE, capacity("PP3", "Active")),
                PowerBiCall.START, Optional.of("PDF")).code()).isEqualTo(ErrorCode.PBI_PPU_NOT_SUPPORTED);
    }

    @Test
    void withCapacityRuledOutAPngExportIsAmbiguousWithTheImageSettingFirst() {
        Diagnosis d = RULES.refine(answer(403, "ExportFormatDisabledByTenantAdminSwitch", "PNG"),
                visible(Sight.VISIBLE, capacity("F64", "Active")), PowerBiCall.START, Optional.of("PNG"));

        assertThat(d.code()).isEqualTo(ErrorCode.PBI_EXPORT_FORBIDDEN_AMBIGUOUS);
        assertThat(d.message()).contains("ruled out: shared capacity, a paused capacity, Premium Per User",
                "(1) the tenant setting 'Export reports as image files' is off (it is off by default)",
                "`doctor --trial`");
    }

    @Test
    void withCapacityRuledOutAPdfExportIsAmbiguousWithTheSensitivityLabelFirst() {
        Diagnosis d = RULES.refine(answer(403, null, "PDF"), visible(Sight.VISIBLE, capacity("P1", "Active")),
                PowerBiCall.START, Optional.of("PDF"));

        assertThat(d.code()).isEqualTo(ErrorCode.PBI_EXPORT_FORBIDDEN_AMBIGUOUS);
        assertThat(d.message()).contains("(1) the report has a sensitivity label",
                "(2) the tenant setting 'Export reports as PowerPoint presentations or PDF documents' is off");
    }

    @Test
    void anInvisibleCapacityIsNamedAsNotRuledOut() {
        Diagnosis d = RULES.refine(answer(403, null, "PDF"), visible(Sight.VISIBLE, Optional.empty()), PowerBiCall.START,
                Optional.of("PDF"));

        assertThat(d.code()).isEqualTo(ErrorCode.PBI_EXPORT_FORBIDDEN_AMBIGUOUS);
        assertThat(d.message()).contains("not ruled out: a paused capacity or Premium Per User");
    }

    @Test
    void a403OnAnInvisibleWorkspaceFollowsTheAdminApi() {
        assertThat(RULES.refine(answer(403, null, "PDF"), invisible(new WorkspaceEvidence.Exists(WS, "Finance")),
                PowerBiCall.START, Optional.of("PDF")).code()).isEqualTo(ErrorCode.PBI_NOT_WORKSPACE_MEMBER);
    }

    // ---- 400 ----

    @Test
    void aBadRequestForAPaginatedFormatOfAPowerBiReportIsProvenByTheReportsType() {
        Diagnosis bad = CLASSIFIER.classify(http(400, "InvalidRequest", "whatever the wording"),
                ClassificationContext.empty().withFormat("XLSX"));

        assertThat(bad.code()).isEqualTo(ErrorCode.PBI_BAD_REQUEST);
        assertThat(RULES.refine(bad, visible(Sight.VISIBLE, Optional.empty()), PowerBiCall.START, Optional.of("XLSX")).code())
                .isEqualTo(ErrorCode.PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE);
        assertThat(RULES.refine(bad, visible(Sight.VISIBLE, Optional.empty()), PowerBiCall.START, Optional.of("PDF")).code())
                .isEqualTo(ErrorCode.PBI_BAD_REQUEST);
    }

    @Test
    void aCodeTheRulesDoNotCoverIsReturnedUnchanged() {
        Diagnosis expired = CLASSIFIER.classify(http(403, "TokenExpired", null), ClassificationContext.empty());

        assertThat(RULES.refine(expired, invisible(null), PowerBiCall.START, Optional.empty())).isEqualTo(expired);
        assertThat(EvidenceRules.wantsTargetEvidence(expired)).isFalse();
    }
}
