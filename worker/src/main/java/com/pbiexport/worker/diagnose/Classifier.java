package com.pbiexport.worker.diagnose;

import com.pbiexport.contracts.ErrorCode;

import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.auth.TokenFailure;
import com.pbiexport.worker.powerbi.PowerBiException;
import com.pbiexport.worker.powerbi.PowerBiFailure;
import com.pbiexport.worker.storage.StorageException;

import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static java.util.Map.entry;

/**
 * Classifies every failure once, at the boundary, into a stable {@link ErrorCode} with its category, retryable
 * flag and remediation. Shared by the worker's failure events and the {@code doctor} command, so both name the
 * same cause the same way. Stateless and thread-safe.
 *
 * <p>A Power BI answer is read by {@link PowerBiAnswerRules} (evidence only: the token's audience, the few observed
 * signal values, what the caller knows, the status); causes one answer cannot tell apart get a general or ambiguous
 * code with ranked candidates, which the worker's and the doctor's look-ups may sharpen ({@link EvidenceRules}).
 */
public final class Classifier {

    /** AADSTS number -> code. Several numbers share a cause (e.g. every scope mistake). */
    private static final Map<Integer, ErrorCode> AADSTS = Map.ofEntries(
            entry(7000215, ErrorCode.AUTH_INVALID_SECRET),
            entry(7000222, ErrorCode.AUTH_SECRET_EXPIRED),
            entry(700016, ErrorCode.AUTH_APP_NOT_FOUND),
            entry(90002, ErrorCode.AUTH_TENANT_NOT_FOUND),
            entry(900023, ErrorCode.AUTH_TENANT_NOT_FOUND),   // tenant id neither GUID nor known domain
            entry(50059, ErrorCode.AUTH_TENANT_NOT_FOUND),    // no tenant in the request
            entry(70011, ErrorCode.AUTH_INVALID_SCOPE),
            entry(1002012, ErrorCode.AUTH_INVALID_SCOPE),
            entry(700022, ErrorCode.AUTH_INVALID_SCOPE),
            entry(500011, ErrorCode.AUTH_INVALID_SCOPE),      // resource principal not found (wrong cloud's scope)
            entry(7000218, ErrorCode.AUTH_MISSING_CREDENTIAL),
            entry(7000216, ErrorCode.AUTH_MISSING_CREDENTIAL),
            entry(700027, ErrorCode.AUTH_BAD_ASSERTION),
            entry(700023, ErrorCode.AUTH_BAD_ASSERTION),      // assertion audience
            entry(700021, ErrorCode.AUTH_BAD_ASSERTION),      // assertion issuer/subject
            entry(700024, ErrorCode.AUTH_BAD_ASSERTION),      // assertion outside its valid time range
            entry(700213, ErrorCode.AUTH_BAD_ASSERTION),      // no matching federated identity record
            entry(50027, ErrorCode.AUTH_BAD_ASSERTION),       // assertion JWT malformed
            entry(7000112, ErrorCode.AUTH_APP_DISABLED),
            entry(90055, ErrorCode.AUTH_THROTTLED),
            entry(90033, ErrorCode.AUTH_UNAVAILABLE));        // service temporarily unavailable

    private final PowerBiAnswerRules answers;
    private final EvidenceRules evidence = new EvidenceRules();

    /** A classifier on the system clock. */
    public Classifier() {
        this(Clock.systemUTC());
    }

    /** @param clock decides whether an export's expirationTime has passed (a 404 on its file) */
    public Classifier(Clock clock) {
        this.answers = new PowerBiAnswerRules(Objects.requireNonNull(clock, "clock"));
    }

    /** The rules that sharpen a diagnosis with the worker's own look-ups (shared with {@code doctor}). */
    public EvidenceRules evidenceRules() {
        return evidence;
    }

    /** See {@link EvidenceRules#provenWrongCloud}. */
    public Diagnosis provenWrongCloud(Diagnosis unauthorized, CloudEvidence cloud, String apiRoot) {
        return evidence.provenWrongCloud(unauthorized, cloud, apiRoot);
    }

