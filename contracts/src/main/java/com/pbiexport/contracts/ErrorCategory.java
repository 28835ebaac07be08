package com.pbiexport.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Whose problem a failure is and what kind. The JSON values are the lower-case names in
 * {@code ExportFailed.schema.json}; they are stable and never renamed.
 */
public enum ErrorCategory {
    /** Token or credential problem (Entra ID said no, wrong audience, expired secret). */
    AUTH("auth"),
    /** The token is fine but access is missing (workspace membership, tenant setting, capacity). */
    PERMISSION("permission"),
    /** Workspace, report or profile does not exist, or is invisible to the principal. */
    NOT_FOUND("not_found"),
    /** The request itself must be fixed (ids, format, configuration, unknown tenant). */
    INVALID_REQUEST("invalid_request"),
    /** Rate limits outlasted the retry budget. */
    THROTTLED("throttled"),
    /** The Power BI capacity is busy, paused, overloaded or missing. */
    CAPACITY("capacity"),
    /** Power BI reported the export as Failed. */
    EXPORT_FAILED("export_failed"),
    /** The worker's overall time limit for the export passed. */
    TIMEOUT("timeout"),
    /** The request's {@code notAfter} deadline passed. */
    EXPIRED("expired"),
    /** Network trouble or a 5xx: sending the request again may work. */
    TRANSIENT("transient"),
    /** A worker bug or a storage failure. */
    INTERNAL("internal"),
    /**
     * Read only: a category this version does not know (added by a newer producer). Never published:
     * it is not in the schema.
     */
    UNKNOWN("unknown");

    private final String wireValue;

    ErrorCategory(String wireValue) {
        this.wireValue = wireValue;
    }

    /** The JSON value, e.g. {@code "not_found"}. */
    @JsonValue
    public String wireValue() {
        return wireValue;
    }

    /** Tolerant reader: unknown or null values become {@link #UNKNOWN} instead of failing the whole event. */
    @JsonCreator
    public static ErrorCategory fromWire(String value) {
        if (value != null) {
            for (ErrorCategory c : values()) {
                if (c.wireValue.equals(value)) {
                    return c;
                }
            }
        }
        return UNKNOWN;
    }
}
