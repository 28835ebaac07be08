package com.pbiexport.worker.export;

import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.diagnose.Diagnosis;
import com.pbiexport.worker.powerbi.ExportJob;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Power BI's own time limits on one export (powerbi-export-api.md, section 2): a paginated export runs at most 60
 * minutes, and an exported file's URL is valid for 24 hours ({@code expirationTime}). Pure functions of the export
 * and the time: no clock of their own.
 */
final class ServiceLimits {
    /** "A paginated export may run at most 60 minutes." */
    static final Duration PAGINATED_MAX_RUN = Duration.ofMinutes(60);
    /** "The file URL is valid for 24 hours": used when Power BI's answer has no {@code expirationTime}. */
    static final Duration FILE_URL_LIFETIME = Duration.ofHours(24);
    /**
     * A download is not started when the URL would expire within this margin: a file too close to its expiry is
     * exported again rather than lost halfway through the download (and answered FILE_EXPIRED).
     */
    static final Duration STORE_MARGIN = Duration.ofMinutes(15);
    /** New exports made because a file would expire; one more finding an expiring file fails FILE_EXPIRED. */
    static final int MAX_EXPIRY_REEXPORTS = 2;

    private ServiceLimits() {
    }

    /**
     * Whether the export is of a paginated report, as far as the request tells: a paginated configuration, or a
     * format only paginated reports have. (A paginated report exported to PDF or PPTX without a configuration
     * cannot be told from a Power BI report without a look-up; Power BI's own limit still ends it.)
     */
    static boolean paginated(ExportJobSpec spec) {
        return spec.request().paginatedReportConfiguration() != null
                || spec.request().knownFormat().map(f -> !f.isPowerBiFormat()).orElse(false);
    }

    /**
     * The verdict on a paginated export that has been running since {@code acceptedAt} (or since Power BI's
     * {@code createdDateTime}, when that is earlier: a resumed export started before this run), or empty while it
     * is within Power BI's 60 minutes.
     */
    static Optional<Diagnosis> paginatedOverTime(ExportJobSpec spec, Instant acceptedAt, ExportJob job, Instant now,
                                                 String what) {
        if (!paginated(spec) || acceptedAt == null) {
            return Optional.empty();
        }
        Instant since = job.createdDateTime().filter(c -> c.isBefore(acceptedAt)).orElse(acceptedAt);
        Duration ran = Duration.between(since, now);
        if (ran.compareTo(PAGINATED_MAX_RUN) < 0) {
            return Optional.empty();
        }
        return Optional.of(Diagnosis.of(ErrorCode.EXPORT_PAGINATED_TIME_LIMIT, "the paginated export " + job.id()
                + " " + what + " after " + ran.toMinutes() + " minutes; Power BI runs a paginated export at most "
                + PAGINATED_MAX_RUN.toMinutes() + " minutes"));
    }

    /** When the file of a Succeeded export stops being downloadable, when Power BI says or can be derived. */
    static Optional<Instant> fileExpiry(ExportJob job) {
        return job.expirationTime().or(() -> job.lastActionDateTime().map(t -> t.plus(FILE_URL_LIFETIME)));
    }

    /** True when the file would expire before it could be stored (within {@link #STORE_MARGIN} of now). */
    static boolean expiresBeforeStored(ExportJob job, Instant now) {
        return fileExpiry(job).map(at -> !now.plus(STORE_MARGIN).isBefore(at)).orElse(false);
    }
}
