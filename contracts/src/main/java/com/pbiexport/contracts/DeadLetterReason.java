package com.pbiexport.contracts;

/**
 * Why a record went to the dead-letter topic: the value of the {@link DeadLetterHeaders#REASON} header.
 * A record is dead-lettered only when nothing can be answered (no usable {@code requestId}); a request that
 * parses but is invalid gets an {@code ExportFailed} instead.
 *
 * <p><b>Stability:</b> like {@link ErrorCode}, a constant's NAME is a public contract that alert rules and
 * replay tools match on: never rename or remove one (a baseline test fails if you do); add new ones instead.
 * The list ships as {@code vocabulary/dead-letter-reasons.json}.
 */
public enum DeadLetterReason {
    /** The record has no value (null or zero bytes). */
    EMPTY_VALUE("The record has no value"),
    /** The value is larger than the worker reads (1 MiB). */
    TOO_LARGE("The value is larger than 1 MiB"),
    /** {@code ce_specversion} (or a structured event's {@code specversion}) is not 1.0. */
    UNSUPPORTED_CLOUDEVENTS_VERSION("The CloudEvent's specversion is not 1.0"),
    /** {@code ce_type} (or a structured event's {@code type}) is not the export-request type. */
    UNEXPECTED_EVENT_TYPE("The CloudEvent's type is not " + CloudEventHeaders.TYPE_REQUESTED),
    /** The value is not JSON (or not exactly one JSON value, or a key appears twice). */
    MALFORMED_JSON("The value is not one well-formed JSON value"),
    /** The value (or a structured CloudEvent's data) is JSON but not an object. */
    NOT_AN_OBJECT("The value, or the CloudEvent's data, is JSON but not an object"),
    /** The object has no non-empty string {@code requestId}, so no outcome can be keyed. */
    MISSING_REQUEST_ID("requestId is missing, empty or not a string"),
    /** The {@code requestId} is longer than the schema allows, so no valid outcome can carry it. */
    REQUEST_ID_TOO_LONG("requestId is longer than 200 characters");

    private final String description;

    DeadLetterReason(String description) {
        this.description = description;
    }

    /** One line saying what was wrong with the record. */
    public String description() {
        return description;
    }
}
