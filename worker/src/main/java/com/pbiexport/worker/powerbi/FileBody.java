package com.pbiexport.worker.powerbi;

import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An export file being streamed from Power BI. The stream is only valid inside
 * {@link FileBodyHandler#handle(FileBody)}; read it to the end, never buffer it whole.
 *
 * @param stream        the file bytes
 * @param contentType   the {@code Content-Type} header
 * @param contentLength the {@code Content-Length} header, when sent
 * @param fileExtension e.g. {@code .pdf}, {@code .zip}: the export's {@code ResourceFileExtension}, else derived
 *                      from the content type, else {@code .bin}
 */
public record FileBody(InputStream stream, Optional<String> contentType, OptionalLong contentLength,
                       String fileExtension) { }
