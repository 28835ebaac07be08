package com.pbiexport.worker.export;

import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.worker.storage.FileNames;
import com.pbiexport.worker.storage.StoreRequest;

import java.time.Instant;
import java.time.ZoneOffset;

/** Decides the stored file's key, extension and content type from the request and Power BI's answer. */
final class FileNaming {
    private FileNaming() {
    }

    /**
     * The extension is Power BI's {@code ResourceFileExtension}; without one, the extension of a known
     * Content-Type (an IMAGE export's OutputFormat, a zip of PNG pages); without that, the requested format's
     * usual extension ({@link ExportFormat#fileExtension()}). {@code .bin} is left only for a format the worker
     * does not know, which intake refuses before an export starts.
     *
     * @param contentType the download's Content-Type, or null
     * @param extension   Power BI's {@code ResourceFileExtension} (e.g. {@code .zip} for multi-page PNG), or null
     */
    static StoreRequest storeRequest(ExportJobSpec spec, String contentType, long length, String extension,
                                     long maxBytes, Instant now) {
        // Power BI's extension, else the one the download's type names, else the requested format's usual one
        String ext = extension != null && !extension.isBlank() ? extension
                : ExportFormat.extensionForContentType(contentType)
                        .or(() -> ExportFormat.parse(spec.request().format()).map(ExportFormat::fileExtension))
                        .orElse(".bin");
        String type = contentType != null && !contentType.isBlank() && !contentType.startsWith("application/octet-stream")
                ? contentType : ExportFormat.contentTypeForExtension(ext);
        String key = FileNames.defaultKey(spec.tenant(), spec.requestId(), spec.fileName().orElse(null), ext,
                spec.receivedAt().atOffset(ZoneOffset.UTC).toLocalDate());
        return new StoreRequest(spec.requestId(), spec.tenant(), key, type, length < 0 ? StoreRequest.UNKNOWN_LENGTH
                : length, maxBytes);
    }
}
