package com.pbiexport.worker.it.process;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.worker.config.CredentialConfig;
import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.config.WorkerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a {@link WorkerConfig} as the JSON file {@code ConfigLoader} reads (docs/CONFIGURATION.md), so a worker
 * in a separate JVM runs with exactly the configuration the in-process tests build with {@code DemoStack}.
 * Settings the record does not (yet) carry, e.g. {@code delivery.mode}, are added as dotted paths.
 */
public final class ConfigFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ConfigFile() {
    }

    /** Writes {@code config} plus {@code extra} (dotted path to value) to {@code file}; returns the file. */
    public static Path write(WorkerConfig config, Map<String, Object> extra, Path file) {
        ObjectNode root = tree(config);
        extra.forEach((path, value) -> put(root, path, value));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            JSON.writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the worker config " + file, e);
        }
        return file;
    }

    static ObjectNode tree(WorkerConfig c) {
        ObjectNode root = JSON.createObjectNode();
        root.put("instanceId", c.instanceId());
        ObjectNode kafka = root.putObject("kafka");
        kafka.put("bootstrapServers", c.kafka().bootstrapServers());
        kafka.put("groupId", c.kafka().groupId());
        // Kafka property names contain dots: written as flat keys, which the loader passes through unchanged
        c.kafka().common().forEach(kafka.putObject("common")::put);
        c.kafka().consumer().forEach(kafka.putObject("consumer")::put);
        c.kafka().producer().forEach(kafka.putObject("producer")::put);
        ObjectNode topics = root.putObject("topics");
        topics.put("requests", c.topics().requests());
        topics.put("results", c.topics().results());
        topics.put("jobState", c.topics().jobState());
        topics.put("deadLetter", c.topics().deadLetter());
        ObjectNode tenants = root.putObject("tenants");
        c.tenants().forEach((alias, t) -> tenant(tenants.putObject(alias), t));
        ObjectNode sinks = root.putObject("sinks");
        sinks.put("defaultSink", c.sinks().defaultSink());
        ObjectNode targets = sinks.putObject("targets");
        c.sinks().targets().forEach((alias, s) -> sink(targets.putObject(alias), s));
        limits(root.putObject("limits"), c.limits());
        ObjectNode http = root.putObject("http");
        http.put("connectTimeout", c.http().connectTimeout().toString());
        http.put("responseTimeout", c.http().responseTimeout().toString());
        http.put("maxConnections", c.http().maxConnections());
        ObjectNode tokens = root.putObject("tokens");
        tokens.put("refreshAtFraction", c.tokens().refreshAtFraction());
        tokens.put("requestTimeout", c.tokens().requestTimeout().toString());
        tokens.put("minRefreshInterval", c.tokens().minRefreshInterval().toString());
        ObjectNode admin = root.putObject("admin");
        admin.put("bindAddress", c.admin().bindAddress());
        admin.put("port", c.admin().port());
        root.putObject("logging").put("json", c.logging().json());
        return root;
    }

    private static void tenant(ObjectNode n, TenantConfig t) {
        n.put("tenantId", t.tenantId());
        n.put("clientId", t.clientId());
        n.put("cloud", t.cloud().displayName());
        ObjectNode cred = n.putObject("credential");
        if (t.credential() instanceof CredentialConfig.Secret s) {
            ObjectNode secret = cred.putObject("secret");
            s.value().ifPresent(v -> secret.put("value", v));
            s.env().ifPresent(v -> secret.put("env", v));
            s.file().ifPresent(v -> secret.put("file", v.toString()));
        } else if (t.credential() instanceof CredentialConfig.Certificate c) {
            ObjectNode cert = cred.putObject("certificate");
            cert.put("pkcs12File", c.pkcs12File().toString());
            c.passwordEnv().ifPresent(v -> cert.put("passwordEnv", v));
            c.passwordFile().ifPresent(v -> cert.put("passwordFile", v.toString()));
        } else if (t.credential() instanceof CredentialConfig.AssertionFile a) {
            cred.putObject("assertionFile").put("file", a.file().toString());
        }
        t.scope().ifPresent(v -> n.put("scope", v));
        t.authorityUrl().ifPresent(v -> n.put("authorityUrl", v.toString()));
        t.powerBiApiUrl().ifPresent(v -> n.put("powerBiApiUrl", v.toString()));
        t.defaultProfileId().ifPresent(v -> n.put("defaultProfileId", v));
    }

    private static void sink(ObjectNode n, SinkConfig s) {
        if (s instanceof SinkConfig.Filesystem f) {
            n.putObject("filesystem").put("root", f.root().toAbsolutePath().toString());
        } else if (s instanceof SinkConfig.AzureBlob b) {
            ObjectNode blob = n.putObject("azureBlob");
            b.connectionString().ifPresent(v -> blob.put("connectionString", v));
            b.connectionStringEnv().ifPresent(v -> blob.put("connectionStringEnv", v));
            blob.put("container", b.container());
            blob.put("prefix", b.prefix());
            b.serviceVersion().ifPresent(v -> blob.put("serviceVersion", v));
        }
    }

    private static void limits(ObjectNode n, Limits l) {
        n.put("maxInFlight", l.maxInFlight());
        n.put("maxFileBytes", Long.toString(l.maxFileBytes()));
        n.put("exportTimeout", l.exportTimeout().toString());
        n.put("pollFallbackInterval", l.pollFallbackInterval().toString());
        n.put("maxPollInterval", l.maxPollInterval().toString());
        n.put("busyRetries", l.busyRetries());
        n.put("startThrottleMaxWait", l.startThrottleMaxWait().toString());
        n.put("pollErrorBudget", l.pollErrorBudget());
        n.put("maxQueued", l.maxQueued());
        n.put("capacityInitialConcurrency", l.capacityInitialConcurrency());
        n.put("capacityMaxConcurrency", l.capacityMaxConcurrency());
        n.put("tenantRequestsPerSecond", l.tenantRequestsPerSecond());
        n.put("capacityLookupTtl", l.capacityLookupTtl().toString());
    }

    /** Sets {@code a.b.c} to {@code value}, creating the objects on the way. */
    private static void put(ObjectNode root, String path, Object value) {
        String[] parts = path.split("\\.");
        ObjectNode n = root;
        for (int i = 0; i < parts.length - 1; i++) {
            n = n.has(parts[i]) ? (ObjectNode) n.get(parts[i]) : n.putObject(parts[i]);
        }
        n.set(parts[parts.length - 1], JSON.valueToTree(value));
    }
}
