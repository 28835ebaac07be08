package com.pbiexport.worker.storage;

import java.io.InputStream;

/**
 * Where finished exports go. Implementations stream the content (memory stays bounded whatever the file size),
 * compute size and SHA-256 while streaming, enforce {@link StoreRequest#maxBytes()}, and never leave a partial
 * file visible under the final name: either the whole content is there, or nothing new is.
 *
 * <p>Storing the same request again overwrites the same target (idempotent retries). Implementations are safe for
 * concurrent use by several export jobs.
 */
public interface FileSink extends AutoCloseable {

    /**
     * Stores the content completely under {@code request.fileName()}.
     *
     * @param content read to its end; the caller keeps ownership and closes it
     * @return what was stored
     * @throws StorageException with a {@link StorageException.Kind} telling whether a retry can help
     */
    SinkResult store(StoreRequest request, InputStream content) throws StorageException;

    /**
     * Checks that the sink can be written to now (for the doctor and start-up): the root directory exists and is
     * writable, or the container is reachable.
     *
     * @throws StorageException naming the problem and the fix
     */
    void checkReady() throws StorageException;

    /** Human-readable target for logs and diagnostics, e.g. {@code filesystem:/data/exports}; never a secret. */
    String describe();

    /**
     * Releases what the sink holds (clients, connections, credential refreshers); called once no store or check runs
     * any more. Nothing to release by default. Never throws: a failure to release is logged, not raised.
     */
    @Override
    default void close() {
    }
}
