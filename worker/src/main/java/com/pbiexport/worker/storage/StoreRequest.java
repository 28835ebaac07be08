package com.pbiexport.worker.storage;

import java.util.Objects;

/**
 * What to store and under which name.
 *
 * @param requestId      the export request's idempotency key (recorded with the file where the sink can)
 * @param tenant         the configured tenant alias
 * @param fileName       the relative key of the file inside the sink: {@code /}-separated segments, each one
 *                       already clean in the sense of {@link FileNames#requireSafeKey(String)}; normally built by
 *                       {@link FileNames#defaultKey}. Sinks reject anything else with
 *                       {@link StorageException.Kind#INVALID_NAME} rather than guess.
 * @param contentType    MIME type to record (e.g. {@code application/pdf})
 * @param expectedLength announced length in bytes (the download's Content-Length), or {@code -1} when unknown;
 *                       when known, a longer or shorter stream fails the store
 * @param maxBytes       the size cap: content longer than this is never stored ({@link StorageException.Kind#TOO_LARGE})
 */
public record StoreRequest(
        String requestId,
        String tenant,
        String fileName,
        String contentType,
        long expectedLength,
        long maxBytes) {

    /** Marker for {@link #expectedLength()} when the length is not known in advance. */
    public static final long UNKNOWN_LENGTH = -1;

    public StoreRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(contentType, "contentType");
        if (requestId.isBlank()) {
            throw new IllegalArgumentException("requestId must not be blank");
        }
        if (expectedLength < UNKNOWN_LENGTH) {
            throw new IllegalArgumentException("expectedLength must be -1 (unknown) or at least 0, was " + expectedLength);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1, was " + maxBytes);
        }
    }
}
