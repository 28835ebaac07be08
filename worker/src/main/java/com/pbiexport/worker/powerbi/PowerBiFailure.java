package com.pbiexport.worker.powerbi;

import java.time.Duration;
import java.util.Optional;

/**
 * Why a Power BI call failed, kept apart as Retrofit does: the service answered with an error status,
 * the call never got an answer, or the answer could not be read. Classified once, in {@code diagnose}.
 */
public sealed interface PowerBiFailure permits PowerBiFailure.Http, PowerBiFailure.Transport, PowerBiFailure.Decoding,
        PowerBiFailure.Refused {

    /** The operation that failed: {@code start}, {@code poll}, {@code download}, {@code getReport}, ... */
    String operation();

    /** Power BI's {@code RequestId} response header, when there was a response. */
    Optional<String> requestId();

    /**
     * The service answered with a non-success status.
     *
     * @param errorCode  {@code error.code} from the body (e.g. {@code PowerBIEntityNotFound}, {@code TokenExpired}), or null
     * @param message    {@code error.message} or a short excerpt of the body, never containing the request's token
     * @param retryAfter the {@code Retry-After} header, when present and valid
     * @param errorInfo  the {@code X-PowerBI-Error-Info} header as sent (e.g.
     *                   {@code ServicePrincipalIsNotAllowedByTenantAdminSwitch}); only a few values are known to be
     *                   real, and the classifier reads only those
     * @param signals    every other signal of the answer (WWW-Authenticate, X-PowerBI-Error-Details, pbi.error,
     *                   Content-Type), kept to be quoted
     */
    record Http(String operation, int status, String errorCode, String message, Optional<String> requestId,
                Optional<Duration> retryAfter, Optional<String> errorInfo, ErrorSignals signals)
            implements PowerBiFailure {

        public Http {
            errorInfo = errorInfo == null ? Optional.empty() : errorInfo;
            signals = signals == null ? ErrorSignals.none() : signals;
        }

        public Http(String operation, int status, String errorCode, String message, Optional<String> requestId,
                    Optional<Duration> retryAfter, Optional<String> errorInfo) {
            this(operation, status, errorCode, message, requestId, retryAfter, errorInfo, ErrorSignals.none());
        }

        public Http(String operation, int status, String errorCode, String message, Optional<String> requestId,
                    Optional<Duration> retryAfter) {
            this(operation, status, errorCode, message, requestId, retryAfter, Optional.empty());
        }
    }

    /** No answer: connect/read timeout, reset, TLS or DNS failure. Always transient from our side. */
    record Transport(String operation, String message, Optional<String> requestId) implements PowerBiFailure {
        public Transport(String operation, String message) {
            this(operation, message, Optional.empty());
        }
    }

    /** A success status whose body we could not read (not JSON, no export id...). */
    record Decoding(String operation, int status, String message, Optional<String> requestId) implements PowerBiFailure { }

    /**
     * We refused to make the call: e.g. a {@code resourceLocation} pointing at a host other than the
     * configured Power BI API host (the bearer token is never sent there).
     */
    record Refused(String operation, String message) implements PowerBiFailure {
        @Override
        public Optional<String> requestId() {
            return Optional.empty();
        }
    }
}
