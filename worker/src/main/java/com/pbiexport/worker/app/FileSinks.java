package com.pbiexport.worker.app;

import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.net.ProxyConfig;
import com.pbiexport.worker.storage.AzureBlobSink;
import com.pbiexport.worker.storage.FileSink;
import com.pbiexport.worker.storage.FilesystemSink;
import com.pbiexport.worker.storage.SftpSettings;
import com.pbiexport.worker.storage.SftpSink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the configured sinks ({@code sinks.targets}) by alias, in configuration order. */
final class FileSinks {
    private FileSinks() {
    }

    static Map<String, FileSink> build(Map<String, SinkConfig> targets, Map<String, String> env, ProxyConfig proxy) {
        Map<String, FileSink> sinks = new LinkedHashMap<>();
        targets.forEach((alias, s) -> sinks.put(alias, sink(s, env, proxy)));
        return sinks;
    }

    private static FileSink sink(SinkConfig s, Map<String, String> env, ProxyConfig proxy) {
        if (s instanceof SinkConfig.Filesystem f) {
            return new FilesystemSink(f.root());
        }
        if (s instanceof SinkConfig.Sftp f) {
            return new SftpSink(sftpSettings(f, env));
        }
        SinkConfig.AzureBlob b = (SinkConfig.AzureBlob) s;
        String cs = b.connectionString().or(() -> b.connectionStringEnv().map(env::get)).orElseThrow(() ->
                new IllegalArgumentException("sink " + b.container() + ": no connection string (set connectionString"
                        + " or connectionStringEnv)"));
        AzureBlobSink.Settings settings = AzureBlobSink.Settings.of(cs, b.container(), b.prefix())
                .withCreateContainerIfMissing(true);
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
            auth = new SftpSettings.Password(readSecret(f.passwordFile().get(), f.host()));
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

    private static String readSecret(Path file, String host) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).replaceAll("[\r\n]+$", "");
        } catch (IOException e) {
            throw new IllegalArgumentException("SFTP sink " + host + ": cannot read sftp.passwordFile " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
