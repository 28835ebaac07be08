package com.pbiexport.worker.app;

import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.net.ProxyConfig;
import com.pbiexport.worker.storage.AzureBlobSink;
import com.pbiexport.worker.storage.EmailSettings;
import com.pbiexport.worker.storage.EmailSink;
import com.pbiexport.worker.storage.FileSink;
import com.pbiexport.worker.storage.FilesystemSink;
import com.pbiexport.worker.storage.SftpSettings;
import com.pbiexport.worker.storage.SftpSink;
import com.pbiexport.worker.storage.S3Clients;
import com.pbiexport.worker.storage.S3Sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the configured sinks ({@code sinks.targets}) by alias, in configuration order. The caller closes them
 * ({@link FileSink#close()}).
 */
final class FileSinks {
    /** What the sinks are built for. */
    enum Use {
        /** The worker: a missing blob container is created (at start-up's readiness check or on first store). */
        WORKER,
        /** The doctor: only looks; a missing blob container is reported, never created. */
        CHECK_ONLY
    }

    private FileSinks() {
    }

    static Map<String, FileSink> build(Map<String, SinkConfig> targets, Map<String, String> env, ProxyConfig proxy,
                                       Use use) {
        Map<String, FileSink> sinks = new LinkedHashMap<>();
        targets.forEach((alias, s) -> {
            if (!(s instanceof SinkConfig.Email)) {
                sinks.put(alias, sink(s, env, proxy, use));
            }
        });
        // e-mail sinks last: they hand large files to another sink (config checked it is not an e-mail sink)
        Map<String, FileSink> ordered = new LinkedHashMap<>();
        targets.forEach((alias, s) -> ordered.put(alias, s instanceof SinkConfig.Email e
                ? email(e, env, e.linkSink().map(sinks::get)) : sinks.get(alias)));
        return ordered;
    }

    private static FileSink sink(SinkConfig s, Map<String, String> env, ProxyConfig proxy, Use use) {
        if (s instanceof SinkConfig.Filesystem f) {
            return new FilesystemSink(f.root());
        }
        if (s instanceof SinkConfig.Sftp f) {
            return new SftpSink(sftpSettings(f, env));
        }
        if (s instanceof SinkConfig.S3 s3) {
            return s3(s3, env, proxy);
        }
        SinkConfig.AzureBlob b = (SinkConfig.AzureBlob) s;
        String cs = b.connectionString().or(() -> b.connectionStringEnv().map(env::get)).orElseThrow(() ->
                new IllegalArgumentException("sink " + b.container() + ": no connection string (set connectionString"
                        + " or connectionStringEnv)"));
        AzureBlobSink.Settings settings = AzureBlobSink.Settings.of(cs, b.container(), b.prefix())
                .withCreateContainerIfMissing(use == Use.WORKER);
        if (b.serviceVersion().isPresent()) {
            settings = settings.withServiceVersion(AzureBlobSink.parseServiceVersion(b.serviceVersion().get()));
        }
        return AzureBlobSink.fromConnectionString(settings, proxy);
    }

    /** Reads the secret where the configuration points; messages name the source, never the value. */
    private static SftpSettings sftpSettings(SinkConfig.Sftp f, Map<String, String> env) {
        SftpSettings.Auth auth;
        if (f.privateKeyFile().isPresent()) {
            auth = new SftpSettings.PrivateKey(f.privateKeyFile().get(), f.privateKeyPassphraseEnv().map(env::get));
        } else if (f.passwordFile().isPresent()) {
            auth = new SftpSettings.Password(readSecret(f.passwordFile().get(), "SFTP sink " + f.host(),
                    "sftp.passwordFile"));
        } else {
            String name = f.passwordEnv().orElseThrow();
            String pw = env.get(name);
            if (pw == null || pw.isEmpty()) {
                throw new IllegalArgumentException("SFTP sink " + f.host() + ": environment variable " + name
                        + " (sftp.passwordEnv) is not set");
            }
            auth = new SftpSettings.Password(pw);
        }
        return new SftpSettings(f.host(), f.port(), f.username(), f.directory(), auth, f.knownHostsFile(),
                f.insecureAcceptAnyHostKey(), f.timeout(), f.maxConnections());
    }

    private static String readSecret(Path file, String sink, String setting) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).replaceAll("[\r\n]+$", "");
        } catch (IOException e) {
            throw new IllegalArgumentException(sink + ": cannot read " + setting + " " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** Reads the password where the configuration points; messages name the source, never the value. */
    private static FileSink email(SinkConfig.Email e, Map<String, String> env, Optional<FileSink> linkSink) {
        String sink = "E-mail sink " + e.host();
        Optional<String> password = e.passwordFile().map(f -> readSecret(f, sink, "email.passwordFile"))
                .or(() -> e.passwordEnv().map(name -> {
                    String pw = env.get(name);
                    if (pw == null || pw.isEmpty()) {
                        throw new IllegalArgumentException(sink + ": environment variable " + name
                                + " (email.passwordEnv) is not set");
                    }
                    return pw;
                }));
        EmailSettings settings = new EmailSettings(e.host(), e.port(), EmailSettings.Security.of(e.security()),
                e.username(), password, e.from(), e.to(), e.cc(), e.subject(), e.attachmentMaxBytes(), e.trustStore(),
                e.connectTimeout(), e.timeout(),
                e.spoolDirectory().orElse(Path.of(System.getProperty("java.io.tmpdir"))));
        return new EmailSink(settings, linkSink, Clock.systemUTC());
    }

    private static FileSink s3(SinkConfig.S3 c, Map<String, String> env, ProxyConfig proxy) {
        Optional<S3Clients.StaticKeys> keys = c.accessKeyIdEnv().map(idEnv -> {
            String secretEnv = c.secretAccessKeyEnv().orElseThrow();
            return new S3Clients.StaticKeys(env.getOrDefault(idEnv, ""), env.getOrDefault(secretEnv, ""),
                    c.sessionTokenEnv().map(t -> env.getOrDefault(t, "")).filter(t -> !t.isEmpty()),
                    "$" + idEnv + " / $" + secretEnv);
        });
        return S3Clients.sink(new S3Clients.Settings(c.bucket(), c.prefix(), c.region(), c.endpoint(), c.pathStyle(),
                keys, S3Sink.Encryption.of(c.serverSideEncryption(), c.kmsKeyId()), c.partSize()), proxy, env);
    }
}
