package com.pbiexport.devstack.powerbi;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One error situation of the simulated Power BI API and every way the real service was seen answering it.
 * {@link ErrorShapes} renders it: the clean profile always gives the first answer, the realistic profile draws one
 * from the list (seeded). The factories name every situation the simulator answers, each with its source; a
 * situation with no public observation says "invented" (and is listed in the devstack README's "Invented by the
 * simulator").
 *
 * <p>Sources cited below:
 * <ul>
 *   <li>[ref 3] {@code /work/shared/reference/powerbi-export-api.md} section 3, "Observed error responses";</li>
 *   <li>[ref shapes] the same document, "What the real service sends": empty body, nested {@code pbi.error},
 *       {@code code}+{@code message}, {@code {"Message":...}}, for the same situation;</li>
 *   <li>[forum SP switch] community.fabric.microsoft.com/t5/Developer/401-Unauthorized-response-when-fetching-an-embed-token-for-Power/m-p/4010790:
 *       401 with {@code X-PowerBI-Error-Info: ServicePrincipalIsNotAllowedByTenantAdminSwitch};</li>
 *   <li>[live client A] a public Power BI client whose tests were measured on the live API: no Authorization
 *       header 403; malformed token 403 + {@code InvalidToken}; well-formed but invalid JWT 403 + {@code TokenExpired};
 *       no workspace access 401 {@code GroupNotAccessible}; 404 PowerBIEntityNotFound; 429 with code {@code Unknown};</li>
 *   <li>[live client B] another public client, verified live 2026-08-30: auth failures are 403, Content-Length 0,
 *       only the {@code X-PowerBI-Error-Info} header.</li>
 * </ul>
 *
 * @param message what went wrong, for the body shapes that carry one and for the simulator's log
 * @param answers the observed answers; the first is the clean profile's
 * @param retryAfterSeconds the exact Retry-After (429 only), or null; {@link ErrorShapes} coarsens it when realistic
 * @param retryAfterStyle   {@code exact} or {@code coarse} to force how Retry-After is stated (a capacity's
 *                          benchmark knob, {@code Capacity.throttleRetryAfter}); null = the profile's draw
 */
public record ApiError(String message, List<Answer> answers, Integer retryAfterSeconds, String retryAfterStyle) {

    /** An error whose Retry-After, if any, is stated as the profile draws it. */
    public ApiError(String message, List<Answer> answers, Integer retryAfterSeconds) {
        this(message, answers, retryAfterSeconds, null);
    }

    /** The only {@code X-PowerBI-Error-Info} values seen from the real service; the simulator sends no other. */
    public static final Set<String> OBSERVED_ERROR_INFO = Set.of(
            "ServicePrincipalIsNotAllowedByTenantAdminSwitch", "InvalidToken", "TokenExpired", "GroupNotAccessible");

    /** The observed 429 text (reference section 2). */
    public static final String TOO_MANY_REQUESTS_TEXT =
            "You have exceeded the amount of requests allowed in the current time frame and further requests will fail.";

    private static final String NOT_AUTHORIZED = "PowerBINotAuthorizedException";
    private static final String NOT_FOUND = "PowerBIEntityNotFound";

    /** The body shapes of the real service ([ref shapes]). */
    public enum Shape {
        /** No body, {@code Content-Length: 0}, no Content-Type. */
        EMPTY,
        /** {@code {"error":{"code":"X","pbi.error":{"code":"X","parameters":{},"details":[],"exceptionCulprit":1}}}}. */
        NESTED,
        /** {@code {"error":{"code":"X","message":"..."}}}. */
        CODE_MESSAGE,
        /** {@code {"Message":"..."}}. */
        MESSAGE
    }

    /**
     * One observed answer.
     *
     * @param code the body's error code (ignored by {@link Shape#EMPTY} and {@link Shape#MESSAGE})
     * @param errorInfo {@code X-PowerBI-Error-Info}, one of {@link #OBSERVED_ERROR_INFO}, or null
     */
    public record Answer(int status, Shape shape, String code, String errorInfo) {
        public Answer {
            Objects.requireNonNull(shape, "shape");
            if (errorInfo != null && !OBSERVED_ERROR_INFO.contains(errorInfo)) {
                throw new IllegalArgumentException("X-PowerBI-Error-Info " + errorInfo + " was never observed");
            }
        }
    }

    public ApiError {
        answers = List.copyOf(answers);
        if (answers.isEmpty()) {
            throw new IllegalArgumentException("an error situation needs at least one observed answer");
        }
    }

    /** Thrown by the checks; {@link PowerBiApi} turns it into the answer. */
    public static final class Failure extends RuntimeException {
        private final ApiError error;

        public Failure(ApiError error) {
            super(error.code(), null, false, false);
            this.error = error;
        }

        public ApiError error() {
            return error;
        }
    }

    public Failure toFailure() {
        return new Failure(this);
    }

    /** The clean profile's answer. */
    public Answer clean() {
        return answers.get(0);
    }

    /** The clean answer's status. */
    public int status() {
        return clean().status();
    }

    /** The clean answer's body code. */
    public String code() {
        return clean().code();
    }

    // ---- tokens (401 / 403) ----------------------------------------------------------------------

    /**
     * No Authorization header, not a bearer token, or a token that is not a JWT at all: 403 empty with
     * {@code InvalidToken} ([live client A], [live client B]) or 401 PowerBINotAuthorizedException, nested
     * ([ref 3]) or empty ([ref shapes]: bodies are sometimes empty).
     */
    public static ApiError invalidToken() {
        return new ApiError("The access token is missing or malformed", List.of(
                new Answer(401, Shape.NESTED, NOT_AUTHORIZED, null),
                new Answer(401, Shape.EMPTY, null, null),
                new Answer(403, Shape.EMPTY, null, "InvalidToken")), null);
    }

    /**
     * A well-formed JWT the service cannot verify (not signed by the simulated Entra): as {@link #invalidToken()},
     * plus the 403 empty with {@code TokenExpired} that [live client A] measured for a well-formed but invalid JWT.
     */
    public static ApiError unverifiableToken() {
        return new ApiError("The access token's signature is not valid", List.of(
                new Answer(401, Shape.NESTED, NOT_AUTHORIZED, null),
                new Answer(401, Shape.EMPTY, null, null),
                new Answer(403, Shape.EMPTY, null, "InvalidToken"),
                new Answer(403, Shape.EMPTY, null, "TokenExpired")), null);
    }

    /**
     * Token of the wrong audience (Graph, a bare {@code .default}, another cloud's Power BI): 401 per Microsoft's
     * troubleshooting page, 403 as the classic forum thread reports ([ref 3] item 1). The 401 in its observed shapes
     * (nested [ref 3], empty [ref shapes]); the forum reports only "Forbidden", so the 403 is empty
     * ([live client B]: auth failures are 403 with no body).
     */
    public static ApiError wrongAudience() {
        return new ApiError("The access token's audience is not Power BI", List.of(
                new Answer(401, Shape.NESTED, NOT_AUTHORIZED, null),
                new Answer(401, Shape.EMPTY, null, null),
                new Answer(403, Shape.EMPTY, null, null)), null);
    }

    /**
     * Not authorised: unknown tenant, token not yet valid or without {@code exp}, another tenant's workspace
     * ([ref 3]: "wrong tenant" under 401), the read-only admin API setting. 401 PowerBINotAuthorizedException,
     * nested ([ref 3]) or empty ([ref shapes]).
     */
    public static ApiError notAuthorized(String message) {
        return new ApiError(message, List.of(
                new Answer(401, Shape.NESTED, NOT_AUTHORIZED, null),
                new Answer(401, Shape.EMPTY, null, null)), null);
    }

    /**
     * "Service principals can use Fabric APIs" off, or on for groups the app is not in: 401 with
     * {@code X-PowerBI-Error-Info: ServicePrincipalIsNotAllowedByTenantAdminSwitch} ([forum SP switch]); body
     * nested PowerBINotAuthorizedException ([ref 3]) or empty ([ref shapes]).
     */
    public static ApiError servicePrincipalNotAllowed() {
        String info = "ServicePrincipalIsNotAllowedByTenantAdminSwitch";
        return new ApiError("Service principals are not allowed by the tenant setting", List.of(
                new Answer(401, Shape.NESTED, NOT_AUTHORIZED, info),
                new Answer(401, Shape.EMPTY, null, info)), null);
    }

    /**
     * An expired token is a 403, not a 401: the body verbatim ([ref 3]), or an empty body with
     * {@code X-PowerBI-Error-Info: TokenExpired} ([live client A], [live client B]).
     */
    public static ApiError tokenExpired() {
        return new ApiError("Access token has expired, resubmit with a new access token", List.of(
                new Answer(403, Shape.CODE_MESSAGE, "TokenExpired", null),
                new Answer(403, Shape.EMPTY, null, "TokenExpired")), null);
    }

    // ---- 403 -------------------------------------------------------------------------------------

    /**
     * A "My workspace" route called by a service principal: 403 {@code {"Message":"API is not accessible for
     * application"}} (observed, [ref 3] and the classic threads), or 403 empty ([ref shapes]).
     */
    public static ApiError apiNotAccessibleForApplication() {
        return new ApiError("API is not accessible for application", List.of(
                new Answer(403, Shape.MESSAGE, null, null),
                new Answer(403, Shape.EMPTY, null, null)), null);
    }

    /**
     * A prerequisite of the export itself is missing: shared (Pro) capacity, capacity not active, a Power BI report
     * on Premium Per User, an export format disabled by the tenant, a sensitivity label for a service principal.
     * [ref 3] lists these under 403 without a code, so the simulator answers with the generic observed 403s: empty
     * ([ref shapes], [live client B]) or PowerBINotAuthorizedException nested ([ref 3]'s body, at 403). The reason
     * is only in the simulator's log ({@code message}); the worker must learn it elsewhere (the doctor).
     */
    public static ApiError exportNotAllowed(String message) {
        return new ApiError(message, List.of(
                new Answer(403, Shape.NESTED, NOT_AUTHORIZED, null),
                new Answer(403, Shape.EMPTY, null, null)), null);
    }

    // ---- 400 / 404 / 405 -------------------------------------------------------------------------

    /** Observed shape and wording style: {@code {"error":{"code":"InvalidRequest","message":"Parameter X is missing or invalid"}}}. */
    public static ApiError invalidRequest(String message) {
        return new ApiError(message, List.of(new Answer(400, Shape.CODE_MESSAGE, "InvalidRequest", null)), null);
    }

    /**
     * 404 PowerBIEntityNotFound ([ref 3]: wrong report id, or a workspace the caller cannot see; [live client A]):
     * nested, {@code code}+{@code message}, or empty ([ref shapes]). Unknown workspace and non-member workspace use
     * the same situation, so they answer identically: Power BI does not tell them apart. Exports, files and profiles
     * use it too (Microsoft documents nothing for those: the 404 is the simulator's choice).
     */
    public static ApiError entityNotFound(String message) {
        return new ApiError(message, List.of(
                new Answer(404, Shape.NESTED, NOT_FOUND, null),
                new Answer(404, Shape.CODE_MESSAGE, NOT_FOUND, null),
                new Answer(404, Shape.EMPTY, null, null)), null);
    }

    /** Invented: the answer of a path the simulator does not serve (code+message; empty as bodies often are). */
    public static ApiError noSuchRoute(String path) {
        return new ApiError("No HTTP resource was found that matches the request URI '" + path + "'", List.of(
                new Answer(404, Shape.CODE_MESSAGE, "NotFound", null),
                new Answer(404, Shape.EMPTY, null, null)), null);
    }

    /** Invented code, ASP.NET Web API's wording (which the Power BI front end uses); empty as bodies often are. */
    public static ApiError methodNotAllowed(String method) {
        return new ApiError("The requested resource does not support http method '" + method + "'.", List.of(
                new Answer(405, Shape.CODE_MESSAGE, "MethodNotAllowed", null),
                new Answer(405, Shape.EMPTY, null, null)), null);
    }

    // ---- 429 / 5xx -------------------------------------------------------------------------------

    /**
     * 429 with the observed text ([ref 2]) and Retry-After. Code {@code TooManyRequests} is the simulator's
     * (invented, kept for the clean profile); [live client A] measured code {@code Unknown}.
     */
    public static ApiError tooManyRequests(int retryAfterSeconds) {
        return tooManyRequests(retryAfterSeconds, null);
    }

    /** The same, with Retry-After stated {@code exact} or {@code coarse} whatever the profile (null: its draw). */
    public static ApiError tooManyRequests(int retryAfterSeconds, String retryAfterStyle) {
        return new ApiError(TOO_MANY_REQUESTS_TEXT, List.of(
                new Answer(429, Shape.CODE_MESSAGE, "TooManyRequests", null),
                new Answer(429, Shape.CODE_MESSAGE, "Unknown", null)), retryAfterSeconds, retryAfterStyle);
    }

    /** Injected 5xx ([ref 3]: "5xx - transient"): code+message (codes invented) or empty ([ref shapes]). */
    public static ApiError injectedServerError(int status) {
        boolean unavailable = status == 503;
        return new ApiError(unavailable ? "The service is temporarily unavailable. Please retry later."
                : "An internal error occurred.", List.of(
                new Answer(status, Shape.CODE_MESSAGE, unavailable ? "ServiceUnavailable" : "InternalServerError", null),
                new Answer(status, Shape.EMPTY, null, null)), null);
    }
}
