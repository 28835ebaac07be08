package com.pbiexport.devstack.sim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;

/**
 * Fault knobs, settable at start (scenario/CLI) and at run time through the admin API
 * ({@code PUT /admin/faults}, a partial JSON object merges over the current settings).
 *
 * @param powerBiErrorRate       fraction (0..1) of Power BI calls answered 500/503
 * @param powerBiLatencyMillis   added latency on every Power BI call
 * @param dropConnectionRate     fraction (0..1) of Power BI calls whose connection is closed without an answer
 * @param forced429Count         the next N Power BI calls answer 429 with Retry-After
 * @param forced429RetryAfterSeconds Retry-After sent with forced 429s
 * @param downloadBytesPerSecond throttles file downloads (0 = unlimited)
 * @param entraOutageUntil       until this instant the token endpoint answers 503 (null = no outage)
 * @param entraThrottleCount     the next N token requests answer 429 AADSTS90055 with Retry-After
 * @param entraThrottleRetryAfterSeconds Retry-After sent with those 429s
 * @param entraLatencyMillis     added latency on every token request
 * @param exportBusyFailures     the next N exports end {@code Failed} WITH Retry-After (service busy: start again)
 * @param exportPermanentFailures the next N exports end {@code Failed} WITHOUT Retry-After (permanent)
 * @param truncatedDownloadRate  fraction (0..1) of file downloads whose connection is closed half-way through the
 *                               announced {@code Content-Length} (a network drop mid-body; the client sees a
 *                               premature end of the body, never a short "complete" file)
 * @param truncatedDownloadCount the next N file downloads are cut the same way, whatever the rate (a count knob, so a
 *                               test can be sure the fault happens instead of hoping a rate produces it)
 * @param dropConnectionCount    the next N Power BI calls have their connection closed without an answer, whatever
 *                               {@code dropConnectionRate} says
 * @param lostExportToAnswerRate fraction (0..1) of accepted {@code ExportTo} calls whose 202 answer is lost: the export
 *                               is started (it runs and counts against the capacity) and then the connection is cut,
 *                               so the caller sees a transport error although its export exists
 * @param lostExportToAnswerCount the next N accepted {@code ExportTo} calls lose their answer the same way
 * @param stalledConnectionRate  fraction (0..1) of Power BI calls whose connection is accepted and read but answered
 *                               with no byte at all for {@code stalledConnectionMillis}, then closed: what a client
 *                               sees as a response (read) timeout before the first byte. NOT a TCP connect timeout:
 *                               {@code com.sun.net.httpserver} accepts every connection, so a SYN is never left
 *                               unanswered.
 * @param stalledConnectionCount the next N Power BI calls stall the same way
 * @param stalledConnectionMillis how long a stalled connection stays silent before it is closed (no thread waits)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record FaultSettings(
        double powerBiErrorRate,
        long powerBiLatencyMillis,
        double dropConnectionRate,
        int forced429Count,
        int forced429RetryAfterSeconds,
        long downloadBytesPerSecond,
        Instant entraOutageUntil,
        int entraThrottleCount,
        int entraThrottleRetryAfterSeconds,
        long entraLatencyMillis,
        int exportBusyFailures,
        int exportPermanentFailures,
        double truncatedDownloadRate,
        int truncatedDownloadCount,
        int dropConnectionCount,
        double lostExportToAnswerRate,
        int lostExportToAnswerCount,
        double stalledConnectionRate,
        int stalledConnectionCount,
        long stalledConnectionMillis) {

    /** How long a stalled connection stays silent unless set: past the worker's default 60 s response timeout. */
    public static final long DEFAULT_STALLED_CONNECTION_MILLIS = 65_000;

    /** The knobs before the transport-fault knobs (which are then off), for existing callers. */
    public FaultSettings(double powerBiErrorRate, long powerBiLatencyMillis, double dropConnectionRate,
                         int forced429Count, int forced429RetryAfterSeconds, long downloadBytesPerSecond,
                         Instant entraOutageUntil, int entraThrottleCount, int entraThrottleRetryAfterSeconds,
                         long entraLatencyMillis, int exportBusyFailures, int exportPermanentFailures,
                         double truncatedDownloadRate, int truncatedDownloadCount) {
        this(powerBiErrorRate, powerBiLatencyMillis, dropConnectionRate, forced429Count, forced429RetryAfterSeconds,
                downloadBytesPerSecond, entraOutageUntil, entraThrottleCount, entraThrottleRetryAfterSeconds,
                entraLatencyMillis, exportBusyFailures, exportPermanentFailures, truncatedDownloadRate,
                truncatedDownloadCount, 0, 0, 0, 0, 0, DEFAULT_STALLED_CONNECTION_MILLIS);
    }

    /** The knobs before the download-truncation knobs (which are then off), for existing callers. */
    public FaultSettings(double powerBiErrorRate, long powerBiLatencyMillis, double dropConnectionRate,
                         int forced429Count, int forced429RetryAfterSeconds, long downloadBytesPerSecond,
                         Instant entraOutageUntil, int entraThrottleCount, int entraThrottleRetryAfterSeconds,
                         long entraLatencyMillis, int exportBusyFailures, int exportPermanentFailures) {
        this(powerBiErrorRate, powerBiLatencyMillis, dropConnectionRate, forced429Count, forced429RetryAfterSeconds,
                downloadBytesPerSecond, entraOutageUntil, entraThrottleCount, entraThrottleRetryAfterSeconds,
                entraLatencyMillis, exportBusyFailures, exportPermanentFailures, 0, 0);
    }

    /** Every fault off: the clean profile's settings. */
    public static FaultSettings none() {
        return new FaultSettings(0, 0, 0, 0, 5, 0, null, 0, 5, 0, 0, 0, 0, 0);
    }

    /** A copy with the transport-fault rates changed (everything else kept). */
    public FaultSettings withTransportRates(double drop, double truncatedDownload, double lostExportToAnswer,
                                            double stalledConnection) {
        return new FaultSettings(powerBiErrorRate, powerBiLatencyMillis, drop, forced429Count,
                forced429RetryAfterSeconds, downloadBytesPerSecond, entraOutageUntil, entraThrottleCount,
                entraThrottleRetryAfterSeconds, entraLatencyMillis, exportBusyFailures, exportPermanentFailures,
                truncatedDownload, truncatedDownloadCount, dropConnectionCount, lostExportToAnswer,
                lostExportToAnswerCount, stalledConnection, stalledConnectionCount, stalledConnectionMillis);
    }
}
