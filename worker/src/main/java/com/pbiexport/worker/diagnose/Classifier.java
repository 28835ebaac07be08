package com.pbiexport.worker.diagnose;

import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.auth.TokenFailure;
import com.pbiexport.worker.powerbi.PowerBiException;
import com.pbiexport.worker.powerbi.PowerBiFailure;
import com.pbiexport.worker.storage.StorageException;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static java.util.Map.entry;

/**
 * Classifies every failure once, at the boundary, into a stable {@link ErrorCode} with its category, retryable
 * flag and remediation. Shared by the worker's failure events and the {@code doctor} command, so both name the
 * same cause the same way. Stateless and thread-safe.
 *
 * <p>Order for a Power BI answer: (1) a 401/403 with a token of the wrong audience is that audience problem,
 * whatever the body says; (2) Power BI's codes ({@code error.code}, {@code X-PowerBI-Error-Info}); (3) what the
 * caller knows (route, format, report type, pages); (4) the status, and body text only where no code exists.
 */
public final class Classifier {
    private static final int MAX_QUOTED = 300;

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

    private static final Set<String> FORMATS_POWER_BI = Set.of("PDF", "PPTX", "PNG");
    private static final Set<String> FORMATS_PAGINATED =
            Set.of("PDF", "ACCESSIBLEPDF", "PPTX", "XLSX", "DOCX", "CSV", "XML", "MHTML", "IMAGE");
    private static final int MAX_PAGES = 50;

    /**
     * Re-reads a bare 401 ({@link ErrorCode#PBI_UNAUTHORIZED}) given proof that the API root is another cloud's:
     * the same answer, named {@link ErrorCode#TOKEN_AUDIENCE_WRONG_CLOUD}. Status, Power BI code and RequestId
     * are kept (support still asks for the RequestId).
     */
    public Diagnosis provenWrongCloud(Diagnosis unauthorized, CloudEvidence evidence, String apiRoot) {
        ErrorCode code = ErrorCode.TOKEN_AUDIENCE_WRONG_CLOUD;
        return new Diagnosis(code, code.category(), code.retryable(), evidence.explanation(apiRoot),
                code.remediation(), unauthorized.httpStatus(), unauthorized.powerBiErrorCode(),
                unauthorized.powerBiRequestId(), unauthorized.aadsts());
    }

