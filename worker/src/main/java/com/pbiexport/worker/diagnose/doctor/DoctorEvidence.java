package com.pbiexport.worker.diagnose.doctor;

import com.pbiexport.worker.diagnose.ClassificationContext;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.diagnose.CloudEvidence;
import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.worker.diagnose.PowerBiCall;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.diagnose.EvidenceRules;
import com.pbiexport.worker.diagnose.TargetEvidence;
import com.pbiexport.worker.diagnose.TargetLookUp;
import com.pbiexport.worker.diagnose.WorkspaceEvidence;
import com.pbiexport.worker.powerbi.PowerBiClient;
import com.pbiexport.worker.powerbi.PowerBiException;

import java.util.Optional;

/**
 * The doctor's side of the worker's evidence path: the same look-ups ({@link TargetLookUp}), the same read-only admin
 * API question, the same contrast of our token and a sibling cloud's on one call, read with the same
 * {@link EvidenceRules}, so {@code doctor} and {@code ExportFailed} name the same cause. Blocking (a CLI).
 */
final class DoctorEvidence {
    private final Classifier classifier;
    private final DoctorTarget target;
    private final DoctorRequest request;
    private final DoctorConnections conn;

    DoctorEvidence(Classifier classifier, DoctorTarget target, DoctorRequest request, DoctorConnections conn) {
        this.classifier = classifier;
        this.target = target;
        this.request = request;
        this.conn = conn;
    }

    /**
     * Called after {@code GET capacities} refused OUR token with a bare 401: clouds that share the Entra authority
     * can issue the other audience, and when Power BI accepts that token on the same call the API root provably
     * belongs to that cloud (the contrast the worker's {@code CloudProbe} makes too); the classifier, told the
     * audience the API really expects, names it. A sibling refused too, or not answered, is no evidence: the
     * generic 401 verdict stands.
     */
    Optional<CheckResult> otherCloud(PowerBiException original, ClassificationContext ctx) {
        for (DoctorTarget.CloudAudience other : target.siblingClouds()) {
            try {
                PowerBiClient probe = conn.powerBiWithScope(other.scope());
                probe.listCapacities(request.profileId());
            } catch (RuntimeException refusedToo) {
                continue;
            }
            Diagnosis d = classifier.classify(original, ctx.withExpectedAudience(other.audience()));
            CloudEvidence evidence = new CloudEvidence(target.tenantAlias(), target.cloud(),
                    target.expectedAudience(), other.cloud(), other.audience());
            return Optional.of(CheckResult.fail(DoctorCheck.POWER_BI, d,
                    evidence.explanation(target.apiRoot().toString())));
        }
        return Optional.empty();
    }

    /**
     * The worker's evidence path for this target: the same look-ups ({@link TargetLookUp}), the read-only admin
     * API for an invisible workspace (when allowed), and the same {@code EvidenceRules}, so the doctor and
     * {@code ExportFailed} name the same cause.
     */
    Diagnosis sharpen(Diagnosis d, PowerBiCall call) {
        if (!EvidenceRules.wantsTargetEvidence(d) && d.code() != ErrorCode.PBI_NOT_FOUND) {
            return d;
        }
        if (request.workspaceId().isEmpty()) {
            return d;
        }
        String ws = request.workspaceId().get();
        TargetEvidence e = TargetLookUp.run(conn.powerBi(), ws, request.reportId(), request.profileId());
        if (e.workspace() == TargetEvidence.Sight.NOT_VISIBLE) {
            e = e.withAdmin(target.askAdminApi()
                    ? WorkspaceEvidence.lookUp(conn.powerBi(), ws, target.clientId())
                    : WorkspaceEvidence.notAsked(target.clientId(), "the read-only admin API was not asked "
                    + "(diagnose.adminApiProbe=false)"));
        }
        return classifier.evidenceRules().refine(d, e, call, request.format());
    }
}
