package com.pbiexport.worker.diagnose.doctor;

import com.pbiexport.worker.auth.AccessToken;
import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.diagnose.ClassificationContext;
import com.pbiexport.worker.diagnose.ClassificationContext.ReportType;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.worker.diagnose.PowerBiCall;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.diagnose.TokenClaims;
import com.pbiexport.worker.diagnose.WorkspaceEvidence;
import com.pbiexport.worker.powerbi.CapacityInfo;
import com.pbiexport.worker.powerbi.GroupInfo;
import com.pbiexport.worker.powerbi.PowerBiException;
import com.pbiexport.worker.powerbi.ReportInfo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Names the first broken prerequisite of exporting for one tenant: credential, token, audience, Power BI,
 * workspace, capacity, report, format, and optionally a real export. Every verdict comes from the worker's own
 * {@link Classifier} and {@link ErrorCode}s, so a failed check carries the same code and remediation as the
 * worker's {@code ExportFailed} event for that cause. Where Power BI answers two causes alike (an unknown
 * workspace and one the service principal is not a member of), the doctor asks the read-only admin API
 * ({@link WorkspaceEvidence}); when that cannot answer, it says what it cannot tell apart and why instead of guessing.
 *
 * <p>Never prints a secret or a token: claims only. One run per instance of {@link Run}; the doctor itself is
 * stateless and thread-safe.
 */
public final class Doctor {
    private final Classifier classifier;
    private final Clock clock;
    private final Sleeper sleeper;