    /**
     * Re-reads "workspace not found" ({@link ErrorCode#PBI_WORKSPACE_NOT_FOUND}) given what the read-only admin API
     * says about the workspace. Listed: the same answer with the context "the workspace exists", i.e.
     * {@link ErrorCode#PBI_NOT_WORKSPACE_MEMBER}; not listed: the code stands, now proven; no answer: the code stands
     * and the message says why it could not be told apart. Status, Power BI code and RequestId are kept. Any other
     * diagnosis is returned unchanged.
     */
    public Diagnosis withWorkspaceEvidence(Diagnosis notFound, WorkspaceEvidence evidence) {
        if (notFound.code() != ErrorCode.PBI_WORKSPACE_NOT_FOUND) {
            return notFound;
        }
        String explanation = evidence.explanation();
        if (explanation.isEmpty()) {
            return notFound;
        }
        ErrorCode code = workspaceNotFound(ClassificationContext.empty()
                .withWorkspaceExists(evidence instanceof WorkspaceEvidence.Exists));
        String message = notFound.message() + "; " + explanation;
        return new Diagnosis(code, code.category(), code.retryable(), message, code.remediation(),
                notFound.httpStatus(), notFound.powerBiErrorCode(), notFound.powerBiRequestId(), notFound.aadsts());
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

    private Diagnosis http(PowerBiFailure.Http h, ClassificationContext given) {
        ClassificationContext ctx = given.errorInfo().isEmpty() && h.errorInfo().isPresent()
                ? given.withErrorInfo(h.errorInfo().get()) : given;
        Optional<String> audienceProblem = Optional.empty();
        ErrorCode code = null;
        if (h.status() == 401 || h.status() == 403) {
            Optional<ErrorCode> aud = audience(ctx);
            if (aud.isPresent()) {
                code = aud.get();
                audienceProblem = Optional.of("; the token's audience is "
                        + ctx.tokenClaims().flatMap(TokenClaims::audience).orElse("?")
                        + ctx.expectedAudience().map(e -> ", expected " + e).orElse(""));
            }
        }
        if (code == null) {
            code = byCode(h, ctx).or(() -> byContext(h, ctx)).orElseGet(() -> byStatus(h, ctx));
        }
        String op = ctx.operation().orElse(h.operation());
        StringBuilder msg = new StringBuilder("Power BI ").append(op).append(" answered HTTP ").append(h.status());
        if (h.errorCode() != null && !h.errorCode().isBlank()) {
            msg.append(' ').append(h.errorCode());
        }
        ctx.errorInfo().ifPresent(i -> msg.append(" (").append(i).append(')'));
        if (h.message() != null && !h.message().isBlank()) {
            msg.append(": ").append(quote(h.message()));
        }
        audienceProblem.ifPresent(msg::append);
        Diagnosis d = Diagnosis.of(code, msg.toString())
                .withHttpStatus(h.status())
                .withPowerBiErrorCode(blankToNull(h.errorCode()))
                .withPowerBiRequestId(h.requestId().orElse(null));
        // A throttled answer is retryable only because Power BI says when: keep that explicit.
        return code == ErrorCode.PBI_THROTTLED ? d.withRetryable(true) : d;
    }

    /**
     * The audience verdict for a token before it is sent (the {@code doctor} checks claims before calling Power BI):
     * the same rule that explains a 401/403, so both name the same cause. Empty when the audience is acceptable.
     */
    public Optional<Diagnosis> classifyAudience(TokenClaims claims, String expectedAudience) {
        ClassificationContext ctx = ClassificationContext.empty().withTokenClaims(claims)
                .withExpectedAudience(expectedAudience);
        return audience(ctx).map(code -> Diagnosis.of(code, "The token's audience is "
                + claims.audience().orElse("?") + (expectedAudience == null ? "" : ", expected " + expectedAudience)));
    }

    /**
     * Whether a report type accepts a format, by the same rules Power BI's 400 answers are read with: empty when
     * it does, {@link ErrorCode#INVALID_FORMAT} for an unknown format, else
     * {@link ErrorCode#PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE}.
     */
    public Optional<Diagnosis> classifyFormat(String format, ClassificationContext.ReportType type) {
        String f = format == null ? "" : format.strip().toUpperCase(Locale.ROOT);
        if (!FORMATS_POWER_BI.contains(f) && !FORMATS_PAGINATED.contains(f)) {
            return Optional.of(Diagnosis.of(ErrorCode.INVALID_FORMAT, "Unknown export format '" + quote(format) + "'"));
        }
        if (formatMismatch(ClassificationContext.empty().withFormat(f).withReportType(type))) {
            return Optional.of(Diagnosis.of(ErrorCode.PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE, f + " cannot be "
                    + "exported from a " + (type == ClassificationContext.ReportType.PAGINATED_REPORT ? "paginated"
                    : "Power BI") + " report"));
        }
        return Optional.empty();
    }

    /** A token for the wrong audience explains any 401/403, whatever the body says. */
    private static Optional<ErrorCode> audience(ClassificationContext ctx) {
        Optional<String> aud = ctx.tokenClaims().flatMap(TokenClaims::audience);
        if (aud.isEmpty()) {
            return Optional.empty();
        }
        if (Audiences.isGraph(aud.get())) {
            return Optional.of(ErrorCode.TOKEN_AUDIENCE_GRAPH);
        }
        Optional<String> expected = ctx.expectedAudience();
        if (expected.isPresent()) {
            if (Audiences.same(aud.get(), expected.get())) {
                return Optional.empty();
            }
            return Optional.of(Audiences.isPowerBi(aud.get())
                    ? ErrorCode.TOKEN_AUDIENCE_WRONG_CLOUD : ErrorCode.TOKEN_AUDIENCE_UNEXPECTED);
        }
        return Audiences.isPowerBi(aud.get()) ? Optional.empty() : Optional.of(ErrorCode.TOKEN_AUDIENCE_UNEXPECTED);
    }

    /** Power BI's own codes: {@code error.code} first, refined by {@code X-PowerBI-Error-Info}. */
    private static Optional<ErrorCode> byCode(PowerBiFailure.Http h, ClassificationContext ctx) {
        String code = lower(h.errorCode());
        String info = lower(ctx.errorInfo().orElse(null));
        // Some clients put the error-info header in errorCode when the body is empty: accept both places.
        Optional<ErrorCode> fromInfo = info(info.isEmpty() ? code : info, ctx);
        if (fromInfo.isPresent()) {
            return fromInfo;
        }
        return switch (code) {
            case "tokenexpired" -> Optional.of(ErrorCode.TOKEN_EXPIRED);
            case "exportformatdisabledbytenantadminswitch", "exportdata_disabledfortenant" ->
                    Optional.of(ErrorCode.PBI_FORMAT_DISABLED_BY_TENANT);
            case "exportsensitivitylabeledreportnotsupportedforserviceprincipal" ->
                    Optional.of(ErrorCode.PBI_SENSITIVITY_LABEL);
            case "featurenotavailableerror" -> Optional.of(featureNotAvailable(h.message()));
            case "powerbientitynotfound" -> Optional.of(entityNotFound(h.message(), ctx));
            case "itemnotfound" -> Optional.of(ErrorCode.PBI_NOT_FOUND);
            case "toomanyrequests" -> Optional.of(ErrorCode.PBI_THROTTLED);
            case "invalidrequest", "badrequest" -> Optional.of(badRequest(h, ctx));
            default -> Optional.empty();
        };
    }

    private static Optional<ErrorCode> info(String info, ClassificationContext ctx) {
        return switch (info) {
            case "serviceprincipalisnotallowedbytenantadminswitch" ->
                    Optional.of(ErrorCode.PBI_SERVICE_PRINCIPALS_DISABLED);
            case "workspacebelongstoanothertenant" -> Optional.of(ErrorCode.PBI_WORKSPACE_OTHER_TENANT);
            case "workspacenotfound" -> Optional.of(workspaceNotFound(ctx));
            case "reportnotfound" -> Optional.of(ErrorCode.PBI_REPORT_NOT_FOUND);
            case "profilenotfound" -> Optional.of(ErrorCode.PBI_PROFILE_NOT_FOUND);
            case "exportnotfound" -> Optional.of(ErrorCode.PBI_EXPORT_NOT_FOUND);
            case "exportfileexpired" -> Optional.of(ErrorCode.FILE_EXPIRED);
            case "exportfilenotready" -> Optional.of(ErrorCode.PBI_NOT_FOUND);
            case "workspacenotondedicatedcapacity" -> Optional.of(ErrorCode.PBI_NO_DEDICATED_CAPACITY);
            case "capacitynotactive", "capacitynotfound" -> Optional.of(ErrorCode.PBI_CAPACITY_NOT_ACTIVE);
            case "powerbireportexportnotsupportedonpremiumperuser" -> Optional.of(ErrorCode.PBI_PPU_NOT_SUPPORTED);
            case "exportformatdisabledbytenantadminswitch" -> Optional.of(ErrorCode.PBI_FORMAT_DISABLED_BY_TENANT);
            case "exportsensitivitylabeledreportnotsupportedforserviceprincipal" ->
                    Optional.of(ErrorCode.PBI_SENSITIVITY_LABEL);
            case "tokenexpired" -> Optional.of(ErrorCode.TOKEN_EXPIRED);
            default -> Optional.empty();
        };
    }

    /*
     * The two codes below cover several causes. X-PowerBI-Error-Info tells them apart (handled before); when the
     * client could not keep that header, the service's message is the only remaining evidence, so it refines the
     * code (never replaces it): the result is always one of the causes that code stands for.
     */

    private static ErrorCode featureNotAvailable(String message) {
        String m = lower(message);
        if (m.contains("premium per user")) {
            return ErrorCode.PBI_PPU_NOT_SUPPORTED;
        }
        if (m.contains("capacity") && (m.contains("paused") || m.contains("not available") || m.contains("not active")
                || m.contains("suspended"))) {
            return ErrorCode.PBI_CAPACITY_NOT_ACTIVE;
        }
        return ErrorCode.PBI_NO_DEDICATED_CAPACITY;
    }

    /** Power BI's "workspace not found": to a caller that knows the workspace exists, "not a member". */
    private static ErrorCode workspaceNotFound(ClassificationContext ctx) {
        return ctx.workspaceExists() ? ErrorCode.PBI_NOT_WORKSPACE_MEMBER : ErrorCode.PBI_WORKSPACE_NOT_FOUND;
    }

    private static ErrorCode entityNotFound(String message, ClassificationContext ctx) {
        String m = lower(message);
        if (m.startsWith("workspace") || m.startsWith("group")) {
            return workspaceNotFound(ctx);
        }
        if (m.startsWith("service principal profile")) {
            return ErrorCode.PBI_PROFILE_NOT_FOUND;
        }
        if (m.contains("export file expired")) {
            return ErrorCode.FILE_EXPIRED;
        }
        if (m.startsWith("export ") && m.contains("not found")) {
            return ErrorCode.PBI_EXPORT_NOT_FOUND;
        }
        // The reference: PowerBIEntityNotFound is first of all a wrong report id.
        return ctx.workspaceExists() ? ErrorCode.PBI_NOT_WORKSPACE_MEMBER : ErrorCode.PBI_REPORT_NOT_FOUND;
    }

    /**
     * "InvalidRequest" covers every bad parameter. What the caller knows decides first; Power BI's wording only
     * when the context is silent (there is no finer code to switch on).
     */
    private static ErrorCode badRequest(PowerBiFailure.Http h, ClassificationContext ctx) {
        if (formatMismatch(ctx)) {
            return ErrorCode.PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE;
        }
        if (ctx.pageCount().map(n -> n > MAX_PAGES).orElse(false)) {
            return ErrorCode.PBI_TOO_MANY_PAGES;
        }
        String m = lower(h.message());
        if (m.contains("only supported for paginated reports") || m.contains("not supported for paginated reports")
                || m.contains("not supported for power bi reports")) {
            return ErrorCode.PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE;
        }
        if (m.contains("pages or visuals")) {
            return ErrorCode.PBI_TOO_MANY_PAGES;
        }
        return ErrorCode.PBI_BAD_REQUEST;
    }

    /** Causes the answer does not name but the caller knows (no code matched). */
    private static Optional<ErrorCode> byContext(PowerBiFailure.Http h, ClassificationContext ctx) {
        if (h.status() == 403 && ctx.myWorkspaceRoute()) {
            return Optional.of(ErrorCode.PBI_MY_WORKSPACE_ROUTE);
        }
        if (h.status() == 400 && formatMismatch(ctx)) {
            return Optional.of(ErrorCode.PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE);
        }
        if (h.status() == 400 && ctx.pageCount().map(n -> n > MAX_PAGES).orElse(false)) {
            return Optional.of(ErrorCode.PBI_TOO_MANY_PAGES);
        }
        if ((h.status() == 403 || h.status() == 404) && ctx.workspaceExists()) {
            return Optional.of(ErrorCode.PBI_NOT_WORKSPACE_MEMBER);
        }
        return Optional.empty();
    }

    /** Last resort: the status, and observed body texts for answers that carry no code. */
    private static ErrorCode byStatus(PowerBiFailure.Http h, ClassificationContext ctx) {
        int s = h.status();
        if (s == 403 && contains(h.message(), PowerBiCodes.TEXT_API_NOT_ACCESSIBLE)) {
            return ErrorCode.PBI_MY_WORKSPACE_ROUTE;
        }
        if (s == 403 && contains(h.message(), PowerBiCodes.TEXT_DISABLED_ON_TENANT)) {
            return ErrorCode.PBI_FORMAT_DISABLED_BY_TENANT;
        }
        if (s == 401) {
            return ErrorCode.PBI_UNAUTHORIZED;
        }
        if (s == 403) {
            return ErrorCode.PBI_FORBIDDEN;
        }
        if (s == 404) {
            return ErrorCode.PBI_NOT_FOUND;
        }
        if (s == 429) {
            return ErrorCode.PBI_THROTTLED;
        }
        if (s >= 500) {
            return ErrorCode.PBI_SERVER_ERROR;
        }
        if (s >= 400) {
            return ErrorCode.PBI_BAD_REQUEST;
        }
        return ErrorCode.PBI_DECODING; // a non-error status reported as a failure: an answer we did not expect
    }

    private static boolean formatMismatch(ClassificationContext ctx) {
        if (ctx.format().isEmpty() || ctx.reportType().isEmpty()) {
            return false;
        }
        String f = ctx.format().get().toUpperCase(Locale.ROOT);
        return switch (ctx.reportType().get()) {
            case POWER_BI_REPORT -> FORMATS_PAGINATED.contains(f) && !FORMATS_POWER_BI.contains(f);
            case PAGINATED_REPORT -> FORMATS_POWER_BI.contains(f) && !FORMATS_PAGINATED.contains(f);
        };
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
        if (s == null) {
            return "";
        }
        String one = s.replaceAll("[\\r\\n\\t]+", " ").strip();
        return one.length() <= MAX_QUOTED ? one : one.substring(0, MAX_QUOTED) + "...";
    }

    private static String lower(String s) {
        return s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
    }

    private static boolean contains(String haystack, String needle) {
        return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
