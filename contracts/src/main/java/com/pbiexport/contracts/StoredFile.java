package com.pbiexport.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The claim check of a completed export: where the file is and how to verify it. Never the bytes.
 *
 * @param uri         location in the sink ({@code file://...}, {@code https://<account>.blob...}, {@code mid:<message-id>/<content-id>}
 *                    for an e-mail attachment); never a secret (no SAS)
 * @param sizeBytes   size in bytes
 * @param sha256      SHA-256 of the bytes, lower-case hex (64 characters)
 * @param contentType MIME type ({@code application/zip} for a multi-page PNG export)
 * @param fileName    the stored (sanitised) file name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record StoredFile(String uri, long sizeBytes, String sha256, String contentType, String fileName) {
}
