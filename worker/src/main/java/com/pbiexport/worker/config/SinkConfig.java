package com.pbiexport.worker.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Where finished files are stored. */
public sealed interface SinkConfig permits SinkConfig.Filesystem, SinkConfig.AzureBlob, SinkConfig.Sftp,
        SinkConfig.S3, SinkConfig.Email {

    /** Short kind name: {@code filesystem}, {@code azureBlob}, {@code sftp}, {@code s3} or {@code email}. */
    String kind();

    /** A directory; files are written atomically below it and never outside it. */
    record Filesystem(Path root) implements SinkConfig {
        public Filesystem {
            Objects.requireNonNull(root, "root");
        }

        @Override
        public String kind() {
            return "filesystem";
        }
    }

    /**
     * An Azure Blob Storage container. The connection string comes from an environment variable (preferred)
     * or inline (development, e.g. Azurite's well-known development key).
     *
     * @param prefix         blob name prefix, e.g. {@code exports/}; may be empty
     * @param serviceVersion pins the storage service API version (Azurite may lag behind the SDK)
     */
    record AzureBlob(Optional<String> connectionString, Optional<String> connectionStringEnv, String container,
                     String prefix, Optional<String> serviceVersion) implements SinkConfig {
        public AzureBlob {
            Objects.requireNonNull(connectionString, "connectionString");
            Objects.requireNonNull(connectionStringEnv, "connectionStringEnv");
            Objects.requireNonNull(container, "container");
            prefix = prefix == null ? "" : prefix;
            Objects.requireNonNull(serviceVersion, "serviceVersion");
        }

        @Override
        public String kind() {
            return "azureBlob";
        }

        /** Never prints the connection string (it carries the account key). */
        @Override
        public String toString() {
            return "AzureBlob[connectionString=" + connectionString.map(v -> "***").orElse("<none>")
                    + ", connectionStringEnv=" + connectionStringEnv.orElse("<none>") + ", container=" + container
                    + ", prefix=" + prefix + ", serviceVersion=" + serviceVersion.orElse("<default>") + "]";
        }
    }

    /**
     * An SFTP server. Exactly one of {@code passwordEnv}, {@code passwordFile}, {@code privateKeyFile}; the
     * secrets themselves are read by the composition root, never held here.
     *
     * @param directory      absolute, or relative to the login directory; {@code ""} for the login directory
     * @param knownHostsFile required unless {@code insecureAcceptAnyHostKey}
     */
    record Sftp(String host, int port, String username, String directory, Optional<String> passwordEnv,
                Optional<Path> passwordFile, Optional<Path> privateKeyFile, Optional<String> privateKeyPassphraseEnv,
                Optional<Path> knownHostsFile, boolean insecureAcceptAnyHostKey, Duration timeout,
                int maxConnections) implements SinkConfig {
        public static final int DEFAULT_PORT = 22;
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
        public static final int DEFAULT_MAX_CONNECTIONS = 4;

        public Sftp {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(username, "username");
            directory = directory == null ? "" : directory;
            Objects.requireNonNull(passwordEnv, "passwordEnv");
            Objects.requireNonNull(passwordFile, "passwordFile");
            Objects.requireNonNull(privateKeyFile, "privateKeyFile");
            Objects.requireNonNull(privateKeyPassphraseEnv, "privateKeyPassphraseEnv");
            Objects.requireNonNull(knownHostsFile, "knownHostsFile");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public String kind() {
            return "sftp";
        }
    }

    /**
     * An S3 bucket, on AWS or an S3-compatible service. Static keys come from environment variables; without them
     * the worker uses web identity ({@code AWS_ROLE_ARN} + {@code AWS_WEB_IDENTITY_TOKEN_FILE}) or the SDK's
     * default chain (profile, container and instance credentials).
     *
     * @param region               signing region; absent: {@code AWS_REGION} / the SDK's chain
     * @param endpoint             an S3-compatible service instead of AWS
     * @param pathStyle            bucket in the path rather than the host name
     * @param serverSideEncryption {@code none}, {@code AES256} or {@code aws:kms}
     * @param kmsKeyId             the KMS key for {@code aws:kms} (absent: the account's default key)
     * @param partSize             multipart part size and single-PUT threshold, in bytes
     */
    record S3(String bucket, String prefix, Optional<String> region, Optional<URI> endpoint, boolean pathStyle,
              Optional<String> accessKeyIdEnv, Optional<String> secretAccessKeyEnv, Optional<String> sessionTokenEnv,
              String serverSideEncryption, Optional<String> kmsKeyId, long partSize) implements SinkConfig {
        /** Part size when none is configured: 8 MiB. */
        public static final long DEFAULT_PART_SIZE = 8L * 1024 * 1024;
        /** Encryption when none is configured: the bucket's default. */
        public static final String DEFAULT_ENCRYPTION = "none";

        public S3 {
            Objects.requireNonNull(bucket, "bucket");
            prefix = prefix == null ? "" : prefix;
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(accessKeyIdEnv, "accessKeyIdEnv");
            Objects.requireNonNull(secretAccessKeyEnv, "secretAccessKeyEnv");
            Objects.requireNonNull(sessionTokenEnv, "sessionTokenEnv");
            Objects.requireNonNull(serverSideEncryption, "serverSideEncryption");
            Objects.requireNonNull(kmsKeyId, "kmsKeyId");
        }

        @Override
        public String kind() {
            return "s3";
        }
    }

    /**
     * An SMTP server that mails each file to fixed recipients. The password is read by the composition root from
     * {@code passwordEnv} or {@code passwordFile}, never held here.
     *
     * @param security   {@code starttls}, {@code tls} or {@code none}
     * @param linkSink   alias of the sink that stores files above {@code attachmentMaxBytes}
     * @param spoolDirectory empty: {@code java.io.tmpdir}
     */
    record Email(String host, int port, String security, Optional<String> username, Optional<String> passwordEnv,
                 Optional<Path> passwordFile, String from, List<String> to, List<String> cc, String subject,
                 long attachmentMaxBytes, Optional<String> linkSink, Optional<Path> trustStore,
                 Duration connectTimeout, Duration timeout, Optional<Path> spoolDirectory) implements SinkConfig {
        public static final int DEFAULT_PORT = 587;
        /** Attachment limit when none is configured: 25 MiB (issue 16's figure for Power BI subscription e-mail). */
        public static final long DEFAULT_ATTACHMENT_MAX_BYTES = 25L * 1024 * 1024;
        public static final String DEFAULT_SUBJECT = "Power BI export: {fileName}";
        public static final String DEFAULT_SECURITY = "starttls";
        public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

        public Email {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(security, "security");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(passwordEnv, "passwordEnv");
            Objects.requireNonNull(passwordFile, "passwordFile");
            Objects.requireNonNull(from, "from");
            to = List.copyOf(to);
            cc = List.copyOf(cc);
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(linkSink, "linkSink");
            Objects.requireNonNull(trustStore, "trustStore");
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(spoolDirectory, "spoolDirectory");
        }

        @Override
        public String kind() {
            return "email";
        }
    }
}
