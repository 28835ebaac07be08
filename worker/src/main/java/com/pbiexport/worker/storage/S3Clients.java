package com.pbiexport.worker.storage;

import com.pbiexport.worker.net.ProxyConfig;
import com.pbiexport.worker.net.ProxyServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.apache5.ProxyConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsWebIdentityTokenFileCredentialsProvider;

/**
 * Builds an {@link S3Sink}: the SDK's Apache 5 HTTP client (the worker's HTTP stack is httpclient5) with the
 * worker's proxy decision for the endpoint, TLS verification left on, the region, the endpoint override and the
 * credentials.
 *
 * <h2>Credentials, in this order</h2>
 * <ol>
 *   <li>static keys, when the sink names the environment variables that hold them;</li>
 *   <li>web identity (EKS IRSA and the like), when the environment has {@code AWS_ROLE_ARN} and
 *       {@code AWS_WEB_IDENTITY_TOKEN_FILE}: AssumeRoleWithWebIdentity at the region's STS endpoint, through the
 *       same proxy decision; the token file is re-read on every refresh;</li>
 *   <li>otherwise the SDK's default chain: system properties, {@code AWS_ACCESS_KEY_ID}..., profile files,
 *       container (ECS/EKS Pod Identity) and instance (IMDS) credentials.</li>
 * </ol>
 */
public final class S3Clients {

