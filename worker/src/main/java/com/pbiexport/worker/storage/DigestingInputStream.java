package com.pbiexport.worker.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Counts and hashes (SHA-256) the bytes that pass through, and stops the stream when it grows past the size cap
 * or does not match its announced length. Failures are sticky: once this stream has failed, every later read
 * fails the same way, so an uploader that retries reads cannot slip past the cap.
 *
 * <p>Failures are thrown as the {@link IOException} subclasses {@link CapExceeded} and {@link SourceFailed} and
 * also remembered in {@link #failure()}: an SDK may wrap or swallow what we throw, and the sink still needs to
 * tell "too large" from "the download broke" from "the storage service failed".
 *
 * <p>Not thread-safe; one reader at a time (uploaders read sequentially even when they upload in parallel).
 */
final class DigestingInputStream extends FilterInputStream {

    /** The content grew past the cap. */
    static final class CapExceeded extends IOException {
        CapExceeded(long maxBytes) {
            super("content is larger than the cap of " + maxBytes + " bytes");
        }
    }

    /** Reading the source failed, or its length did not match the announced one. */
    static final class SourceFailed extends IOException {
        SourceFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final MessageDigest sha256;
    private final long maxBytes;
    private final long expectedLength;
    private long count;
    private boolean eof;
    private String sha256Hex;
    private IOException failure;

    /**
     * @param maxBytes       the cap; at most {@code maxBytes + 1} bytes are ever read from {@code in}
     * @param expectedLength announced length, or -1 when unknown
     */
    DigestingInputStream(InputStream in, long maxBytes, long expectedLength) {
        super(in);
        this.maxBytes = maxBytes;
        this.expectedLength = expectedLength;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (len == 0) {
            return 0;
        }
        if (eof) {
            return -1;
        }
        // Never read more than one byte past the cap: enough to know it was exceeded.
        int wanted = (int) Math.min(len, maxBytes + 1 - count);
        int n;
        try {
            n = in.read(b, off, wanted);
        } catch (IOException e) {
            throw fail(new SourceFailed("reading the content failed after " + count + " bytes: " + e.getMessage(), e));
        }
        if (n < 0) {
            eof = true;
            if (expectedLength >= 0 && count != expectedLength) {
                throw fail(new SourceFailed("content ended after " + count + " bytes but " + expectedLength
                        + " were announced", null));
            }
            sha256Hex = HexFormat.of().formatHex(sha256.digest());
            return -1;
        }
        count += n;
        if (count > maxBytes) {
            throw fail(new CapExceeded(maxBytes));
        }
        if (expectedLength >= 0 && count > expectedLength) {
            throw fail(new SourceFailed("content is longer than the " + expectedLength + " bytes announced", null));
        }
        sha256.update(b, off, n);
        return n;
    }

    /** Reads through (rather than skipping) so that skipped bytes are still counted and hashed. */
    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
        // not supported: a reset would hash bytes twice
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset is not supported");
    }

    private IOException fail(IOException e) {
        failure = e;
        return e;
    }

    /** Bytes read so far. */
    long count() {
        return count;
    }

    /** Whether the end of the content was reached without failure. */
    boolean complete() {
        return eof && failure == null;
    }

    /** Lower-case hex SHA-256 of the whole content; only once {@link #complete()}. */
    String sha256Hex() {
        if (!complete()) {
            throw new IllegalStateException("the content has not been read to its end");
        }
        return sha256Hex;
    }

    /** The failure this stream threw, or null. */
    IOException failure() {
        return failure;
    }

    /**
     * Translates this stream's own failure into a {@link StorageException}, or returns null when the stream did
     * not fail (then the failure came from the sink's side).
     */
    StorageException failureAsStorageException(String target) {
        if (failure instanceof CapExceeded) {
            return new StorageException(StorageException.Kind.TOO_LARGE,
                    "Not stored to " + target + ": the file is larger than the cap of " + maxBytes
                            + " bytes (limits.maxFileBytes); raise the cap or export fewer pages", failure);
        }
        if (failure instanceof SourceFailed) {
            return new StorageException(StorageException.Kind.SOURCE_FAILED,
                    "Not stored to " + target + ": " + failure.getMessage(), failure);
        }
        return null;
    }

    /** Fails fast, before reading a byte, when the announced length is already over the cap. */
    static void checkAnnouncedLength(StoreRequest request, String target) {
        if (request.expectedLength() > request.maxBytes()) {
            throw new StorageException(StorageException.Kind.TOO_LARGE,
                    "Not stored to " + target + ": the file is " + request.expectedLength()
                            + " bytes, larger than the cap of " + request.maxBytes()
                            + " bytes (limits.maxFileBytes); raise the cap or export fewer pages");
        }
    }
}
