package com.pbiexport.worker.config;

import static com.pbiexport.worker.config.ValueType.BOOLEAN;
import static com.pbiexport.worker.config.ValueType.BYTES;
import static com.pbiexport.worker.config.ValueType.DURATION;
import static com.pbiexport.worker.config.ValueType.INT;
import static com.pbiexport.worker.config.ValueType.PATH;
import static com.pbiexport.worker.config.ValueType.STRING;
import static com.pbiexport.worker.config.ValueType.URL;

import java.util.List;

/**
 * The sink part of the settings catalogue ({@code sinks.*}), in documentation order; {@link Settings} places it
 * between the tenants and the limits. Apart so that each kind of sink can add its settings without the catalogue
 * growing past one readable file.
 */
final class SinkSettings {

    private static final String SINK = "sinks.targets." + Setting.ALIAS + ".";

    private static final List<Setting> ALL = List.of(
            Setting.of("sinks.defaultSink", STRING).defaultText("(the only sink, if there is one)")
                    .doc("Alias of the sink used when a request names none.").build(),
            Setting.of(SINK + "filesystem.root", PATH).required()
                    .doc("Filesystem sink: directory the files are written below (atomically, never outside).")
                    .build(),
            Setting.of(SINK + "azureBlob.connectionStringEnv", STRING).check(Check.envName())
                    .doc("Azure Blob sink: connection string from this environment variable.").build(),
            Setting.of(SINK + "azureBlob.connectionString", STRING).sensitive()
                    .doc("Azure Blob sink: connection string inline (development, e.g. Azurite). Start-up warns.")
                    .build(),
            Setting.of(SINK + "azureBlob.container", STRING).required().check(Check.notBlank())
                    .doc("Azure Blob sink: container name.").build(),
            Setting.of(SINK + "azureBlob.prefix", STRING).defaultValue("", "(empty)")
                    .doc("Azure Blob sink: blob name prefix, e.g. `exports/`.").build(),
            Setting.of(SINK + "azureBlob.serviceVersion", STRING).defaultText("(SDK default)")
                    .doc("Azure Blob sink: pins the storage service version (Azurite may lag the SDK).").build(),
            Setting.of(SINK + "sftp.host", STRING).required().check(Check.notBlank())
                    .doc("SFTP sink: server host name or address.").build(),
            Setting.of(SINK + "sftp.port", INT).defaultValue(SinkConfig.Sftp.DEFAULT_PORT)
                    .check(Check.between(1, 65535))
                    .doc("SFTP sink: server port.").build(),
            Setting.of(SINK + "sftp.username", STRING).required().check(Check.notBlank())
                    .doc("SFTP sink: login name.").build(),
            Setting.of(SINK + "sftp.directory", STRING).defaultValue("", "(login directory)")
                    .doc("SFTP sink: directory files go below, absolute (`/upload`) or relative to the login "
                            + "directory; created when missing.").build(),
            Setting.of(SINK + "sftp.passwordEnv", STRING).check(Check.envName())
                    .doc("SFTP sink: password from this environment variable (one of `passwordEnv`, "
                            + "`passwordFile`, `privateKeyFile`).").build(),
            Setting.of(SINK + "sftp.passwordFile", PATH)
                    .doc("SFTP sink: password from this file (trailing newline ignored).").build(),
            Setting.of(SINK + "sftp.privateKeyFile", PATH)
                    .doc("SFTP sink: OpenSSH or PEM private key file for public-key login.").build(),
            Setting.of(SINK + "sftp.privateKeyPassphraseEnv", STRING).check(Check.envName())
                    .doc("SFTP sink: passphrase of an encrypted `privateKeyFile`, from this environment variable.")
                    .build(),
            Setting.of(SINK + "sftp.knownHostsFile", PATH)
                    .doc("SFTP sink: OpenSSH `known_hosts` file that must list the server's host key (e.g. from "
                            + "`ssh-keyscan -p <port> <host>`, fingerprint checked). Required unless "
                            + "`insecureAcceptAnyHostKey`.").build(),
            Setting.of(SINK + "sftp.insecureAcceptAnyHostKey", BOOLEAN).defaultValue(false)
                    .doc("SFTP sink: INSECURE, accept any host key (anyone on the path can read and alter the files);"
                            + " tests only. Start-up warns.").build(),
            Setting.of(SINK + "sftp.timeout", DURATION).defaultValue(SinkConfig.Sftp.DEFAULT_TIMEOUT)
                    .check(Check.positiveDuration())
                    .doc("SFTP sink: bound on connecting, logging in and each SFTP request.").build(),
            Setting.of(SINK + "sftp.maxConnections", INT).defaultValue(SinkConfig.Sftp.DEFAULT_MAX_CONNECTIONS)
                    .check(Check.atLeast(1))
                    .doc("SFTP sink: SSH connections open at once; more stores wait for one.").build(),
            Setting.of(SINK + "s3.bucket", STRING).required().check(Check.notBlank())
                    .doc("S3 sink: bucket name (AWS or an S3-compatible service).").build(),
            Setting.of(SINK + "s3.prefix", STRING).defaultValue("", "(empty)")
                    .doc("S3 sink: key prefix, e.g. `exports/`.").build(),
            Setting.of(SINK + "s3.region", STRING).defaultText("(AWS_REGION or the SDK's region chain)")
                    .doc("S3 sink: the bucket's region, e.g. `eu-west-1`; with `endpoint` and no region, "
                            + "`us-east-1`.").build(),
            Setting.of(SINK + "s3.endpoint", URL).defaultText("(AWS)")
                    .doc("S3 sink: an S3-compatible service's URL (MinIO, Ceph, s3proxy...). https unless "
                            + "loopback.").build(),
            Setting.of(SINK + "s3.pathStyle", BOOLEAN).defaultValue(false)
                    .doc("S3 sink: `host/bucket/key` instead of `bucket.host/key` (most S3-compatible services)."
                    ).build(),
            Setting.of(SINK + "s3.accessKeyIdEnv", STRING).check(Check.envName())
                    .doc("S3 sink: static access key id from this environment variable (with "
                            + "`secretAccessKeyEnv`). Unset: web identity (`AWS_ROLE_ARN` + "
                            + "`AWS_WEB_IDENTITY_TOKEN_FILE`, e.g. IRSA), else the SDK's default chain (profile, "
                            + "container, instance role).").build(),
            Setting.of(SINK + "s3.secretAccessKeyEnv", STRING).check(Check.envName())
                    .doc("S3 sink: static secret access key from this environment variable.").build(),
            Setting.of(SINK + "s3.sessionTokenEnv", STRING).check(Check.envName())
                    .doc("S3 sink: session token of temporary static keys from this environment variable.").build(),
            Setting.of(SINK + "s3.serverSideEncryption", STRING).defaultValue(SinkConfig.S3.DEFAULT_ENCRYPTION)
                    .check(Check.oneOf(List.of("none", "aes256", "aws:kms")))
                    .doc("S3 sink: `none` (the bucket's default), `AES256` (SSE-S3) or `aws:kms` (SSE-KMS).").build(),
            Setting.of(SINK + "s3.kmsKeyId", STRING)
                    .doc("S3 sink: KMS key id or ARN for `aws:kms` (unset: the account's `aws/s3` key).").build(),
            Setting.of(SINK + "s3.partSize", BYTES).defaultValue(SinkConfig.S3.DEFAULT_PART_SIZE, "8MiB")
                    .check(Check.between(5L * 1024 * 1024, 512L * 1024 * 1024))
                    .doc("S3 sink: multipart part size and single-PUT threshold (5 MiB to 512 MiB). Memory: about "
                            + "one part per store in progress.").build(),
            Setting.of(SINK + "email.host", STRING).required().check(Check.notBlank())
                    .doc("E-mail sink: SMTP server host name or address.").build(),
            Setting.of(SINK + "email.port", INT).defaultValue(SinkConfig.Email.DEFAULT_PORT)
                    .check(Check.between(1, 65535))
                    .doc("E-mail sink: SMTP port (587 submission with STARTTLS, 465 with `security: tls`).").build(),
            Setting.of(SINK + "email.security", STRING).defaultValue(SinkConfig.Email.DEFAULT_SECURITY)
                    .check(Check.oneOf(List.of("starttls", "tls", "none")))
                    .doc("E-mail sink: `starttls` (the server must offer STARTTLS; never falls back to clear), `tls` "
                            + "(TLS from the first byte) or `none` (INSECURE: password and files in clear; start-up "
                            + "warns). The certificate must chain to a trusted CA and name the host.").build(),
            Setting.of(SINK + "email.username", STRING)
                    .doc("E-mail sink: SMTP AUTH login; unset: no login (a relay that trusts the worker's address)."
                    ).build(),
            Setting.of(SINK + "email.passwordEnv", STRING).check(Check.envName())
                    .doc("E-mail sink: password from this environment variable (with `username`; or "
                            + "`passwordFile`).").build(),
            Setting.of(SINK + "email.passwordFile", PATH)
                    .doc("E-mail sink: password from this file (trailing newline ignored).").build(),
            Setting.of(SINK + "email.from", STRING).required().check(Check.notBlank())
                    .doc("E-mail sink: sender address (From and envelope sender), one the login may send as.")
                    .build(),
            Setting.of(SINK + "email.to", STRING).required().check(Check.notBlank())
                    .doc("E-mail sink: recipients, comma-separated; every file goes to all of them.").build(),
            Setting.of(SINK + "email.cc", STRING).defaultValue("", "(none)")
                    .doc("E-mail sink: copy recipients, comma-separated.").build(),
            Setting.of(SINK + "email.subject", STRING).defaultValue(SinkConfig.Email.DEFAULT_SUBJECT)
                    .check(Check.notBlank())
                    .doc("E-mail sink: subject; `{fileName}`, `{requestId}` and `{tenant}` are replaced.").build(),
            Setting.of(SINK + "email.attachmentMaxBytes", BYTES)
                    .defaultValue(SinkConfig.Email.DEFAULT_ATTACHMENT_MAX_BYTES, "25MiB").check(Check.atLeast(1))
                    .doc("E-mail sink: largest file sent as an attachment (default: the 25 MB that issue 16 gives "
                            + "for Power BI subscription e-mail). A larger file goes to `linkSink` and the mail "
                            + "carries its link; without one it fails as `STORAGE_TOO_LARGE`. Base64 makes the message "
                            + "about 4/3 of the file: keep it under the server's limit (`doctor` compares with EHLO "
                            + "SIZE).").build(),
            Setting.of(SINK + "email.linkSink", STRING)
                    .doc("E-mail sink: alias of another (non e-mail) sink that stores files above "
                            + "`attachmentMaxBytes`; the mail then carries that sink's URI.").build(),
            Setting.of(SINK + "email.trustStore", PATH).defaultText("(the JVM's trusted CAs)")
                    .doc("E-mail sink: PEM file of the CA certificates the server's certificate must chain to.")
                    .build(),
            Setting.of(SINK + "email.connectTimeout", DURATION).defaultValue(SinkConfig.Email.DEFAULT_CONNECT_TIMEOUT)
                    .check(Check.positiveDuration())
                    .doc("E-mail sink: bound on connecting (TCP and TLS).").build(),
            Setting.of(SINK + "email.timeout", DURATION).defaultValue(SinkConfig.Email.DEFAULT_TIMEOUT)
                    .check(Check.positiveDuration())
                    .doc("E-mail sink: bound on each read and write of the SMTP conversation.").build(),
            Setting.of(SINK + "email.spoolDirectory", PATH).defaultText("(java.io.tmpdir)")
                    .doc("E-mail sink: where a file is spooled (size and SHA-256 known before sending); deleted "
                            + "after each send. Needs room for the files being sent at once.").build());

    private SinkSettings() {
    }

    static List<Setting> all() {
        return ALL;
    }
}
