package com.pbiexport.worker.powerbi;

import java.io.IOException;

/**
 * Consumes a downloaded export file as it streams in (e.g. writes it to a sink while hashing it).
 * An {@link IOException} from reading {@link FileBody#stream()} becomes a {@link PowerBiFailure.Transport}; an
 * {@link IOException} of the handler's own (its sink) is rethrown to the caller as
 * {@link java.io.UncheckedIOException}.
 */
@FunctionalInterface
public interface FileBodyHandler<T> {
    T handle(FileBody body) throws IOException;
}