    /** See {@link EvidenceRules#withWorkspaceEvidence}. */
    public Diagnosis withWorkspaceEvidence(Diagnosis invisible, WorkspaceEvidence admin) {
        return evidence.withWorkspaceEvidence(invisible, admin);
    }

    // ---------------------------------------------------------------------------------------------------
    // tokens

    /** A token could not be acquired. */
    public Diagnosis classify(TokenFailure f) {
        ErrorCode code = switch (f.kind()) {
            case THROTTLED -> ErrorCode.AUTH_THROTTLED;
            case UNAVAILABLE -> ErrorCode.AUTH_UNAVAILABLE;
            case CREDENTIAL_UNREADABLE -> ErrorCode.AUTH_CREDENTIAL_UNREADABLE;
            case REJECTED -> rejected(f);
        };
        String verb = switch (f.kind()) {
            case THROTTLED -> "throttled the token request";
            case UNAVAILABLE -> "could not be reached for a token";
            case CREDENTIAL_UNREADABLE -> "was not asked: the credential could not be read";
            case REJECTED -> "rejected the token request";
        };
        String message = "Entra ID " + verb + " for tenant '" + f.tenantAlias() + "'"
                + f.httpStatus().map(s -> " (HTTP " + s + ")").orElse("") + ": " + quote(f.description());
        return Diagnosis.of(code, message)
                .withHttpStatus(f.httpStatus().orElse(null))
                .withAadsts(f.aadsts().orElse(null));
    }

    private static ErrorCode rejected(TokenFailure f) {
        if (f.aadsts().isPresent() && AADSTS.containsKey(f.aadsts().get())) {
            return AADSTS.get(f.aadsts().get());
        }
        int status = f.httpStatus().orElse(0);
        if (status == 429) {
            return ErrorCode.AUTH_THROTTLED;
        }
        if (status >= 500) {
            return ErrorCode.AUTH_UNAVAILABLE;
        }
        String oauth = f.oauthError().orElse("");
        if (oauth.equals("invalid_scope") || oauth.equals("invalid_resource")) {
            return ErrorCode.AUTH_INVALID_SCOPE;
        }
        if (oauth.equals("invalid_tenant")) {
            return ErrorCode.AUTH_TENANT_NOT_FOUND;
        }
        if (oauth.equals("temporarily_unavailable")) {
            return ErrorCode.AUTH_UNAVAILABLE;
        }
        return ErrorCode.AUTH_REJECTED;
    }

    // ---------------------------------------------------------------------------------------------------
    // Power BI

    /** A Power BI call failed; the context tells apart causes that look alike on the wire. */
    public Diagnosis classify(PowerBiFailure f, ClassificationContext ctx) {
        if (f instanceof PowerBiFailure.Http h) {
            return http(h, ctx);
        }
        String op = f.operation();
        Diagnosis d;
        if (f instanceof PowerBiFailure.Transport t) {
            d = Diagnosis.of(ErrorCode.PBI_TRANSPORT, "Power BI " + op + " got no answer: " + quote(t.message()));
        } else if (f instanceof PowerBiFailure.Decoding dec) {
            d = Diagnosis.of(ErrorCode.PBI_DECODING, "Power BI " + op + " answered HTTP " + dec.status()
                    + " with a body that could not be read: " + quote(dec.message())).withHttpStatus(dec.status());
        } else {
            PowerBiFailure.Refused r = (PowerBiFailure.Refused) f;
            d = Diagnosis.of(ErrorCode.PBI_REFUSED_FOREIGN_HOST, "Refused to call Power BI (" + op + "): "
                    + quote(r.message()));
        }
        return d.withPowerBiRequestId(f.requestId().orElse(null));
    }

    private Diagnosis http(PowerBiFailure.Http h, ClassificationContext ctx) {
        return answers.http(h, ctx);
    }

    /**
     * The audience verdict for a token before it is sent (the {@code doctor} checks claims before calling Power BI):
     * the same rule that explains a 401/403, so both name the same cause. Empty when the audience is acceptable.
     */
    public Optional<Diagnosis> classifyAudience(TokenClaims claims, String expectedAudience) {
        ClassificationContext ctx = ClassificationContext.empty().withTokenClaims(claims)
                .withExpectedAudience(expectedAudience);
        return PowerBiAnswerRules.audience(ctx).map(code -> Diagnosis.of(code, "The token's audience is "
                + claims.audience().orElse("?") + (expectedAudience == null ? "" : ", expected " + expectedAudience)));
    }

