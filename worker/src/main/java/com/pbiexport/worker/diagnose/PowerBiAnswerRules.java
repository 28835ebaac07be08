package com.pbiexport.worker.diagnose;

import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.RequestValidator;
import com.pbiexport.contracts.ErrorCode;

import com.pbiexport.worker.powerbi.PowerBiFailure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one Power BI error answer, with what the caller knows, into a code. Only evidence counts: the token's decoded
 * audience (Power BI accepts no Graph token), the few {@link PowerBiCodes observed} signal values, what the caller
 * knows (route, format, report type, pages, the export's expirationTime), and the status. Invented header values,
 * unobserved body codes and message wording are quoted in the message but never decide. Causes a single answer
 * cannot tell apart get a general code whose message ranks the candidates ({@link Candidates}); the caller's
 * look-ups may then sharpen it ({@link EvidenceRules}).
 */
final class PowerBiAnswerRules {
    static final int MAX_QUOTED = 300;
    // format facts and Power BI's page limit have one owner: contracts (ExportFormat, RequestValidator)
    static final Set<String> FORMATS_POWER_BI = formats(ExportFormat::isPowerBiFormat);
    static final Set<String> FORMATS_PAGINATED = formats(ExportFormat::isPaginatedFormat);
    static final int MAX_PAGES = RequestValidator.MAX_PAGES;
    private static final Set<String> OBSERVED_INFO = Set.of(PowerBiCodes.INFO_SP_NOT_ALLOWED,
            PowerBiCodes.INFO_INVALID_TOKEN, PowerBiCodes.INFO_TOKEN_EXPIRED, PowerBiCodes.INFO_GROUP_NOT_ACCESSIBLE)
            .stream().map(PowerBiAnswerRules::lower).collect(java.util.stream.Collectors.toSet());

    private final Clock clock;

    PowerBiAnswerRules(Clock clock) {
        this.clock = clock;
    }

    Diagnosis http(PowerBiFailure.Http h, ClassificationContext ctx) {
        String info = ctx.errorInfo().or(h::errorInfo).orElse("");
        // the caller's name for the call wins over the failure's own (the doctor's My-workspace look-up)
        Optional<PowerBiCall> call = ctx.operation().or(() -> PowerBiCall.fromWireName(h.operation()));
        String op = ctx.operation().map(PowerBiCall::wireName).orElse(h.operation());
        Optional<ErrorCode> aud = h.status() == 401 || h.status() == 403 ? audience(ctx) : Optional.empty();
        ErrorCode code = aud.orElseGet(() -> byEvidence(h, lower(info), call, ctx));
        StringBuilder msg = new StringBuilder("Power BI ").append(op).append(" answered HTTP ").append(h.status());
        if (h.errorCode() != null && !h.errorCode().isBlank()) {
            msg.append(' ').append(quote(h.errorCode()));
        }
        if (h.message() != null && !h.message().isBlank()) {
            msg.append(": \"").append(quote(h.message())).append('"');
        }
        List<String> signals = new ArrayList<>();
        if (!info.isBlank()) {
            signals.add("X-PowerBI-Error-Info=" + quote(info) + (OBSERVED_INFO.contains(lower(info)) ? ""
                    : " (not a value Power BI is known to send: not read as evidence)"));
        }
        signals.addAll(h.signals().describe());
        h.retryAfter().ifPresent(r -> signals.add("Retry-After=" + r.toSeconds() + "s"));
        if (!signals.isEmpty()) {
            msg.append("; signals: ").append(String.join(", ", signals));
        }
        aud.ifPresent(a -> msg.append("; the token's audience is ")
                .append(ctx.tokenClaims().flatMap(TokenClaims::audience).orElse("?"))
                .append(ctx.expectedAudience().map(e -> ", expected " + e).orElse("")));
        if (code == ErrorCode.FILE_EXPIRED) {
            msg.append("; the export's expirationTime ").append(ctx.exportExpiresAt().orElseThrow())
                    .append(" has passed");
        }
        msg.append(Candidates.forCode(code, call, ctx.format(), ctx.profileId()));
        Diagnosis d = Diagnosis.of(code, msg.toString())
                .withHttpStatus(h.status())
                .withPowerBiErrorCode(blankToNull(h.errorCode()))
                .withPowerBiRequestId(h.requestId().orElse(null));
        // A throttled answer is retryable only because Power BI says when: keep that explicit.
        return code == ErrorCode.PBI_THROTTLED ? d.withRetryable(true) : d;
    }

    private ErrorCode byEvidence(PowerBiFailure.Http h, String info, Optional<PowerBiCall> call,
                                ClassificationContext ctx) {
        int s = h.status();
        String body = lower(h.errorCode());
        if (s == 401 || s == 403) {
            if (info.equals(lower(PowerBiCodes.INFO_SP_NOT_ALLOWED))) {
                return ErrorCode.PBI_SERVICE_PRINCIPALS_DISABLED;
            }
            if (info.equals(lower(PowerBiCodes.INFO_TOKEN_EXPIRED)) || body.equals(lower(PowerBiCodes.TOKEN_EXPIRED))) {
                return ErrorCode.TOKEN_EXPIRED; // the client already refreshed and retried once
            }
            if (info.equals(lower(PowerBiCodes.INFO_INVALID_TOKEN))) {
                return ErrorCode.TOKEN_INVALID;
            }
            if (info.equals(lower(PowerBiCodes.INFO_GROUP_NOT_ACCESSIBLE))) {
                return ErrorCode.PBI_WORKSPACE_AMBIGUOUS;
            }
            if (s == 403 && ctx.myWorkspaceRoute()) {
                return ErrorCode.PBI_MY_WORKSPACE_ROUTE;
            }
            return s == 401 ? ErrorCode.PBI_UNAUTHORIZED : ErrorCode.PBI_FORBIDDEN;
        }
        if (s == 404) {
            boolean fileRoute = call.filter(PowerBiCall::isFileRoute).isPresent();
            if (fileRoute && ctx.exportExpiresAt().filter(at -> clock.instant().isAfter(at)).isPresent()) {
                return ErrorCode.FILE_EXPIRED;
            }
            return ErrorCode.PBI_NOT_FOUND;
        }
        if (s == 400) {
            if (formatMismatch(ctx)) {
                return ErrorCode.PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE;
            }
            if (ctx.pageCount().map(n -> n > MAX_PAGES).orElse(false)) {
                return ErrorCode.PBI_TOO_MANY_PAGES;
            }
            return ErrorCode.PBI_BAD_REQUEST;
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

    /**
     * The token's decoded audience explains any 401/403: Power BI accepts no Graph token, and a cloud's Power BI
     * accepts only its own audience (the claim against the audience the configured API root expects).
     */
    static Optional<ErrorCode> audience(ClassificationContext ctx) {
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

    static boolean formatMismatch(ClassificationContext ctx) {
        if (ctx.format().isEmpty() || ctx.reportType().isEmpty()) {
            return false;
        }
        String f = ctx.format().get().toUpperCase(Locale.ROOT);
        return switch (ctx.reportType().get()) {
            case POWER_BI_REPORT -> FORMATS_PAGINATED.contains(f) && !FORMATS_POWER_BI.contains(f);
            case PAGINATED_REPORT -> FORMATS_POWER_BI.contains(f) && !FORMATS_PAGINATED.contains(f);
        };
    }

    static String quote(String s) {
        if (s == null) {
            return "";
        }
        String one = s.replaceAll("[\\r\\n\\t]+", " ").strip();
        return one.length() <= MAX_QUOTED ? one : one.substring(0, MAX_QUOTED) + "...";
    }

    static String lower(String s) {
        return s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Set<String> formats(java.util.function.Predicate<ExportFormat> supported) {
        return java.util.Arrays.stream(ExportFormat.values()).filter(supported).map(ExportFormat::wireValue)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
}