    /** How long to wait for a TCP connection to the endpoint. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Longest silence on an open connection (one part in flight). */
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);
    /** Region used with an endpoint override when none is configured (S3-compatible services rarely care). */
    static final Region DEFAULT_COMPATIBLE_REGION = Region.US_EAST_1;

    private S3Clients() {
    }

    /**
     * @param env the process environment (web identity variables; static keys are resolved by the caller)
     * @throws IllegalArgumentException naming the setting when no region can be found
     */
    public static S3Sink sink(Settings settings, ProxyConfig proxy, Map<String, String> env) {
        Region region = region(settings);
        URI endpoint = settings.endpoint().orElseGet(() -> awsEndpoint(settings, region));
        Credentials credentials = credentials(settings, region, proxy, env);
        S3ClientBuilder builder = S3Client.builder()
                .region(region)
                .credentialsProvider(credentials.provider())
                .forcePathStyle(settings.pathStyle())
                .httpClientBuilder(http(proxy, endpoint));
        settings.endpoint().ifPresent(builder::endpointOverride);
        String description = "s3://" + settings.bucket() + (settings.prefix().isEmpty() ? "" : "/"
                + FileNames.normalisePrefix(settings.prefix(), "S3 prefix"))
                + " (" + settings.endpoint().map(e -> "endpoint " + e + ", ").orElse("") + "region " + region.id()
                + (settings.pathStyle() ? ", path-style" : "") + ", credentials: " + credentials.description()
                + ", encryption: " + settings.encryption().text() + ")";
        return new S3Sink(builder.build(), settings.bucket(), settings.prefix(), settings.encryption(),
                settings.partBytes(), description, credentials.owned());
    }

    private static Region region(Settings settings) {
        if (settings.region().isPresent()) {
            return Region.of(settings.region().get());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            if (settings.endpoint().isPresent()) {
                return DEFAULT_COMPATIBLE_REGION;
            }
            throw new IllegalArgumentException("the S3 sink for bucket '" + settings.bucket() + "' has no region:"
                    + " set its region (e.g. eu-west-1), or AWS_REGION");
        }
    }

    /** Where requests go without an override: for the proxy decision only (the SDK resolves the real one). */
    private static URI awsEndpoint(Settings settings, Region region) {
        String host = "s3." + region.id() + ".amazonaws.com";
        return URI.create("https://" + (settings.pathStyle() ? host : settings.bucket() + "." + host));
    }

    /** An HTTP client that goes through the proxy only where the worker's proxy settings say so, never by itself. */
    static Apache5HttpClient.Builder http(ProxyConfig proxies, URI endpoint) {
        ProxyConfiguration.Builder proxy = ProxyConfiguration.builder()
                .useSystemPropertyValues(false)
                .useEnvironmentVariableValues(false);
        Optional<ProxyServer> server = proxies.route(endpoint).proxy();
        server.ifPresent(p -> {
            proxy.endpoint(URI.create("http://" + p.host() + ":" + p.port()));
            p.user().ifPresent(proxy::username);
            p.password().ifPresent(proxy::password);
        });
        return Apache5HttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT)
                .socketTimeout(SOCKET_TIMEOUT)
                .proxyConfiguration(proxy.build());
    }

    /** @param owned what was built for the provider and the S3 client does not close: the sink closes it */
    private record Credentials(AwsCredentialsProvider provider, String description, List<AutoCloseable> owned) {
        Credentials(AwsCredentialsProvider provider, String description) {
            this(provider, description, provider instanceof AutoCloseable c ? List.of(c) : List.of());
        }
    }

    private static Credentials credentials(Settings settings, Region region, ProxyConfig proxy,
                                           Map<String, String> env) {
        if (settings.staticKeys().isPresent()) {
            StaticKeys k = settings.staticKeys().get();
            AwsCredentials c = k.sessionToken().isPresent()
                    ? AwsSessionCredentials.create(k.accessKeyId(), k.secretAccessKey(), k.sessionToken().get())
                    : AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey());
            return new Credentials(StaticCredentialsProvider.create(c), "static keys from " + k.source());
        }
        String roleArn = env.get("AWS_ROLE_ARN");
        String tokenFile = env.get("AWS_WEB_IDENTITY_TOKEN_FILE");
        if (roleArn != null && !roleArn.isBlank() && tokenFile != null && !tokenFile.isBlank()) {
            StsClient sts = StsClient.builder()
                    .region(region)
                    .credentialsProvider(AnonymousCredentialsProvider.create())
                    .httpClientBuilder(http(proxy, URI.create("https://sts." + region.id() + ".amazonaws.com")))
                    .build();
            String session = Optional.ofNullable(env.get("AWS_ROLE_SESSION_NAME")).filter(s -> !s.isBlank())
                    .orElse("pbi-export-worker");
            StsWebIdentityTokenFileCredentialsProvider provider = StsWebIdentityTokenFileCredentialsProvider.builder()
                    .stsClient(sts)
                    .roleArn(roleArn)
                    .webIdentityTokenFile(Path.of(tokenFile))
                    .roleSessionName(session)
                    .build();
            // the provider stops its refresher on close but leaves the STS client it was given open
            return new Credentials(provider, "web identity as " + roleArn, List.of(provider, sts));
        }
        return new Credentials(DefaultCredentialsProvider.builder().build(), "the SDK's default chain");
    }

    /**
     * Static keys, already read from the environment. {@link #toString()} shows neither key.
     *
     * @param source where they came from, for messages (e.g. {@code $S3_KEY_ID / $S3_SECRET}), never a value
     */
    public record StaticKeys(String accessKeyId, String secretAccessKey, Optional<String> sessionToken,
                             String source) {
        public StaticKeys {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(secretAccessKey, "secretAccessKey");
            Objects.requireNonNull(sessionToken, "sessionToken");
            Objects.requireNonNull(source, "source");
            if (accessKeyId.isBlank() || secretAccessKey.isBlank()) {
                throw new IllegalArgumentException("the S3 access key id and secret from " + source
                        + " must not be empty");
            }
        }

        @Override
        public String toString() {
            return "StaticKeys[accessKeyId=(redacted), secretAccessKey=(redacted), sessionToken="
                    + sessionToken.map(t -> "(redacted)").orElse("<none>") + ", source=" + source + "]";
        }
    }

    /**
     * What an {@link S3Sink} needs.
     *
     * @param bucket     bucket name
     * @param prefix     key prefix, {@code ""} for none
     * @param region     signing region; absent: the SDK's region chain ({@code AWS_REGION}, profile, instance
     *                   metadata), or us-east-1 with an endpoint override
     * @param endpoint   an S3-compatible service's URL instead of AWS's
     * @param pathStyle  {@code https://host/bucket/key} instead of {@code https://bucket.host/key}
     * @param staticKeys keys from the environment; absent: web identity or the SDK's default chain
     * @param encryption server-side encryption to request
     * @param partBytes  part size and single-PUT threshold
     */
    public record Settings(String bucket, String prefix, Optional<String> region, Optional<URI> endpoint,
                           boolean pathStyle, Optional<StaticKeys> staticKeys, S3Sink.Encryption encryption,
                           long partBytes) {
        public Settings {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(staticKeys, "staticKeys");
            Objects.requireNonNull(encryption, "encryption");
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new IllegalArgumentException("bucket must be 3-63 lower-case letters, digits, dots and"
                        + " hyphens, starting and ending with a letter or digit, was '" + bucket + "'");
            }
        }

        /** AWS defaults: region from the SDK chain, virtual-hosted style, no SSE header, 8 MiB parts. */
        public static Settings of(String bucket, String prefix) {
            return new Settings(bucket, prefix, Optional.empty(), Optional.empty(), false, Optional.empty(),
                    S3Sink.Encryption.NONE, S3Sink.DEFAULT_PART_BYTES);
        }
    }
}