    /**
     * Whether a report type accepts a format, by the same rules Power BI's 400 answers are read with: empty when
     * it does, {@link ErrorCode#INVALID_FORMAT} for an unknown format, else
     * {@link ErrorCode#PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE}.
     */
    public Optional<Diagnosis> classifyFormat(String format, ClassificationContext.ReportType type) {
        String f = format == null ? "" : format.strip().toUpperCase(Locale.ROOT);
        if (!PowerBiAnswerRules.FORMATS_POWER_BI.contains(f) && !PowerBiAnswerRules.FORMATS_PAGINATED.contains(f)) {
            return Optional.of(Diagnosis.of(ErrorCode.INVALID_FORMAT, "Unknown export format '" + quote(format) + "'"));
        }
        if (PowerBiAnswerRules.formatMismatch(ClassificationContext.empty().withFormat(f).withReportType(type))) {
            return Optional.of(Diagnosis.of(ErrorCode.PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE, f + " cannot be "
                    + "exported from a " + (type == ClassificationContext.ReportType.PAGINATED_REPORT ? "paginated"
                    : "Power BI") + " report"));
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------------------------------------------
    // anything

    /** Any failure, without context. */
    public Diagnosis classify(Throwable t) {
        return classify(t, ClassificationContext.empty());
    }

    /**
     * Any failure: unwraps {@link TokenAcquisitionException}, {@link PowerBiException} and
     * {@link StorageException} (also inside {@link CompletionException}/{@link ExecutionException} and cause
     * chains). Anything else is {@link ErrorCode#INTERNAL_ERROR} with the exception's class and where it was
     * thrown, but never its message: messages of arbitrary exceptions may quote secrets.
     */
    public Diagnosis classify(Throwable t, ClassificationContext ctx) {
        Throwable cur = t;
        for (int depth = 0; cur != null && depth < 10; depth++, cur = cur.getCause()) {
            if (cur instanceof TokenAcquisitionException e && e.failure() != null) {
                return classify(e.failure());
            }
            if (cur instanceof PowerBiException e && e.failure() != null) {
                return classify(e.failure(), ctx);
            }
            if (cur instanceof StorageException e) {
                return storage(e);
            }
            if (!(cur instanceof CompletionException || cur instanceof ExecutionException)
                    && cur.getCause() == null) {
                break;
            }
        }
        return internal(t);
    }

    private static Diagnosis storage(StorageException e) {
        ErrorCode code = switch (e.kind()) {
            case TOO_LARGE -> ErrorCode.STORAGE_TOO_LARGE;
            case UNAVAILABLE -> ErrorCode.STORAGE_UNAVAILABLE;
            case REJECTED -> ErrorCode.STORAGE_REJECTED;
            case INVALID_NAME -> ErrorCode.INVALID_FILE_NAME;
            case SOURCE_FAILED -> ErrorCode.PBI_TRANSPORT;
        };
        // StorageException messages are written to be safe (no keys, no SAS): see its contract.
        return Diagnosis.of(code, "Storing the file failed: " + quote(e.getMessage()))
                .withHttpStatus(e.httpStatus().orElse(null));
    }

    private static Diagnosis internal(Throwable t) {
        String where = "";
        for (StackTraceElement el : t.getStackTrace()) {
            if (el.getClassName().startsWith("com.pbiexport.")) {
                where = " at " + el.getClassName() + "." + el.getMethodName()
                        + (el.getLineNumber() > 0 ? ":" + el.getLineNumber() : "");
                break;
            }
        }
        return Diagnosis.of(ErrorCode.INTERNAL_ERROR, "Unexpected " + t.getClass().getName() + where
                + " (details in the worker log)");
    }

    // ---------------------------------------------------------------------------------------------------

    private static String quote(String s) {
        return PowerBiAnswerRules.quote(s);
    }
}
