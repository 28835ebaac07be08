package com.pbiexport.worker.diagnose.doctor;

import java.util.Locale;

/** The outcome of one doctor check; {@link #wire()} is the value in the {@code --json} output. */
public enum CheckStatus {
    PASS, FAIL, SKIP;

    /** {@code pass}, {@code fail} or {@code skip}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
