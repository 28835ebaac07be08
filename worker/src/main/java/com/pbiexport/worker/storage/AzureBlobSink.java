package com.pbiexport.worker.storage;

import com.azure.core.http.rest.Response;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.BlobServiceVersion;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.pbiexport.worker.net.ProxyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Stores files as block blobs in one Azure Blob Storage container, under {@code <prefix>/<key>}.
 *
 * <h2>Memory</h2>
 * The content is streamed in blocks of {@value #BLOCK_BYTES} bytes with at most two uploads in flight, so memory
 * stays at a few blocks whatever the file size (the SDK's default options would buffer the whole file).
 *
 * <h2>Never a partial blob</h2>
 * Small files go up in one Put Blob, larger ones as staged blocks committed by one final Put Block List. If the
 * content fails or grows past the cap, the upload stops before that commit: no new blob appears (staged blocks
 * that are never committed are discarded by the service after a week). An existing blob of the same name (an
 * earlier attempt of the same request) stays as it was, complete.
 *
 * <h2>Metadata</h2>
 * Content type is set on upload; metadata {@code requestid} and {@code tenant} on upload, {@code sha256} and
 * {@code sizebytes} right after (the hash is known only at the end of the stream), conditioned on the upload's
 * ETag. Metadata values that are not plain ASCII are percent-encoded (UTF-8), as HTTP headers require.
 *
 * <h2>Failures</h2>
 * HTTP 5xx, 408, 429, timeouts and network errors are {@link StorageException.Kind#UNAVAILABLE}; other 4xx
 * answers (authentication, missing container, unsupported API version) are
 * {@link StorageException.Kind#REJECTED} with the service's error code. The SDK retries each request itself
 * first ({@link Retry}).
 */
public final class AzureBlobSink implements FileSink {

    /** Block size and single-upload threshold: bounded memory for any file size. */
    public static final long BLOCK_BYTES = 4L * 1024 * 1024;
    /** Blocks uploaded in parallel. */
    public static final int MAX_CONCURRENCY = 2;

    private final BlobContainerClient container;
    private final String prefix;
    private final boolean createContainerIfMissing;
    private volatile boolean containerKnownToExist;

    /**
     * @param container                the container files go to
     * @param prefix                   key prefix inside the container ({@code ""} for none); a clean relative key
     * @param createContainerIfMissing create the container on first use instead of failing with REJECTED
     */
    public AzureBlobSink(BlobContainerClient container, String prefix, boolean createContainerIfMissing) {
        this.container = Objects.requireNonNull(container, "container");
        this.prefix = FileNames.normalisePrefix(prefix, "Blob prefix");
        this.createContainerIfMissing = createContainerIfMissing;
    }

    /** Builds the client from a connection string (the string is never logged or put in a message). */
    public static AzureBlobSink fromConnectionString(Settings settings) {
        return fromConnectionString(settings, ProxyConfig.direct());
    }

    /** The same, reaching the blob endpoint through {@code proxy} where it says so. */
    public static AzureBlobSink fromConnectionString(Settings settings, ProxyConfig proxy) {
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder();
        try {
            builder.connectionString(settings.connectionString());
        } catch (IllegalArgumentException e) {
            // the SDK's message could quote the string, which may hold a key: say what is wrong without it
            throw new IllegalArgumentException("The Azure Storage connection string of the sink for container '"
                    + settings.container() + "' is malformed; expected 'DefaultEndpointsProtocol=https;AccountName=..."
                    + ";AccountKey=...' or 'BlobEndpoint=...;SharedAccessSignature=...' ("
                    + e.getClass().getSimpleName() + ")");
        }
        Retry r = settings.retry();
        builder.retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, r.maxTries(), r.tryTimeout(),
                r.retryDelay(), r.maxRetryDelay(), null));
        if (settings.serviceVersion() != null) {
            builder.serviceVersion(settings.serviceVersion());
        }
        builder.httpClient(AzureProxy.httpClient(proxy, builder));
        BlobContainerClient container = builder.buildClient().getBlobContainerClient(settings.container());
        return new AzureBlobSink(container, settings.prefix(), settings.createContainerIfMissing());
    }

    @Override
    public String describe() {
        return "azure-blob:" + withoutQuery(container.getBlobContainerUrl()) + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    @Override
    public void checkReady() {
        String where = describe();
        try {
            if (container.exists()) {
                containerKnownToExist = true;
                return;
            }
            if (!createContainerIfMissing) {
                throw new StorageException(StorageException.Kind.REJECTED, "Container '"
                        + container.getBlobContainerName() + "' does not exist at " + where
                        + "; create it, or start the worker, which creates a missing container", 404,
                        BlobErrorCode.CONTAINER_NOT_FOUND.toString(), null);
            }
            ensureContainer();
        } catch (StorageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw mapFailure(e, null, where);
        }
    }

    @Override
    public SinkResult store(StoreRequest request, InputStream content) {
        Objects.requireNonNull(content, "content");
        FileNames.requireSafeKey(request.fileName());
        String blobName = prefix.isEmpty() ? request.fileName() : prefix + "/" + request.fileName();
        String where = "azure blob " + container.getBlobContainerName() + "/" + blobName;
        DigestingInputStream.checkAnnouncedLength(request, where);

        DigestingInputStream digesting = new DigestingInputStream(content, request.maxBytes(), request.expectedLength());
        BlobClient blob = container.getBlobClient(blobName);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("requestid", FileNames.headerSafe(request.requestId()));
        metadata.put("tenant", FileNames.headerSafe(request.tenant()));
        BlobParallelUploadOptions options = new BlobParallelUploadOptions(digesting)
                .setParallelTransferOptions(new ParallelTransferOptions()
                        .setBlockSizeLong(BLOCK_BYTES)
                        .setMaxSingleUploadSizeLong(BLOCK_BYTES)
                        .setMaxConcurrency(MAX_CONCURRENCY))
                .setHeaders(new BlobHttpHeaders().setContentType(request.contentType()))
                .setMetadata(metadata);
        try {
            ensureContainer();
            Response<BlockBlobItem> uploaded = blob.uploadWithResponse(options, null, Context.NONE);
            if (!digesting.complete()) {
                // The SDK committed without reading to the end: never leave that visible as if complete.
                blob.deleteIfExists();
                throw new StorageException(StorageException.Kind.UNAVAILABLE,
                        "Upload to " + where + " ended before the content did; the incomplete blob was deleted");
            }
            metadata.put("sha256", digesting.sha256Hex());
            metadata.put("sizebytes", Long.toString(digesting.count()));
            blob.setMetadataWithResponse(metadata,
                    new BlobRequestConditions().setIfMatch(uploaded.getValue().getETag()), null, Context.NONE);
            return new SinkResult(blobUri(blobName), digesting.count(),
                    digesting.sha256Hex(), request.contentType(), FileNames.leafOf(request.fileName()));
        } catch (StorageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw mapFailure(e, digesting, where);
        }
    }

    private void ensureContainer() {
        if (createContainerIfMissing && !containerKnownToExist) {
            container.createIfNotExists();
            containerKnownToExist = true;
        }
    }

    private StorageException mapFailure(RuntimeException e, DigestingInputStream digesting, String where) {
        StorageException own = digesting == null ? null : digesting.failureAsStorageException(where);
        if (own != null) {
            return own;
        }
        BlobStorageException service = Causes.ofType(e, BlobStorageException.class);
        if (service != null) {
            return serviceFailure(service, where);
        }
        if (Causes.ofType(e, IOException.class) != null || Causes.ofType(e, TimeoutException.class) != null) {
            return new StorageException(StorageException.Kind.UNAVAILABLE,
                    "Could not reach Azure Blob Storage for " + where + ": " + Causes.rootMessage(e), e);
        }
        if (e instanceof IllegalArgumentException || e instanceof NullPointerException) {
            throw e; // a programming error, not a storage outcome
        }
        return new StorageException(StorageException.Kind.UNAVAILABLE,
                "Upload to " + where + " failed: " + Causes.rootMessage(e), e);
    }

    private StorageException serviceFailure(BlobStorageException e, String where) {
        int status = e.getStatusCode();
        String code = e.getErrorCode() == null ? null : e.getErrorCode().toString();
        String answered = "Azure Blob Storage answered HTTP " + status + (code == null ? "" : " " + code)
                + " for " + where;
        if (status >= 500 || status == 408 || status == 429) {
            return new StorageException(StorageException.Kind.UNAVAILABLE, answered + "; retry later", status, code, e);
        }
        if (BlobErrorCode.CONTAINER_NOT_FOUND.toString().equals(code)) {
            if (createContainerIfMissing) {
                containerKnownToExist = false; // deleted behind our back: create it again on the next attempt
                return new StorageException(StorageException.Kind.UNAVAILABLE,
                        answered + "; it will be created again on the next attempt", status, code, e);
            }
            return new StorageException(StorageException.Kind.REJECTED, answered
                    + "; create the container, or allow the worker to create it", status, code, e);
        }
        if (status == 401 || status == 403) {
            return new StorageException(StorageException.Kind.REJECTED, answered
                    + "; check the account key or SAS (expiry, permissions: create and write) in the connection string",
                    status, code, e);
        }
        if (status == 400 && code != null && code.startsWith("InvalidHeaderValue")) {
            return new StorageException(StorageException.Kind.REJECTED, answered
                    + "; if the service rejects the API version (e.g. Azurite), set the sink's serviceVersion"
                    + " (Azurite 3.35 accepts 2025-11-05)", status, code, e);
        }
        if (status == 412) {
            // someone replaced the blob between our upload and the metadata update: retrying re-uploads
            return new StorageException(StorageException.Kind.UNAVAILABLE,
                    answered + "; the blob changed during the upload", status, code, e);
        }
        return new StorageException(StorageException.Kind.REJECTED, answered, status, code, e);
    }


    /**
     * The blob's URL with readable {@code /} between segments (the SDK's {@code getBlobUrl()} encodes them as
     * {@code %2F}), other characters percent-encoded; never a query string, so never a SAS token.
     */
    private URI blobUri(String blobName) {
        StringBuilder url = new StringBuilder(withoutQuery(container.getBlobContainerUrl()));
        for (String segment : blobName.split("/")) {
            url.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(url.toString());
    }

    private static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    /**
     * How the SDK retries each request before the sink reports {@link StorageException.Kind#UNAVAILABLE}.
     *
     * @param maxTries      tries per request, first included
     * @param tryTimeout    limit for one try (one block or one small file)
     * @param retryDelay    base of the exponential back-off
     * @param maxRetryDelay longest wait between tries
     */
    public record Retry(int maxTries, Duration tryTimeout, Duration retryDelay,
                        Duration maxRetryDelay) {
        /** 4 tries, 60 s per try, back-off from 1 s up to 30 s. */
        public static final Retry DEFAULT = new Retry(4, Duration.ofSeconds(60),
                Duration.ofSeconds(1), Duration.ofSeconds(30));

        public Retry {
            if (maxTries < 1) {
                throw new IllegalArgumentException("maxTries must be at least 1, was " + maxTries);
            }
            Objects.requireNonNull(tryTimeout, "tryTimeout");
            Objects.requireNonNull(retryDelay, "retryDelay");
            Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
            if (retryDelay.compareTo(maxRetryDelay) > 0) {
                throw new IllegalArgumentException("retryDelay (" + retryDelay + ") must not exceed maxRetryDelay ("
                        + maxRetryDelay + ")");
            }
        }
    }

    /**
     * Settings for {@link #fromConnectionString(Settings)}. {@link #toString()} never shows the connection string.
     *
     * @param connectionString         Azure Storage connection string (account key or SAS); a secret
     * @param container                container name (3-63 lower-case letters, digits and hyphens)
     * @param prefix                   key prefix inside the container, {@code ""} for none
     * @param serviceVersion           API version to send, or null for the SDK's newest (Azurite 3.35 needs
     *                                 {@code V2025_11_05} or older: see {@link #parseServiceVersion(String)})
     * @param createContainerIfMissing create the container on first use
     * @param retry                    the SDK's per-request retries
     */
    public record Settings(String connectionString, String container, String prefix,
                           BlobServiceVersion serviceVersion, boolean createContainerIfMissing,
                           Retry retry) {

        public Settings {
            Objects.requireNonNull(connectionString, "connectionString");
            Objects.requireNonNull(container, "container");
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(retry, "retry");
            if (connectionString.isBlank()) {
                throw new IllegalArgumentException("the Azure Storage connection string is empty");
            }
            if (!container.matches("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")) {
                throw new IllegalArgumentException("container must be 3-63 lower-case letters, digits and single"
                        + " hyphens, starting and ending with a letter or digit, was '" + container + "'");
            }
        }

        /** No pinned service version, container must exist, default retries. */
        public static Settings of(String connectionString, String container, String prefix) {
            return new Settings(connectionString, container, prefix, null, false, Retry.DEFAULT);
        }

        public Settings withServiceVersion(BlobServiceVersion version) {
            return new Settings(connectionString, container, prefix, version, createContainerIfMissing, retry);
        }

        public Settings withCreateContainerIfMissing(boolean create) {
            return new Settings(connectionString, container, prefix, serviceVersion, create, retry);
        }

        public Settings withRetry(Retry newRetry) {
            return new Settings(connectionString, container, prefix, serviceVersion, createContainerIfMissing, newRetry);
        }

        @Override
        public String toString() {
            return "Settings[connectionString=(redacted), container=" + container + ", prefix=" + prefix
                    + ", serviceVersion=" + (serviceVersion == null ? "latest" : serviceVersion.getVersion())
                    + ", createContainerIfMissing=" + createContainerIfMissing + ", retry=" + retry + "]";
        }
    }

    /**
     * Parses a configured service version: {@code 2025-11-05} or {@code V2025_11_05}.
     *
     * @throws IllegalArgumentException naming the versions this SDK knows
     */
    public static BlobServiceVersion parseServiceVersion(String text) {
        Objects.requireNonNull(text, "serviceVersion");
        String wanted = text.trim();
        for (BlobServiceVersion v : BlobServiceVersion.values()) {
            if (v.getVersion().equals(wanted) || v.name().equalsIgnoreCase(wanted)) {
                return v;
            }
        }
        throw new IllegalArgumentException("serviceVersion '" + text + "' is unknown; use one of "
                + Arrays.stream(BlobServiceVersion.values())
                        .map(BlobServiceVersion::getVersion)
                        .collect(Collectors.joining(", "))
                + " (Azurite 3.35 accepts up to 2025-11-05)");
    }
}
