package com.pbiexport.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A failure classified once: a stable code upstream may switch on, who should act, and the fix.
 *
 * @param code             stable UPPER_SNAKE code, never renamed: an {@link ErrorCode} name (e.g. {@code TOKEN_AUDIENCE_GRAPH})
 * @param category         the category; {@link ErrorCategory#UNKNOWN} only when reading a newer producer's value
 * @param retryable        true when sending the same request again later may succeed unchanged
 * @param message          what happened, for humans; never a token or secret
 * @param remediation      one line naming the fix (line breaks are replaced by spaces)
 * @param httpStatus       status of the failing HTTP call, or null
 * @param powerBiErrorCode Power BI's {@code error.code}, or null
 * @param powerBiRequestId Power BI's {@code RequestId} header of the failing call, or null
 * @param aadsts           the Entra ID AADSTS number, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExportError(
        String code,
        ErrorCategory category,
        boolean retryable,
        String message,
        String remediation,
        Integer httpStatus,
        String powerBiErrorCode,
        String powerBiRequestId,
        Integer aadsts) {

    public ExportError {
        // The schema promises one line; a multi-line remediation from a template must not break consumers.
        if (remediation != null) {
            remediation = remediation.replaceAll("[\\r\\n]+", " ").strip();
        }
    }

    /** An error without HTTP or Power BI details; add them with the {@code with*} methods. */
    public static ExportError of(String code, ErrorCategory category, boolean retryable, String message,
                                 String remediation) {
        return new ExportError(code, category, retryable, message, remediation, null, null, null, null);
    }

    /** A copy with the HTTP status of the failing call. */
    public ExportError withHttpStatus(Integer status) {
        return new ExportError(code, category, retryable, message, remediation, status, powerBiErrorCode,
                powerBiRequestId, aadsts);
    }

    /** A copy with Power BI's error code. */
    public ExportError withPowerBiErrorCode(String errorCode) {
        return new ExportError(code, category, retryable, message, remediation, httpStatus, errorCode,
                powerBiRequestId, aadsts);
    }

    /** A copy with Power BI's RequestId. */
    public ExportError withPowerBiRequestId(String requestId) {
        return new ExportError(code, category, retryable, message, remediation, httpStatus, powerBiErrorCode,
                requestId, aadsts);
    }

    /** A copy with the AADSTS number. */
    public ExportError withAadsts(Integer number) {
        return new ExportError(code, category, retryable, message, remediation, httpStatus, powerBiErrorCode,
                powerBiRequestId, number);
    }
}
