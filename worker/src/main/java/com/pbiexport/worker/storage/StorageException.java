package com.pbiexport.worker.storage;

import java.util.Objects;
import java.util.Optional;

/**
 * Why a {@link FileSink} could not store a file. Unchecked (as the other boundary exceptions of the worker),
 * but declared on {@link FileSink#store} so callers see it. Messages name the sink target and the fix; they
 * never contain connection strings, account keys or SAS tokens.
 */
public final class StorageException extends RuntimeException {

    /**
     * Stable failure kinds a classifier may switch on. Never rename a constant: add new ones instead.
     */
    public enum Kind {
        /** The content exceeded {@link StoreRequest#maxBytes()}; nothing was stored. Not retryable. */
        TOO_LARGE(false),
        /** The target could not be reached or written for now (I/O error, network, timeout, HTTP 5xx). Retryable. */
        UNAVAILABLE(true),
        /** The target refused the write (authentication, permission, missing container...). Not retryable. */
        REJECTED(false),
        /** The file name or key is not a safe relative name (traversal, control characters, empty...). */
        INVALID_NAME(false),
        /**
         * Reading the content failed (the download broke, or ended before its announced length);
         * the sink itself is fine. Retryable by restarting the download.
         */
        SOURCE_FAILED(true);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        /** Whether trying the same store again later may succeed. */
        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;
    private final Integer httpStatus;
    private final String errorCode;

    public StorageException(Kind kind, String message) {
        this(kind, message, null, null, null);
    }

    public StorageException(Kind kind, String message, Throwable cause) {
        this(kind, message, null, null, cause);
    }

    /**
     * @param httpStatus HTTP status of the storage service's answer, when there was one (may be null)
     * @param errorCode  the service's error code such as {@code ContainerNotFound} (may be null)
     */
    public StorageException(Kind kind, String message, Integer httpStatus, String errorCode, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public Kind kind() {
        return kind;
    }

    /** Shortcut for {@code kind().retryable()}. */
    public boolean retryable() {
        return kind.retryable();
    }

    /** HTTP status of the storage service's answer, when the failure came from one. */
    public Optional<Integer> httpStatus() {
        return Optional.ofNullable(httpStatus);
    }

    /** The storage service's error code (e.g. {@code AuthenticationFailed}), when it sent one. */
    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }
}
