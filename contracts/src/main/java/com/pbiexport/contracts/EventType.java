package com.pbiexport.contracts;

import java.util.Optional;

/** The three events, their CloudEvents {@code type}, Java record and JSON Schema resource. */
public enum EventType {
    REQUESTED("com.pbiexport.export.requested.v1", ExportRequested.class),
    COMPLETED("com.pbiexport.export.completed.v1", ExportCompleted.class),
    FAILED("com.pbiexport.export.failed.v1", ExportFailed.class);

    private final String ceType;
    private final Class<?> javaType;

    EventType(String ceType, Class<?> javaType) {
        this.ceType = ceType;
        this.javaType = javaType;
    }

    /** The CloudEvents {@code type} attribute ({@code ce_type} header). The {@code .v1} suffix changes only on a breaking change. */
    public String ceType() {
        return ceType;
    }

    /** The record this event maps to. */
    public Class<?> javaType() {
        return javaType;
    }

    /** Classpath resource of the event's JSON Schema, e.g. {@code /schemas/ExportCompleted.schema.json}. */
    public String schemaResource() {
        return "/schemas/" + javaType.getSimpleName() + ".schema.json";
    }

    /** The event with this CloudEvents type, or empty for an unknown type (e.g. a future {@code .v2}). */
    public static Optional<EventType> fromCeType(String ceType) {
        for (EventType t : values()) {
            if (t.ceType.equals(ceType)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The type of an event record; throws {@link IllegalArgumentException} for anything else. */
    public static EventType of(Object event) {
        if (event instanceof ExportRequested) {
            return REQUESTED;
        }
        if (event instanceof ExportCompleted) {
            return COMPLETED;
        }
        if (event instanceof ExportFailed) {
            return FAILED;
        }
        throw new IllegalArgumentException("not an export event: "
                + (event == null ? "null" : event.getClass().getName()));
    }
}
