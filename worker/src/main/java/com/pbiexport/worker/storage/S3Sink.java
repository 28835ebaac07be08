package com.pbiexport.worker.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Stores files as objects in one S3 bucket (AWS or an S3-compatible service), under {@code <prefix>/<key>}.
 *
 * <h2>Memory</h2>
 * The content is read into one buffer of the configured part size (at least 5 MiB, S3's smallest part) and sent
 * from there, so memory stays at about one part per store in progress whatever the file size.
 *
 * <h2>Never a partial object</h2>
 * A file that fits in one part goes up in one PutObject with its length known, so S3 either stores all of it or
 * nothing. A larger one goes up as a multipart upload: parts are invisible until CompleteMultipartUpload makes the
 * whole object appear at once. Any failure (the content, the cap, the service) aborts the multipart upload, so no
 * parts are left behind to be billed; an existing object of the same name (an earlier attempt of the same
 * request) stays as it was, complete. Storing again overwrites it (idempotent retries).
 *
 * <h2>Metadata</h2>
 * Content type and user metadata {@code requestid} and {@code tenant} on every object; {@code sha256} and
 * {@code sizebytes} on single-PUT objects (for a multipart object the hash is known only after its metadata was
 * fixed; the completion event always carries both). Values that are not plain ASCII are percent-encoded (UTF-8).
 *
 * <h2>Failures</h2>
 * See {@link S3Failures}: 5xx, throttling, timeouts and network errors are {@link StorageException.Kind#UNAVAILABLE}
 * (after the SDK's own retries); access denied, unknown key, wrong secret, missing bucket, wrong region are
 * {@link StorageException.Kind#REJECTED}, each naming the fix.
 */
public final class S3Sink implements FileSink {

    private static final Logger log = LoggerFactory.getLogger(S3Sink.class);

    /** S3's smallest part (every part but the last). */
    public static final long MIN_PART_BYTES = 5L * 1024 * 1024;
    /** Default part size and single-PUT threshold. */
    public static final long DEFAULT_PART_BYTES = 8L * 1024 * 1024;
    /** Largest part size this sink buffers (one array). */
    public static final long MAX_PART_BYTES = 512L * 1024 * 1024;
    /** S3's limit on parts per upload. */
    static final int MAX_PARTS = 10_000;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final Encryption encryption;
    private final int partBytes;
    private final String description;
    private final List<AutoCloseable> owned;

    /**
     * @param s3          a client for the bucket's region and endpoint; shared, thread-safe
     * @param bucket      the bucket name
     * @param prefix      key prefix inside the bucket ({@code ""} for none); a clean relative key
     * @param encryption  server-side encryption to request for every object
     * @param partBytes   part size and single-PUT threshold, {@value #MIN_PART_BYTES} to {@value #MAX_PART_BYTES}
     * @param description what {@link #describe()} says (never a secret)
     */
    public S3Sink(S3Client s3, String bucket, String prefix, Encryption encryption, long partBytes,
                  String description) {
        this(s3, bucket, prefix, encryption, partBytes, description, List.of());
    }

    /**
     * The same, owning what the client was built with: {@link #close()} closes the client, then {@code owned} in
     * order (a credentials provider and the STS client it refreshes with, say).
     */
    public S3Sink(S3Client s3, String bucket, String prefix, Encryption encryption, long partBytes,
                  String description, List<AutoCloseable> owned) {
        this.owned = List.copyOf(owned);
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.prefix = FileNames.normalisePrefix(prefix, "S3 prefix");
        this.encryption = Objects.requireNonNull(encryption, "encryption");
        if (partBytes < MIN_PART_BYTES || partBytes > MAX_PART_BYTES) {
            throw new IllegalArgumentException("partSize must be between " + MIN_PART_BYTES + " and "
                    + MAX_PART_BYTES + " bytes, was " + partBytes);
        }
        this.partBytes = (int) partBytes;
        this.description = Objects.requireNonNull(description, "description");
    }

    @Override
    public String describe() {
        return description;
    }

    /** Closes the S3 client and what it was built with (a credentials provider the client does not own). */
    @Override
    public void close() {
        closeQuietly(s3);
        owned.forEach(S3Sink::closeQuietly);
    }

    /** What {@link #close()} closes after the client (for tests). */
    List<AutoCloseable> owned() {
        return owned;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.warn("closing a client of an S3 sink failed: {}", e.toString());
        }
    }

    @Override
    public void checkReady() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (SdkException e) {
            throw S3Failures.map(e, "bucket " + bucket + " (" + description + ")", bucket, encryption);
        }
    }

    @Override
    public SinkResult store(StoreRequest request, InputStream content) {
        Objects.requireNonNull(content, "content");
        FileNames.requireSafeKey(request.fileName());
        String key = prefix.isEmpty() ? request.fileName() : prefix + "/" + request.fileName();
        String where = "s3 " + bucket + "/" + key;
        DigestingInputStream.checkAnnouncedLength(request, where);
        DigestingInputStream digesting = new DigestingInputStream(content, request.maxBytes(), request.expectedLength());

        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("requestid", FileNames.headerSafe(request.requestId()));
        metadata.put("tenant", FileNames.headerSafe(request.tenant()));
        byte[] buffer = new byte[firstBufferSize(request)];
        try {
            int n = fill(digesting, buffer);
            if (digesting.complete()) {
                metadata.put("sha256", digesting.sha256Hex());
                metadata.put("sizebytes", Long.toString(digesting.count()));
                putObject(key, request.contentType(), metadata, buffer, n);
            } else {
                multipart(key, request.contentType(), metadata, digesting, buffer, n, where);
            }
            return new SinkResult(objectUri(key), digesting.count(), digesting.sha256Hex(), request.contentType(),
                    FileNames.leafOf(request.fileName()));
        } catch (IOException e) {
            throw sourceFailure(digesting, e, where);
        } catch (SdkException e) {
            throw S3Failures.map(e, where, bucket, encryption);
        }
    }

    /** Small known lengths get a small buffer; otherwise one part (never more than the cap needs). */
    private int firstBufferSize(StoreRequest request) {
        long size = Math.min(partBytes, request.maxBytes() + 1);
        if (request.expectedLength() >= 0) {
            size = Math.min(size, request.expectedLength() + 1);
        }
        return (int) Math.max(size, 1);
    }

    private void putObject(String key, String contentType, Map<String, String> metadata, byte[] buffer, int n) {
        PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType)
                .contentLength((long) n).metadata(metadata);
        encryption.applyTo(put);
        s3.putObject(put.build(), body(buffer, n, contentType));
    }

    private void multipart(String key, String contentType, Map<String, String> metadata,
                           DigestingInputStream digesting, byte[] buffer, int first, String where)
            throws IOException {
        CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(bucket).key(key)
                .contentType(contentType).metadata(metadata);
        encryption.applyTo(create);
        String uploadId = s3.createMultipartUpload(create.build()).uploadId();
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int n = first;
            do { // fill() returns less than a full buffer only at the end of the content
                int partNumber = parts.size() + 1;
                if (partNumber > MAX_PARTS) {
                    throw new StorageException(StorageException.Kind.REJECTED, "Not stored to " + where
                            + ": more than " + MAX_PARTS + " parts of " + partBytes
                            + " bytes; raise the sink's partSize");
                }
                int size = n;
                String etag = s3.uploadPart(p -> p.bucket(bucket).key(key).uploadId(uploadId)
                        .partNumber(partNumber).contentLength((long) size), body(buffer, size, contentType)).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
                n = fill(digesting, buffer);
            } while (n > 0);
            s3.completeMultipartUpload(c -> c.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
            completed = true;
        } finally {
            if (!completed) {
                abort(key, uploadId);
            }
        }
    }

    /** Best effort: a failed abort leaves invisible parts (a bucket lifecycle rule removes them); log, go on. */
    private void abort(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(a -> a.bucket(bucket).key(key).uploadId(uploadId));
        } catch (RuntimeException e) {
            log.warn("could not abort the multipart upload of s3 {}/{}; its parts stay invisible until a lifecycle"
                    + " rule (AbortIncompleteMultipartUpload) removes them: {}", bucket, key, e.toString());
        }
    }

    /** A body the SDK can re-read for its retries, without copying the buffer. */
    private static RequestBody body(byte[] buffer, int n, String contentType) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, n), n, contentType);
    }

    /** Reads until the buffer is full or the content ends; returns the bytes read. */
    private static int fill(InputStream in, byte[] buffer) throws IOException {
        int n = 0;
        while (n < buffer.length) {
            int r = in.read(buffer, n, buffer.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    private static StorageException sourceFailure(DigestingInputStream digesting, IOException e, String where) {
        StorageException own = digesting.failureAsStorageException(where);
        return own != null ? own : new StorageException(StorageException.Kind.SOURCE_FAILED,
                "Not stored to " + where + ": reading the content failed: " + e.getMessage(), e);
    }

    private URI objectUri(String key) {
        try {
            return s3.utilities().getUrl(g -> g.bucket(bucket).key(key)).toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the SDK built an invalid object URL for key " + key, e);
        }
    }

    /** Server-side encryption requested for every object; {@link #toString()} shows no secret (there is none). */
    public sealed interface Encryption {
        /** The bucket's default encryption (S3 encrypts with SSE-S3 unless the bucket says otherwise). */
        Encryption NONE = new None();

        void applyTo(PutObjectRequest.Builder put);

        void applyTo(CreateMultipartUploadRequest.Builder create);

        /** The KMS key id, when the requests name one. */
        default Optional<String> kmsKeyId() {
            return Optional.empty();
        }

        /** Header value ({@code AES256}, {@code aws:kms}) or {@code none}. */
        String text();

        /**
         * @param text  {@code none}, {@code AES256} or {@code aws:kms}
         * @param keyId the KMS key id or ARN (only with {@code aws:kms}; absent for the account's default key)
         */
        static Encryption of(String text, Optional<String> keyId) {
            switch (text) {
                case "none":
                    return NONE;
                case "AES256":
                    return new SseS3();
                case "aws:kms":
                    return new SseKms(keyId);
                default:
                    throw new IllegalArgumentException("serverSideEncryption must be none, AES256 or aws:kms, was '"
                            + text + "'");
            }
        }
    }

    /** No encryption header. */
    record None() implements Encryption {
        @Override
        public void applyTo(PutObjectRequest.Builder put) {
        }

        @Override
        public void applyTo(CreateMultipartUploadRequest.Builder create) {
        }

        @Override
        public String text() {
            return "none";
        }
    }

    /** SSE-S3: keys managed by S3. */
    record SseS3() implements Encryption {
        @Override
        public void applyTo(PutObjectRequest.Builder put) {
            put.serverSideEncryption(ServerSideEncryption.AES256);
        }

        @Override
        public void applyTo(CreateMultipartUploadRequest.Builder create) {
            create.serverSideEncryption(ServerSideEncryption.AES256);
        }

        @Override
        public String text() {
            return "AES256";
        }
    }

    /** SSE-KMS with the given key, or the account's default {@code aws/s3} key. */
    record SseKms(Optional<String> keyId) implements Encryption {
        SseKms {
            Objects.requireNonNull(keyId, "keyId");
        }

        @Override
        public void applyTo(PutObjectRequest.Builder put) {
            put.serverSideEncryption(ServerSideEncryption.AWS_KMS);
            keyId.ifPresent(put::ssekmsKeyId);
        }

        @Override
        public void applyTo(CreateMultipartUploadRequest.Builder create) {
            create.serverSideEncryption(ServerSideEncryption.AWS_KMS);
            keyId.ifPresent(create::ssekmsKeyId);
        }

        @Override
        public Optional<String> kmsKeyId() {
            return keyId;
        }

        @Override
        public String text() {
            return "aws:kms";
        }
    }
}
