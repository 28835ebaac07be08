package com.pbiexport.worker.powerbi;

import com.pbiexport.contracts.ExportFormat;
import org.apache.hc.core5.http.HttpEntity;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads the answer of a file download: streams the body to the caller's {@link FileBodyHandler}, keeping the
 * network's IOExceptions (a transport failure) apart from the handler's own (its sink: {@link SinkFailure}).
 */
final class FileDownload {
    private FileDownload() {
    }

    /** The download handler's own IOException (its sink), kept apart from network failures. */
    static final class SinkFailure extends RuntimeException {
        SinkFailure(IOException cause) {
            super(cause);
        }
    }

    /**
     * @param extension the export's {@code ResourceFileExtension}, when Power BI gave one; else derived from the
     *                  content type, else {@code .bin}
     */
    static <T> ResponseReader<T> reader(Optional<String> extension, FileBodyHandler<T> handler) {
        return (response, status, requestId) -> {
            HttpEntity entity = response.getEntity();
            if (entity == null) {
                throw new PowerBiException(new PowerBiFailure.Decoding("download", status, "the answer has no file body",
                        requestId));
            }
            Optional<String> contentType = Optional.ofNullable(entity.getContentType()).filter(s -> !s.isBlank());
            OptionalLong length = entity.getContentLength() >= 0 ? OptionalLong.of(entity.getContentLength())
                    : OptionalLong.empty();
            try (SourceStream in = new SourceStream(entity.getContent())) {
                try {
                    return handler.handle(new FileBody(in, contentType, length,
                            extension.orElseGet(() -> extensionFor(contentType))));
                } catch (IOException e) {
                    if (in.failed) {
                        throw e; // the network: a transport failure
                    }
                    throw new SinkFailure(e);
                }
            }
        };
    }

    private static String extensionFor(Optional<String> contentType) {
        return contentType.flatMap(ExportFormat::extensionForContentType).map(e -> "." + e).orElse(".bin");
    }

    /** Marks IOExceptions that come from the network side of a download. */
    private static final class SourceStream extends FilterInputStream {
        volatile boolean failed;

        SourceStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }
    }
}
