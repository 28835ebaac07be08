package com.pbiexport.worker.powerbi;

/** Unchecked carrier of a {@link PowerBiFailure}; the message never contains tokens or secrets. */
public final class PowerBiException extends RuntimeException {
    private final transient PowerBiFailure failure;

    public PowerBiException(PowerBiFailure failure) {
        super(describe(failure), null, false, false);
        this.failure = failure;
    }

    public PowerBiFailure failure() {
        return failure;
    }

    private static String describe(PowerBiFailure f) {
        if (f instanceof PowerBiFailure.Http h) {
            return "Power BI " + h.operation() + " answered HTTP " + h.status()
                    + (h.errorCode() == null ? "" : " " + h.errorCode())
                    + h.requestId().map(id -> " (RequestId " + id + ")").orElse("");
        } else if (f instanceof PowerBiFailure.Transport t) {
            return "Power BI " + t.operation() + " got no answer: " + t.message();
        } else if (f instanceof PowerBiFailure.Decoding d) {
            return "Power BI " + d.operation() + " answered HTTP " + d.status() + " with an unreadable body: " + d.message();
        } else if (f instanceof PowerBiFailure.Refused r) {
            return "Refused to call Power BI (" + r.operation() + "): " + r.message();
        }
        return String.valueOf(f);
    }
}
