package com.pbiexport.worker.app;

import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.net.ProxyConfig;
import com.pbiexport.worker.storage.AzureBlobSink;
import com.pbiexport.worker.storage.FileSink;
import com.pbiexport.worker.storage.FilesystemSink;

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
}
