package com.pbiexport.contracts;

/** Headers the worker adds to a dead-lettered record (UTF-8 text; the original headers are kept too). */
public final class DeadLetterHeaders {

    /** Stable reason: the name of a {@link DeadLetterReason}, e.g. {@code MALFORMED_JSON}, {@code MISSING_REQUEST_ID}. */
    public static final String REASON = "dlq.reason";
    /** Human-readable detail of the parse error; never contains the record's content. */
    public static final String ERROR = "dlq.error";
    /** Topic the record came from. */
    public static final String TOPIC = "dlq.topic";
    /** Partition it came from (decimal). */
    public static final String PARTITION = "dlq.partition";
    /** Offset it had (decimal). */
    public static final String OFFSET = "dlq.offset";
    /** Its record timestamp, epoch milliseconds (decimal). */
    public static final String TIMESTAMP = "dlq.timestamp";

    private DeadLetterHeaders() {
    }
}
