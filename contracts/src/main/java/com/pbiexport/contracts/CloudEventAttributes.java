package com.pbiexport.contracts;

import java.time.Instant;
import java.util.Optional;

/**
 * The CloudEvents context attributes of one Kafka record.
 *
 * @param id          {@code ce_id}: unique per event within the source
 * @param type        {@code ce_type}, e.g. {@code com.pbiexport.export.completed.v1}
 * @param source      {@code ce_source}: URI-reference of the producer, e.g. {@code /pbi-export-worker/worker-0}
 * @param specVersion {@code ce_specversion}, {@code 1.0}
 * @param time        {@code ce_time}, or null when absent or unparsable
 * @param subject     {@code ce_subject} (the requestId on outcome events), or null
 * @param contentType {@code content-type} of the data, or null
 */
public record CloudEventAttributes(String id, String type, String source, String specVersion, Instant time,
                                   String subject, String contentType) {

    /** The event this type names, empty for a type this version does not know. */
    public Optional<EventType> eventType() {
        return EventType.fromCeType(type);
    }
}
