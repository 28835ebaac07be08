package com.pbiexport.worker.diagnose;

import com.pbiexport.contracts.ErrorCode;

import com.pbiexport.contracts.ErrorCategory;

import java.util.Objects;
import java.util.Optional;

/**
 * A classified failure: what the worker publishes in {@code ExportFailed.error} and what {@code doctor} prints.
 * Never contains a secret or a token.
 *
 * @param message          what happened, in one or two sentences (may quote Power BI's or Entra's message)
 * @param remediation      one line that names the fix (usually {@link ErrorCode#remediation()})
 * @param powerBiErrorCode Power BI's {@code error.code}, e.g. {@code PowerBIEntityNotFound}
 * @param powerBiRequestId Power BI's {@code RequestId} response header (Microsoft support asks for it)
 * @param aadsts           the Entra ID AADSTS number, e.g. 7000215
 */
public record Diagnosis(
        ErrorCode code,
        ErrorCategory category,
        boolean retryable,
        String message,
        String remediation,
        Optional<Integer> httpStatus,
        Optional<String> powerBiErrorCode,
        Optional<String> powerBiRequestId,
        Optional<Integer> aadsts) {

    public Diagnosis {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(remediation, "remediation");
        Objects.requireNonNull(httpStatus, "httpStatus");
        Objects.requireNonNull(powerBiErrorCode, "powerBiErrorCode");
        Objects.requireNonNull(powerBiRequestId, "powerBiRequestId");
        Objects.requireNonNull(aadsts, "aadsts");
        if (message.length() > MAX_MESSAGE) { // ExportFailed.error.message allows 4096
            message = message.substring(0, MAX_MESSAGE) + "...";
        }
    }

    /** Longest message kept: quoted signals, evidence and candidates stay within the event schema's bound. */
    public static final int MAX_MESSAGE = 4000;

    /** The code's category, retryable flag and remediation, with this message and nothing else. */
    public static Diagnosis of(ErrorCode code, String message) {
        return new Diagnosis(code, code.category(), code.retryable(), message, code.remediation(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** An invalid request found before calling Power BI ({@link ErrorCode#INVALID_REQUEST}). */
    public static Diagnosis invalid(String message) {
        return of(ErrorCode.INVALID_REQUEST, message);
    }

    public Diagnosis withHttpStatus(Integer status) {
        return new Diagnosis(code, category, retryable, message, remediation, Optional.ofNullable(status),
                powerBiErrorCode, powerBiRequestId, aadsts);
    }

    public Diagnosis withPowerBiErrorCode(String errorCode) {
        return new Diagnosis(code, category, retryable, message, remediation, httpStatus,
                Optional.ofNullable(errorCode), powerBiRequestId, aadsts);
    }

    public Diagnosis withPowerBiRequestId(String requestId) {
        return new Diagnosis(code, category, retryable, message, remediation, httpStatus, powerBiErrorCode,
                Optional.ofNullable(requestId), aadsts);
    }

    public Diagnosis withAadsts(Integer number) {
        return new Diagnosis(code, category, retryable, message, remediation, httpStatus, powerBiErrorCode,
                powerBiRequestId, Optional.ofNullable(number));
    }

    public Diagnosis withMessage(String newMessage) {
        return new Diagnosis(code, category, retryable, newMessage, remediation, httpStatus, powerBiErrorCode,
                powerBiRequestId, aadsts);
    }

    /** Overrides the code's default, e.g. a throttled answer whose Retry-After outlasts the request. */
    public Diagnosis withRetryable(boolean value) {
        return new Diagnosis(code, category, value, message, remediation, httpStatus, powerBiErrorCode,
                powerBiRequestId, aadsts);
    }
}
