package com.pbiexport.worker.export;

import com.pbiexport.worker.storage.FileSink;
import com.pbiexport.worker.storage.SinkResult;
import com.pbiexport.worker.storage.StorageException;
import com.pbiexport.worker.storage.StoreRequest;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A sink in memory; its first {@code failures} stores fail as UNAVAILABLE (retryable). */
final class MemorySink implements FileSink {
    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final AtomicInteger failures;

    MemorySink(int failures) {
        this.failures = new AtomicInteger(failures);
    }

    @Override
    public SinkResult store(StoreRequest request, InputStream content) throws StorageException {
        if (failures.getAndDecrement() > 0) {
            throw new StorageException(StorageException.Kind.UNAVAILABLE, "the store is down for now");
        }
        try {
            byte[] bytes = content.readAllBytes();
            files.put(request.fileName(), bytes);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            return new SinkResult(URI.create("memory:/" + request.fileName()), bytes.length, sha,
                    request.contentType(), request.fileName());
        } catch (IOException e) {
            throw new StorageException(StorageException.Kind.UNAVAILABLE, e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void checkReady() {
    }

    @Override
    public String describe() {
        return "memory";
    }
}
