package com.pbiexport.worker.storage;

import java.net.URI;
import java.util.Objects;

/**
 * A file that a {@link FileSink} stored completely. Maps one to one onto the {@code file} of an
 * {@code ExportCompleted} event (the contracts' {@code StoredFile}); kept separate so that the storage
 * package does not depend on the event contracts.
 *
 * @param uri         where the file is: {@code file:} URI for the filesystem sink, the blob URL (never with a SAS
 *                    token) for Azure Blob Storage
 * @param sizeBytes   bytes stored, counted while streaming
 * @param sha256Hex   SHA-256 of the stored bytes, lower-case hex, computed while streaming
 * @param contentType the MIME type recorded with the file
 * @param fileName    the last segment of the key (what a user would call the file name)
 */
public record SinkResult(URI uri, long sizeBytes, String sha256Hex, String contentType, String fileName) {
    public SinkResult {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(sha256Hex, "sha256Hex");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(fileName, "fileName");
    }
}