    public Doctor(Classifier classifier, Clock clock, Sleeper sleeper) {
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** Runs every check in order; after the first failure the rest are skipped. */
    public DoctorReport run(DoctorTarget target, DoctorRequest request, DoctorConnections connections) {
        Run run = new Run(target, request, connections);
        List<CheckResult> results = new ArrayList<>();
        CheckResult failed = null;
        for (DoctorCheck check : DoctorCheck.tenantChain()) {
            if (failed != null) {
                results.add(CheckResult.skip(check, "not checked: '" + failed.name() + "' failed first"));
                continue;
            }
            CheckResult r;
            try {
                r = run.check(check);
            } catch (RuntimeException e) {
                // a bug or an answer nobody foresaw: still one line with a code, never a stack trace on stdout;
                // the failure itself names the call (no call is known here)
                r = CheckResult.fail(check, classifier.classify(e, run.context()));
            }
            results.add(r);
            if (r.status() == CheckStatus.FAIL) {
                failed = r;
            }
        }
        String subject = "tenant '" + target.tenantAlias() + "' (cloud " + target.cloud() + ", Power BI API "
                + target.apiRoot() + ")";
        return new DoctorReport(subject, results);
    }

    /** The state of one doctor run: what the checks so far established. */
    private final class Run {
        private final DoctorTarget target;
        private final DoctorRequest request;
        private final DoctorConnections conn;
        private AccessToken token;
        private TokenClaims claims;
        private List<CapacityInfo> capacities = List.of();
        private GroupInfo group;
        private ReportInfo report;

        /** The worker's evidence path for this run's target (look-ups, admin API, sibling cloud). */
        private DoctorEvidence evidence() {
            return new DoctorEvidence(classifier, target, request, conn);
        }

        Run(DoctorTarget target, DoctorRequest request, DoctorConnections conn) {
            this.target = target;
            this.request = request;
            this.conn = conn;
        }

        CheckResult check(DoctorCheck check) {
            return switch (check) {
                case CREDENTIALS -> credentials();
                case PROXY -> ProxyCheck.result(conn.proxies());
                case TOKEN -> token();
                case TOKEN_CLAIMS -> claims();
                case POWER_BI -> powerBi();
                case WORKSPACE -> workspace();
                case CAPACITY -> capacity();
                case REPORT -> report();
                case FORMAT -> format();
                case TRIAL -> trial();
                case KAFKA, SINK -> throw new IllegalArgumentException(check + " is not a tenant check");
            };
        }

        /** What the classifier should know about a failed call: the token sent, the audience expected, the report. */
        ClassificationContext context(PowerBiCall call) {
            return context().withOperation(call);
        }

        /** {@link #context(PowerBiCall)} for a failure whose call is not known here: the failure names it. */
        ClassificationContext context() {
            ClassificationContext ctx = ClassificationContext.empty().withExpectedAudience(expectedAudience());
            if (claims != null) {
                ctx = ctx.withTokenClaims(claims);
            }
            if (request.format().isPresent()) {
                ctx = ctx.withFormat(request.format().get());
            }
            if (report != null) {
                ctx = ctx.withReportType(reportType().orElse(null));
            }
            return ctx;
        }

        /** The configured cloud's audience, unless the API root is a known host of another cloud. */
        private String expectedAudience() {
            return target.apiRootCloud().map(DoctorTarget.CloudAudience::audience).orElse(target.expectedAudience());
        }

        private Optional<String> profile() {
            return request.profileId();
        }

        private Optional<ReportType> reportType() {
            return report == null ? Optional.empty() : report.reportType().flatMap(ReportType::parse);
        }

        // ---- credential and token -------------------------------------------------------------------

        private CheckResult credentials() {
            try {
                return CheckResult.pass(DoctorCheck.CREDENTIALS, conn.readCredential());
            } catch (TokenAcquisitionException e) {
                return CheckResult.fail(DoctorCheck.CREDENTIALS, classifier.classify(e));
            }
        }

        private CheckResult token() {
            try {
                token = conn.tokens().token();
            } catch (TokenAcquisitionException e) {
                String wait = e.failure() == null ? "" : e.failure().retryAfter()
                        .map(d -> "Entra ID asks to retry after " + d.toSeconds() + " s").orElse("");
                return CheckResult.fail(DoctorCheck.TOKEN, classifier.classify(e), wait);
            }
            return CheckResult.pass(DoctorCheck.TOKEN, "token acquired, valid until " + token.expiresOn()
                    + " (" + minutesLeft(token.expiresOn()) + ")");
        }

        private CheckResult claims() {
            Optional<TokenClaims> decoded = TokenClaims.decode(token.value());
            if (decoded.isEmpty()) {
                return CheckResult.pass(DoctorCheck.TOKEN_CLAIMS, "the token is not a JWT (opaque): no claims to "
                        + "decode, audience not checked");
            }
            claims = decoded.get();
            String summary = "aud=" + claims.audience().orElse("?") + ", tid=" + claims.tenantId().orElse("?")
                    + ", appid=" + claims.appId().orElse("?") + ", roles=" + claims.roles()
                    + ", exp=" + claims.expiresAt().map(Instant::toString).orElse("?")
                    + " (decoded for diagnosis only, signature not checked)";
            String expected = expectedAudience();
            String rootNote = target.apiRootCloud()
                    .filter(c -> !c.cloud().equalsIgnoreCase(target.cloud()))
                    .map(c -> "; the API root " + target.apiRoot() + " is " + c.cloud() + "'s, but tenants."
                            + target.tenantAlias() + ".cloud is " + target.cloud())
                    .orElse("");
            Optional<Diagnosis> problem = classifier.classifyAudience(claims, expected);
            if (problem.isPresent()) {
                return CheckResult.fail(DoctorCheck.TOKEN_CLAIMS, problem.get(), summary + rootNote);
            }
            if (claims.expiresAt().filter(exp -> !exp.isAfter(clock.instant())).isPresent()) {
                return CheckResult.fail(DoctorCheck.TOKEN_CLAIMS, Diagnosis.of(ErrorCode.TOKEN_EXPIRED,
                        "A token fresh from Entra ID is already expired by this host's clock (" + clock.instant()
                                + ")"), summary);
            }
            return CheckResult.pass(DoctorCheck.TOKEN_CLAIMS, summary + "; the audience is " + target.cloud()
                    + "'s Power BI");
        }

        // ---- Power BI -------------------------------------------------------------------------------

        private CheckResult powerBi() {
            try {
                capacities = conn.powerBi().listCapacities(profile()).value();
                return CheckResult.pass(DoctorCheck.POWER_BI, target.apiRoot() + " accepted the token (GET capacities: "
                        + capacities.size() + " visible)");
            } catch (PowerBiException e) {
                ClassificationContext ctx = context(PowerBiCall.LIST_CAPACITIES);
                Diagnosis d = classifier.classify(e, ctx);
                if (d.code() == ErrorCode.PBI_FORBIDDEN) {
                    // listing capacities may be refused where workspaces are not: reachability is what counts here
                    try {
                        int groups = conn.powerBi().listGroups(null, profile()).value().size();
                        return CheckResult.pass(DoctorCheck.POWER_BI, target.apiRoot() + " accepted the token (GET "
                                + "groups: " + groups + " visible; GET capacities refused, so capacity details are "
                                + "unknown)");
                    } catch (PowerBiException refusedToo) {
                        // GET groups refused too: Power BI refuses the token itself (it answers a wrong audience
                        // with 403 as well as 401), the same reading as the worker's EvidenceRules
                        Optional<CheckResult> otherCloud = evidence().otherCloud(e, ctx);
                        return otherCloud.orElseGet(() -> CheckResult.fail(DoctorCheck.POWER_BI,
                                classifier.evidenceRules().tokenRefused(d, "GET capacities and GET groups both "
                                        + "refused: Power BI refuses the token itself")));
                    }
                }
                if (d.code() == ErrorCode.PBI_UNAUTHORIZED) {
                    Optional<CheckResult> otherCloud = evidence().otherCloud(e, ctx);
                    if (otherCloud.isPresent()) {
                        return otherCloud.get();
                    }
                }
                if (d.code() == ErrorCode.PBI_NOT_FOUND && profile().isPresent()) {
                    // a 404 on GET capacities names no entity but the profile: the worker's look-ups say whether it is
                    return CheckResult.fail(DoctorCheck.POWER_BI, evidence().sharpen(d, PowerBiCall.LIST_CAPACITIES));
                }
                return CheckResult.fail(DoctorCheck.POWER_BI, d);
            }
        }

        private CheckResult workspace() {
            if (request.workspaceId().isEmpty()) {
                return request.reportId().isPresent() ? myWorkspace(request.reportId().get())
                        : CheckResult.skip(DoctorCheck.WORKSPACE, "no --workspace given (the worker always needs one: "
                        + "a service principal has no My workspace)");
            }
            String ws = request.workspaceId().get();
            List<GroupInfo> match;
            try {
                match = conn.powerBi().listGroups("id eq '" + ws + "'", profile()).value();
            } catch (PowerBiException e) {
                return CheckResult.fail(DoctorCheck.WORKSPACE, classifier.classify(e, context(PowerBiCall.LIST_GROUPS)));
            }
            Optional<GroupInfo> found = match.stream().filter(g -> g.id().equalsIgnoreCase(ws)).findFirst();
            if (found.isPresent()) {
                group = found.get();
                return CheckResult.pass(DoctorCheck.WORKSPACE, "'" + group.name() + "' (" + group.id() + ") is visible"
                        + " to the service principal" + profile().map(p -> " (profile " + p + ")").orElse(""));
            }
            String listed = "GET groups?$filter=id eq '" + ws + "' listed nothing; " + visibleWorkspaces();
            Diagnosis d = Diagnosis.of(ErrorCode.PBI_NOT_FOUND, "Workspace " + ws + " is not visible to the app");
            if (request.reportId().isPresent()) {
                // Power BI's own answer for the same route the worker uses, read as the worker reads it
                try {
                    conn.powerBi().getReport(ws, request.reportId().get(), profile());
                } catch (PowerBiException e) {
                    d = classifier.classify(e, context(PowerBiCall.GET_REPORT));
                }
            }
            return CheckResult.fail(DoctorCheck.WORKSPACE, evidence().sharpen(d, PowerBiCall.GET_REPORT), "Evidence: " + listed);
        }

        private String visibleWorkspaces() {
            try {
                List<GroupInfo> all = conn.powerBi().listGroups(null, profile()).value();
                return "the service principal sees " + all.size() + " workspace(s) and " + capacities.size()
                        + " capacity(ies)";
            } catch (RuntimeException e) {
                return "listing all its workspaces failed too";
            }
        }

        /** No workspace but a report: the My-workspace route, which a service principal cannot use. */
        private CheckResult myWorkspace(String reportId) {
            try {
                conn.powerBi().getReport(null, reportId, profile());
            } catch (PowerBiException e) {
                return CheckResult.fail(DoctorCheck.WORKSPACE, classifier.classify(e,
                        context(PowerBiCall.GET_MY_WORKSPACE_REPORT).withMyWorkspaceRoute(true)), "No --workspace given, so "
                        + "the report was looked up on the My-workspace route /v1.0/myorg/reports/" + reportId);
            }
            return CheckResult.fail(DoctorCheck.WORKSPACE, Diagnosis.of(ErrorCode.PBI_MY_WORKSPACE_ROUTE,
                    "The report was found in the caller's My workspace, but the worker only exports from workspaces"));
        }

        private CheckResult capacity() {
            if (group == null) {
                return CheckResult.skip(DoctorCheck.CAPACITY, "needs --workspace");
            }
            if (!group.isOnDedicatedCapacity() || group.capacityId().isEmpty()) {
                return CheckResult.fail(DoctorCheck.CAPACITY, Diagnosis.of(ErrorCode.PBI_NO_DEDICATED_CAPACITY,
                        "Workspace '" + group.name() + "' is on shared (Pro) capacity"
                                + group.capacityId().map(id -> " (capacity " + id + ")").orElse("")));
            }
            String id = group.capacityId().get();
            Optional<CapacityInfo> cap = capacities.stream().filter(c -> c.id().equalsIgnoreCase(id)).findFirst();
            if (cap.isEmpty()) {
                return CheckResult.pass(DoctorCheck.CAPACITY, "dedicated capacity " + id + " (its SKU and state are not "
                        + "visible to the service principal)");
            }
            CapacityInfo c = cap.get();
            String desc = "capacity '" + c.displayName() + "' (" + c.id() + "), SKU " + c.sku().orElse("?") + ", state "
                    + c.state().orElse("?");
            if (c.state().filter(s -> !s.equalsIgnoreCase("Active")).isPresent()) {
                return CheckResult.fail(DoctorCheck.CAPACITY, Diagnosis.of(ErrorCode.PBI_CAPACITY_NOT_ACTIVE,
                        "The workspace's " + desc));
            }
            if (c.sku().map(s -> s.toUpperCase(Locale.ROOT).startsWith("PP")).orElse(false)) {
                return premiumPerUser(desc);
            }
            return CheckResult.pass(DoctorCheck.CAPACITY, desc);
        }

        /** Premium Per User exports paginated reports (one per 5 minutes) but never Power BI reports. */
        private CheckResult premiumPerUser(String desc) {
            if (request.reportId().isPresent() && report == null) {
                try {
                    report = conn.powerBi().getReport(group.id(), request.reportId().get(), profile()).value();
                } catch (PowerBiException e) {
                    // the report check reports it
                }
            }
            if (reportType().filter(t -> t == ReportType.PAGINATED_REPORT).isPresent()) {
                return CheckResult.pass(DoctorCheck.CAPACITY, desc + "; Premium Per User: paginated exports only, "
                        + "at most one per 5 minutes");
            }
            return CheckResult.fail(DoctorCheck.CAPACITY, Diagnosis.of(ErrorCode.PBI_PPU_NOT_SUPPORTED,
                    "The workspace is on Premium Per User: " + desc + "; Power BI reports cannot be exported there"
                            + (report == null ? " (paginated reports can, one per 5 minutes)" : "")));
        }

        private CheckResult report() {
            if (request.reportId().isEmpty()) {
                return CheckResult.skip(DoctorCheck.REPORT, "no --report given");
            }
            if (group == null) {
                return CheckResult.skip(DoctorCheck.REPORT, "needs --workspace");
            }
            if (report == null) {
                try {
                    report = conn.powerBi().getReport(group.id(), request.reportId().get(), profile()).value();
                } catch (PowerBiException e) {
                    return CheckResult.fail(DoctorCheck.REPORT, evidence().sharpen(classifier.classify(e,
                            context(PowerBiCall.GET_REPORT)), PowerBiCall.GET_REPORT));
                }
            }
            return CheckResult.pass(DoctorCheck.REPORT, "'" + report.name() + "' (" + report.id() + "), type "
                    + report.reportType().orElse("unknown"));
        }

        private CheckResult format() {
            if (request.format().isEmpty()) {
                return CheckResult.skip(DoctorCheck.FORMAT, "no --format given");
            }
            String f = request.format().get().toUpperCase(Locale.ROOT);
            if (report == null) {
                return CheckResult.skip(DoctorCheck.FORMAT, "needs --workspace and --report to know the report type");
            }
            Optional<ReportType> type = reportType();
            if (type.isEmpty()) {
                return CheckResult.pass(DoctorCheck.FORMAT, "report type '" + report.reportType().orElse("")
                        + "' is unknown to the doctor; Power BI decides on export");
            }
            Optional<Diagnosis> problem = classifier.classifyFormat(f, type.get());
            if (problem.isPresent()) {
                return CheckResult.fail(DoctorCheck.FORMAT, problem.get());
            }
            return CheckResult.pass(DoctorCheck.FORMAT, f + " is a format of " + (type.get() == ReportType.PAGINATED_REPORT
                    ? "paginated" : "Power BI") + " reports; tenant export settings and sensitivity labels show "
                    + "only on a real export (--trial)");
        }

        private CheckResult trial() {
            if (!request.trial()) {
                return CheckResult.skip(DoctorCheck.TRIAL, "not requested (--trial runs one real export)");
            }
            if (report == null) {
                return CheckResult.skip(DoctorCheck.TRIAL, "needs --workspace and --report");
            }
            return new TrialExport(conn.powerBi(), classifier, clock, sleeper).run(group.id(), report,
                    request.format().orElse("PDF").toUpperCase(Locale.ROOT), profile(), request.trialTimeout(),
                    context(PowerBiCall.START), evidence()::sharpen);
        }

        private String minutesLeft(Instant expiresOn) {
            long minutes = Duration.between(clock.instant(), expiresOn).toMinutes();
            return minutes >= 0 ? "in " + minutes + " min" : "expired " + (-minutes) + " min ago";
        }
    }
}
