package com.pbiexport.worker.intake;

import com.pbiexport.contracts.DeadLetterReason;
import com.pbiexport.contracts.ExportRequested;

import java.util.Optional;

/** What a Kafka record turned out to be. */
public sealed interface ParseResult permits ParseResult.Parsed, ParseResult.Malformed, ParseResult.Unparseable {

    /** A well-formed request (it may still be invalid: the validator decides). */
    record Parsed(ExportRequested request, Optional<String> traceparent) implements ParseResult { }

    /**
     * JSON with a usable {@code requestId} whose other fields could not be bound (wrong types...): the
     * producer can be answered with an {@code ExportFailed}, so it is not a dead letter.
     */
    record Malformed(String requestId, String problem, Optional<String> traceparent) implements ParseResult { }

    /**
     * Nothing to answer: not JSON, not an object, no requestId, wrong CloudEvents headers. Goes to the
     * dead-letter topic with {@code reason} (a stable {@link DeadLetterReason}) and {@code detail}.
     */
    record Unparseable(DeadLetterReason reason, String detail) implements ParseResult { }
}
