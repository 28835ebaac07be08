package com.pbiexport.worker.diagnose;

import com.pbiexport.contracts.ErrorCode;

import com.pbiexport.worker.powerbi.CapacityInfo;
import com.pbiexport.worker.powerbi.GroupInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Names one cause only when the worker's own evidence rules out the alternatives; otherwise an honest ambiguous or
 * general code whose message ranks the candidates and says what tells them apart. One path for the worker's
 * {@code ExportFailed} and for {@code doctor}, so both agree on every cause. Stateless.
 *
 * <p>The rules (docs/TROUBLESHOOTING.md, "Proven by"):
 * <ul>
 * <li>404 (or 401 {@code GroupNotAccessible}) on a workspace route: profile look-up fails as the profile and works
 * without it -> {@link ErrorCode#PBI_PROFILE_NOT_FOUND}; workspace visible and report 404 ->
 * {@link ErrorCode#PBI_REPORT_NOT_FOUND}; workspace invisible -> the read-only admin API: listed ->
 * {@link ErrorCode#PBI_NOT_WORKSPACE_MEMBER}, not listed -> {@link ErrorCode#PBI_WORKSPACE_NOT_FOUND}, no answer ->
 * {@link ErrorCode#PBI_WORKSPACE_AMBIGUOUS}; both visible -> the general {@link ErrorCode#PBI_NOT_FOUND}.</li>
 * <li>403: workspace invisible -> as above; visible and not on dedicated capacity ->
 * {@link ErrorCode#PBI_NO_DEDICATED_CAPACITY}; capacity state not Active -> {@link ErrorCode#PBI_CAPACITY_NOT_ACTIVE};
 * PPU sku and a Power BI report -> {@link ErrorCode#PBI_PPU_NOT_SUPPORTED}; all ruled out, on ExportTo ->
 * {@link ErrorCode#PBI_EXPORT_FORBIDDEN_AMBIGUOUS}.</li>
 * <li>400: the report look-up's type and the requested format disagree ->
 * {@link ErrorCode#PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE}.</li>
 * </ul>
 */
public final class EvidenceRules {
    /** Where the classifier's candidate list starts: dropped once evidence names the cause. */
    static final String CANDIDATES_MARK = ". Candidates, most likely first: ";

    private static final Set<ErrorCode> REFINED = Set.of(ErrorCode.PBI_NOT_FOUND, ErrorCode.PBI_WORKSPACE_AMBIGUOUS,
            ErrorCode.PBI_FORBIDDEN, ErrorCode.PBI_EXPORT_FORBIDDEN_AMBIGUOUS, ErrorCode.PBI_BAD_REQUEST);

    /** Whether {@link #refine} can sharpen this diagnosis with look-ups of its target. */
    public static boolean wantsTargetEvidence(Diagnosis d) {
        return REFINED.contains(d.code()) && d.httpStatus().isPresent();
    }

    /**
     * Re-reads a diagnosis given the look-ups of its target. Status, Power BI code and RequestId are kept; a code
     * the rules do not cover is returned unchanged.
     *
     * @param call   the failed call
     * @param format    the requested export format, if any
     */
    public Diagnosis refine(Diagnosis d, TargetEvidence e, PowerBiCall call, Optional<String> format) {
        if (!REFINED.contains(d.code())) {
            return d;
        }
        int status = d.httpStatus().orElse(0);
        if (d.code() == ErrorCode.PBI_BAD_REQUEST) {
            return badRequest(d, e, format);
        }
        if (e.profile() == TargetEvidence.ProfileSight.PROVEN_WRONG && status != 403) {
            return named(d, ErrorCode.PBI_PROFILE_NOT_FOUND, e);
        }
        if (e.workspace() == TargetEvidence.Sight.NOT_VISIBLE) {
            return invisibleWorkspace(d, e.admin(), e.summary());
        }
        if (e.workspace() == TargetEvidence.Sight.TOKEN_REFUSED && (status == 401 || status == 403)) {
            // Power BI answers a token of the wrong audience with 401 or 403 (reference section 3): a 403 whose own
            // GET groups is refused too is about the token, not the target; the cloud check may then prove which
            return tokenRefused(d, e);
        }
        if (e.workspace() != TargetEvidence.Sight.VISIBLE || status == 401) {
            return annotated(d, e);
        }
        return status == 403 ? forbidden(d, e, call, format) : notFound(d, e, call, format);
    }

    /**
     * Re-reads a diagnosis of a workspace the caller has SHOWN invisible ({@code GET groups} lists nothing) given what
     * the read-only admin API says: listed -> not a member; not listed -> no such workspace; no answer -> ambiguous.
     * Only {@link ErrorCode#PBI_WORKSPACE_NOT_FOUND} and {@link ErrorCode#PBI_WORKSPACE_AMBIGUOUS} are re-read.
     */
    public Diagnosis withWorkspaceEvidence(Diagnosis d, WorkspaceEvidence evidence) {
        if (d.code() != ErrorCode.PBI_WORKSPACE_NOT_FOUND && d.code() != ErrorCode.PBI_WORKSPACE_AMBIGUOUS) {
            return d;
        }
        return invisibleWorkspace(d, Optional.ofNullable(evidence), "");
    }

    /**
     * Re-reads a bare 401 given proof that the API root is another cloud's: OUR token was refused and the sibling
     * cloud's accepted on the same call ({@link CloudEvidence}).
     */
    public Diagnosis provenWrongCloud(Diagnosis unauthorized, CloudEvidence evidence, String apiRoot) {
        return with(unauthorized, ErrorCode.TOKEN_AUDIENCE_WRONG_CLOUD, evidence.explanation(apiRoot));
    }

    // ---------------------------------------------------------------------------------------------------

    private Diagnosis tokenRefused(Diagnosis d, TargetEvidence e) {
        return tokenRefused(d, e.summary());
    }

    /**
     * A 401/403 after which a call every accepted token passes ({@code GET groups}) was refused too: the token itself
     * is refused, so the code is {@link ErrorCode#PBI_UNAUTHORIZED} with its candidates (audience or cloud first),
     * whatever the status; a cloud check can then prove the cloud.
     */
    public Diagnosis tokenRefused(Diagnosis d, String evidence) {
        String msg = stripCandidates(d.message()) + "; evidence: " + evidence
                + Candidates.forCode(ErrorCode.PBI_UNAUTHORIZED, Optional.empty(), Optional.empty(), Optional.empty());
        return withMessage(d, ErrorCode.PBI_UNAUTHORIZED, msg);
    }

    private Diagnosis invisibleWorkspace(Diagnosis d, Optional<WorkspaceEvidence> admin, String looked) {
        String base = stripCandidates(d.message()) + (looked.isEmpty() ? "" : "; evidence: " + looked);
        if (admin.isPresent() && admin.get() instanceof WorkspaceEvidence.Exists) {
            return withMessage(d, ErrorCode.PBI_NOT_WORKSPACE_MEMBER, base + suffix(admin.get(), looked));
        }
        if (admin.isPresent() && admin.get() instanceof WorkspaceEvidence.Absent) {
            return withMessage(d, ErrorCode.PBI_WORKSPACE_NOT_FOUND, base + suffix(admin.get(), looked));
        }
        String why = admin.map(WorkspaceEvidence::explanation).orElse("");
        String msg = base + (why.isEmpty() || looked.contains(why) ? "" : "; " + why)
                + Candidates.forCode(ErrorCode.PBI_WORKSPACE_AMBIGUOUS, Optional.empty(), Optional.empty(), Optional.empty());
        return withMessage(d, ErrorCode.PBI_WORKSPACE_AMBIGUOUS, msg);
    }

    private static String suffix(WorkspaceEvidence admin, String looked) {
        String ex = admin.explanation();
        return ex.isEmpty() || looked.contains(ex) ? "" : "; " + ex;
    }

    private Diagnosis notFound(Diagnosis d, TargetEvidence e, PowerBiCall call, Optional<String> format) {
        if (e.report() == TargetEvidence.Sight.NOT_VISIBLE) {
            return named(d, ErrorCode.PBI_REPORT_NOT_FOUND, e);
        }
        if (e.report() == TargetEvidence.Sight.VISIBLE) {
            Optional<String> profile = e.profile() == TargetEvidence.ProfileSight.RULED_OUT ? Optional.empty()
                    : e.profileId();
            return withMessage(d, ErrorCode.PBI_NOT_FOUND, stripCandidates(d.message()) + "; evidence: "
                    + e.summary() + "; the workspace and the report are visible"
                    + Candidates.forCode(ErrorCode.PBI_NOT_FOUND, Optional.of(call), format, profile));
        }
        return annotated(d, e);
    }

    private Diagnosis forbidden(Diagnosis d, TargetEvidence e, PowerBiCall call, Optional<String> format) {
        GroupInfo g = e.group().orElseThrow();
        if (!g.isOnDedicatedCapacity() || g.capacityId().isEmpty()) {
            return named(d, ErrorCode.PBI_NO_DEDICATED_CAPACITY, e);
        }
        List<String> open = new ArrayList<>();
        if (e.capacity() == TargetEvidence.Sight.VISIBLE) {
            CapacityInfo c = e.capacityInfo().orElseThrow();
            if (c.state().filter(s -> !s.equalsIgnoreCase("Active")).isPresent()) {
                return named(d, ErrorCode.PBI_CAPACITY_NOT_ACTIVE, e);
            }
            boolean ppu = c.sku().map(s -> s.toUpperCase(Locale.ROOT).startsWith("PP")).orElse(false);
            if (ppu && e.reportType().filter(t -> t == ClassificationContext.ReportType.POWER_BI_REPORT).isPresent()) {
                return named(d, ErrorCode.PBI_PPU_NOT_SUPPORTED, e);
            }
            if (ppu && e.reportType().isEmpty()) {
                open.add("Premium Per User with a Power BI report (the report's type is unknown)");
            }
            if (c.state().isEmpty()) {
                open.add("a capacity that is not Active (its state is not shown)");
            }
        } else {
            open.add("a paused capacity or Premium Per User (the capacity's sku and state are not visible to the app)");
        }
        if (call != PowerBiCall.START) {
            return annotated(d, e);
        }
        String ruledOut = "; ruled out: shared capacity" + (open.isEmpty() ? ", a paused capacity, Premium Per User"
                : "") + ", an invisible workspace" + (open.isEmpty() ? "" : "; not ruled out: " + String.join(", ",
                open));
        return withMessage(d, ErrorCode.PBI_EXPORT_FORBIDDEN_AMBIGUOUS, stripCandidates(d.message())
                + "; evidence: " + e.summary() + ruledOut
                + Candidates.forCode(ErrorCode.PBI_EXPORT_FORBIDDEN_AMBIGUOUS, Optional.of(call), format, Optional.empty()));
    }

    private Diagnosis badRequest(Diagnosis d, TargetEvidence e, Optional<String> format) {
        Optional<ClassificationContext.ReportType> type = e.reportType();
        if (type.isEmpty() || format.isEmpty()) {
            return d;
        }
        ClassificationContext ctx = ClassificationContext.empty().withFormat(format.get()).withReportType(type.get());
        return PowerBiAnswerRules.formatMismatch(ctx) ? named(d, ErrorCode.PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE, e)
                : d;
    }

    private static Diagnosis named(Diagnosis d, ErrorCode code, TargetEvidence e) {
        return withMessage(d, code, stripCandidates(d.message()) + "; evidence: " + e.summary());
    }

    private static Diagnosis annotated(Diagnosis d, TargetEvidence e) {
        if (e.notes().isEmpty()) {
            return d;
        }
        String m = d.message();
        int at = m.indexOf(CANDIDATES_MARK);
        String evidence = "; evidence (not decisive): " + e.summary();
        return d.withMessage(at < 0 ? m + evidence : m.substring(0, at) + evidence + m.substring(at));
    }

    private static Diagnosis with(Diagnosis d, ErrorCode code, String clause) {
        return withMessage(d, code, stripCandidates(d.message()) + "; " + clause);
    }

    private static Diagnosis withMessage(Diagnosis d, ErrorCode code, String message) {
        return new Diagnosis(code, code.category(), code.retryable(), message, code.remediation(), d.httpStatus(),
                d.powerBiErrorCode(), d.powerBiRequestId(), d.aadsts());
    }

    static String stripCandidates(String message) {
        int at = message.indexOf(CANDIDATES_MARK);
        return at < 0 ? message : message.substring(0, at);
    }
}
