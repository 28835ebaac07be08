package com.pbiexport.worker.powerbi;

import java.util.Locale;

/**
 * The {@code status} of an export, with a case for values Power BI may add later (an expandable enum).
 */
public sealed interface ExportStatus permits ExportStatus.NotStarted, ExportStatus.Running, ExportStatus.Succeeded,
        ExportStatus.Failed, ExportStatus.Undefined, ExportStatus.Unknown {

    /** Accepted, not yet rendering. */
    record NotStarted() implements ExportStatus { }

    /** Rendering; {@code percentComplete} 0-100. */
    record Running(int percentComplete) implements ExportStatus { }

    /** The file is ready. */
    record Succeeded() implements ExportStatus { }

    /** Failed: with Retry-After the service was busy (start again), without it the failure is permanent. */
    record Failed() implements ExportStatus { }

    /** Power BI's documented {@code Undefined} value. */
    record Undefined() implements ExportStatus { }

    /** A value this worker does not know (or none at all: {@code raw} is then empty). Keep polling. */
    record Unknown(String raw) implements ExportStatus { }

    /** True for Succeeded and Failed: polling stops. */
    default boolean isTerminal() {
        return this instanceof Succeeded || this instanceof Failed;
    }

    /** Reads a status value case-insensitively; anything unrecognised becomes {@link Unknown}. */
    static ExportStatus parse(String raw, int percentComplete) {
        if (raw == null) {
            return new Unknown("");
        }
        switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "notstarted":
                return new NotStarted();
            case "running":
                return new Running(Math.max(0, Math.min(100, percentComplete)));
            case "succeeded":
                return new Succeeded();
            case "failed":
                return new Failed();
            case "undefined":
                return new Undefined();
            default:
                return new Unknown(raw);
        }
    }
}
