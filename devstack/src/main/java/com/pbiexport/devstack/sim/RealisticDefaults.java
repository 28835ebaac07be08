package com.pbiexport.devstack.sim;

import java.time.Duration;

/**
 * Every number the {@link SimProfile#REALISTIC} profile draws from for exports, tokens, latency and transport
 * faults, in one place (the devstack README's table "What the realistic profile does, and the source" lists the
 * same values). Values marked <i>assumption</i> or <i>invented</i> are not published by Microsoft; the others
 * come from the reference ({@code shared/reference/powerbi-export-api.md}).
 */
public final class RealisticDefaults {
    private RealisticDefaults() { }

    // ---- latency ----------------------------------------------------------------------------------------

    /** Token endpoint answer time, long-tailed (assumption: typical Entra round trips from a cloud VM). */
    public static final long TOKEN_LATENCY_MIN_MILLIS = 50;
    public static final long TOKEN_LATENCY_MAX_MILLIS = 800;
    /** Power BI API answer time, long-tailed (assumption). */
    public static final long API_LATENCY_MIN_MILLIS = 20;
    public static final long API_LATENCY_MAX_MILLIS = 400;
    /** Per-download transfer rate, drawn per export (assumption: 20-100 MB/s from the Power BI file store). */
    public static final long DOWNLOAD_MIN_BYTES_PER_SECOND = 20L * 1024 * 1024;
    public static final long DOWNLOAD_MAX_BYTES_PER_SECOND = 100L * 1024 * 1024;

    // ---- clock and tokens -------------------------------------------------------------------------------

    /** The simulated servers' clock is off by a seeded amount within this bound (assumption: NTP-less drift). */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(90);
    /** Access token lifetime, drawn per token unless the scenario sets one (reference section 4: 60-90 minutes). */
    public static final long TOKEN_LIFETIME_MIN_SECONDS = 3_600;
    public static final long TOKEN_LIFETIME_MAX_SECONDS = 5_400;

    // ---- export answers ---------------------------------------------------------------------------------

    /**
     * Bytes behind an export id: 62 bytes give 84 base64 characters ending in one {@code =}, like the Swagger
     * example {@code Mi9C5419i....PS4=}; about 3 ids in 4 then contain {@code /} and 3 in 4 contain {@code +}.
     */
    public static final int EXPORT_ID_BYTES = 62;
    /** Share of status polls (NotStarted/Running) that carry Retry-After (invented: "not always present"). */
    public static final double POLL_RETRY_AFTER_SHARE = 2.0 / 3;
    /** Share of exports whose first polls say {@code Undefined} (invented timing; the value is a Swagger enum). */
    public static final double UNDEFINED_STATUS_SHARE = 0.2;
    /** How long such an export answers {@code Undefined}: this fraction of its NotStarted time (invented). */
    public static final double UNDEFINED_FRACTION_OF_QUEUE = 0.5;
    /** Share of exports spelled {@code resourceFileExtension} instead of {@code ResourceFileExtension}. */
    public static final double LOWER_CASE_EXTENSION_SHARE = 0.5;

    // ---- transport faults (small: a worker with sane retries still finishes) ----------------------------

    /** Calls whose connection closes before any answer. */
    public static final double DROP_CONNECTION_RATE = 0.005;
    /** Downloads cut half-way through the body. */
    public static final double TRUNCATED_DOWNLOAD_RATE = 0.005;
    /** Accepted ExportTo calls whose 202 is lost (the export runs anyway). */
    public static final double LOST_EXPORT_TO_ANSWER_RATE = 0.005;
    /**
     * Calls that stall without a byte for {@link FaultSettings#DEFAULT_STALLED_CONNECTION_MILLIS}. Lower than the
     * others because each one costs a client a whole response timeout.
     */
    public static final double STALLED_CONNECTION_RATE = 0.001;

    /** The fault settings a profile starts with: all off in the clean profile, the small rates above otherwise. */
    public static FaultSettings faults(SimProfile profile) {
        FaultSettings none = FaultSettings.none();
        return profile == SimProfile.REALISTIC
                ? none.withTransportRates(DROP_CONNECTION_RATE, TRUNCATED_DOWNLOAD_RATE, LOST_EXPORT_TO_ANSWER_RATE,
                        STALLED_CONNECTION_RATE)
                : none;
    }
}
