package com.pbiexport.devstack.powerbi;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One error answer of the simulated Power BI API: status, body and the optional {@code X-PowerBI-Error-Info}
 * header. The factories name every answer the simulator gives, so the route/condition table in the
 * devstack README stays in one place. Codes marked "observed" come from the reference document or public
 * threads; the others are the simulator's choice where Microsoft publishes nothing (kept stable: the worker's
 * classifier may switch on them).
 *
 * @param errorInfo value of {@code X-PowerBI-Error-Info}, or null when the real service sends none
 * @param retryAfterSeconds Retry-After header value, or null
 */
public record ApiError(int status, ObjectNode body, String errorInfo, Integer retryAfterSeconds) {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** The observed 429 text (reference section 2). */
    public static final String TOO_MANY_REQUESTS_TEXT =
            "You have exceeded the amount of requests allowed in the current time frame and further requests will fail.";

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

    /** The {@code error.code} of the body ({@code Message} for the My-workspace shape). */
    public String code() {
        if (body.has("error")) {
            return body.path("error").path("code").asText();
        }
        return body.path("Message").asText();
    }

    // ---- 401 -------------------------------------------------------------------------------------

    /**
     * Observed: {@code {"error":{"code":"PowerBINotAuthorizedException","pbi.error":{...}}}} (the classic
     * service-principal thread); the reason travels in {@code X-PowerBI-Error-Info} where the service sends one
     * (e.g. {@code ServicePrincipalIsNotAllowedByTenantAdminSwitch}).
     */
    public static ApiError notAuthorized(String errorInfo) {
        ObjectNode pbi = JSON.objectNode();
        pbi.put("code", "PowerBINotAuthorizedException");
        pbi.putObject("parameters");
        pbi.putArray("details");
        pbi.put("exceptionCulprit", 1);
        ObjectNode body = JSON.objectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", "PowerBINotAuthorizedException");
        error.set("pbi.error", pbi);
        return new ApiError(401, body, errorInfo, null);
    }

    // ---- 403 -------------------------------------------------------------------------------------

    /** Observed, verbatim: an expired token is a 403, not a 401. */
    public static ApiError tokenExpired() {
        return simple(403, "TokenExpired", "Access token has expired, resubmit with a new access token", "TokenExpired");
    }

    /**
     * Observed for service principals calling a "My workspace" route: 403 with a body of another shape,
     * {@code {"Message":"API is not accessible for application"}}.
     */
    public static ApiError apiNotAccessibleForApplication() {
        ObjectNode body = JSON.objectNode();
        body.put("Message", "API is not accessible for application");
        return new ApiError(403, body, null, null);
    }

    /** Shared (Pro) capacity, PPU for a Power BI report, capacity not active (simulator's code, unconfirmed). */
    public static ApiError featureNotAvailable(String message, String errorInfo) {
        return pbiError(403, "FeatureNotAvailableError", message, errorInfo);
    }

    /** A tenant setting forbids this export format (simulator's code; 403 per the reference). */
    public static ApiError formatDisabledByTenant(String format, String setting) {
        return simple(403, "ExportFormatDisabledByTenantAdminSwitch",
                "Export to " + format + " is disabled by the tenant setting '" + setting + "'",
                "ExportFormatDisabledByTenantAdminSwitch");
    }

    /** Sensitivity-labelled report to PDF/PPTX by a service principal (simulator's code). */
    public static ApiError sensitivityLabelBlocksServicePrincipal(String format) {
        return simple(403, "ExportSensitivityLabeledReportNotSupportedForServicePrincipal",
                "A report with a sensitivity label cannot be exported to " + format + " by a service principal",
                "ExportSensitivityLabeledReportNotSupportedForServicePrincipal");
    }

    // ---- 400 / 404 / 405 -------------------------------------------------------------------------

    /** Observed shape and wording style: {@code {"error":{"code":"InvalidRequest","message":"Parameter X is missing or invalid"}}}. */
    public static ApiError invalidRequest(String message) {
        return simple(400, "InvalidRequest", message, null);
    }

    /** Observed code for a wrong id, and for a workspace the caller cannot see. */
    public static ApiError entityNotFound(String message, String errorInfo) {
        return pbiError(404, "PowerBIEntityNotFound", message, errorInfo);
    }

    public static ApiError noSuchRoute(String path) {
        return simple(404, "NotFound", "No HTTP resource was found that matches the request URI '" + path + "'", null);
    }

    /** ASP.NET Web API's wording, which the Power BI front end uses. */
    public static ApiError methodNotAllowed(String method) {
        return simple(405, "MethodNotAllowed", "The requested resource does not support http method '" + method + "'.", null);
    }

    // ---- 429 / 5xx -------------------------------------------------------------------------------

    public static ApiError tooManyRequests(int retryAfterSeconds) {
        ApiError e = simple(429, "TooManyRequests", TOO_MANY_REQUESTS_TEXT, null);
        return new ApiError(429, e.body(), null, retryAfterSeconds);
    }

    public static ApiError injectedServerError(int status) {
        return status == 503
                ? simple(503, "ServiceUnavailable", "The service is temporarily unavailable. Please retry later.", null)
                : simple(500, "InternalServerError", "An internal error occurred.", null);
    }

    private static ApiError simple(int status, String code, String message, String errorInfo) {
        ObjectNode body = JSON.objectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return new ApiError(status, body, errorInfo, null);
    }

    /** The {@code {"error":{"code","message","pbi.error":{...}}}} shape the service uses for its own exceptions. */
    private static ApiError pbiError(int status, String code, String message, String errorInfo) {
        ObjectNode body = JSON.objectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        ObjectNode pbi = error.putObject("pbi.error");
        pbi.put("code", code);
        pbi.putObject("parameters");
        pbi.putArray("details");
        pbi.put("exceptionCulprit", 1);
        return new ApiError(status, body, errorInfo, null);
    }
}
