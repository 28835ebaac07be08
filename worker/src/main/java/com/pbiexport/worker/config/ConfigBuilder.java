package com.pbiexport.worker.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the configuration records from validated raw values and runs the checks that span several settings
 * (the second half of {@link ConfigLoader}: the loader reads, overrides and checks single values; this joins them).
 */
final class ConfigBuilder {
    private static final String T = "tenants.";
    private static final String CRED_KINDS = "secret, certificate or assertionFile";

    private final RawSettings raw;
    private final Map<String, String> env;

    ConfigBuilder(RawSettings raw, Map<String, String> env) {
        this.raw = raw;
        this.env = env;
    }

    WorkerConfig build() {
        String instanceId = this.<String>opt("instanceId").orElseGet(this::hostName);
        KafkaSettings kafka = kafka();
        Topics topics = new Topics(str("topics.requests"), str("topics.results"), str("topics.jobState"),
                str("topics.deadLetter"), (Boolean) value("topics.create"));
        Map<String, TenantConfig> tenants = tenants();
        Sinks sinks = new SinkTargets(this, raw).build();
        Limits limits = new Limits(num("limits.maxInFlight").intValue(), num("limits.maxFileBytes").longValue(),
                dur("limits.exportTimeout"), dur("limits.pollFallbackInterval"), dur("limits.maxPollInterval"),
                num("limits.busyRetries").intValue(), dur("limits.startThrottleMaxWait"),
                num("limits.pollErrorBudget").intValue(),
                Math.max(num("limits.maxQueued").intValue(), num("limits.maxInFlight").intValue()),
                num("limits.capacityInitialConcurrency").intValue(), num("limits.capacityMaxConcurrency").intValue(),
                num("limits.tenantRequestsPerSecond").doubleValue(), dur("limits.capacityLookupTtl"),
                (Boolean) value("limits.forecastPolls"));
        if (limits.pollFallbackInterval().compareTo(limits.maxPollInterval()) > 0) {
            raw.problems.add(label("limits.pollFallbackInterval") + " must not exceed "
                    + label("limits.maxPollInterval") + " (" + limits.maxPollInterval() + "), was "
                    + limits.pollFallbackInterval());
        }
        HttpSettings http = new HttpSettings(dur("http.connectTimeout"), dur("http.responseTimeout"),
                num("http.maxConnections").intValue(),
                str("http.proxy"));
        TokenSettings tokens = new TokenSettings(num("tokens.refreshAtFraction").doubleValue(),
                dur("tokens.requestTimeout"), dur("tokens.minRefreshInterval"));
        AdminSettings admin = new AdminSettings(str("admin.bindAddress"), num("admin.port").intValue());
        LoggingSettings logging = new LoggingSettings((Boolean) value("logging.json"));
        DeliverySettings delivery = delivery(kafka);
        IntakeSettings intake = new IntakeSettings(deadLetterBreaker(), num("intake.poisonAfterCrashes").intValue(),
                dur("shutdown.drainTimeout"));
        DiagnoseSettings diagnose = new DiagnoseSettings((Boolean) value("diagnose.adminApiProbe"));
        if (!raw.problems.isEmpty() || sinks == null) {
            return null;
        }
        return new WorkerConfig(instanceId, kafka, topics, tenants, sinks, limits, http, tokens, admin, logging,
                delivery, intake, diagnose);
    }

    private DeadLetterBreakerSettings deadLetterBreaker() {
        String b = "intake.deadLetterBreaker.";
        DeadLetterBreakerSettings s = new DeadLetterBreakerSettings((Boolean) value(b + "enabled"),
                num(b + "ratio").doubleValue(), num(b + "lastRecords").intValue(), num(b + "minRecords").intValue(),
                dur(b + "window"), dur(b + "coolDown"));
        if (s.minRecords() > s.lastRecords()) {
            raw.problems.add(label(b + "minRecords") + " must not exceed " + label(b + "lastRecords") + " ("
                    + s.lastRecords() + "), was " + s.minRecords());
        }
        return s;
    }

    /** The mode; exactly-once owns the producer's transactional id, so a configured one is a mistake. */
    private DeliverySettings delivery(KafkaSettings kafka) {
        DeliveryMode mode = DeliveryMode.parse(str("delivery.mode")).orElse(DeliverySettings.DEFAULT_MODE);
        for (String section : List.of("kafka.common", "kafka.producer")) {
            if (raw.properties(section).containsKey("transactional.id")) {
                raw.problems.add(section + ".transactional.id must not be set: the worker derives it from "
                        + label("kafka.groupId") + " and " + label("instanceId") + " when "
                        + label("delivery.mode") + " is exactly-once, and uses none when it is at-least-once");
            }
        }
        if (mode == DeliveryMode.EXACTLY_ONCE
                && "false".equalsIgnoreCase(kafka.producerProperties().get("enable.idempotence"))) {
            raw.problems.add("kafka.producer.enable.idempotence=false contradicts " + label("delivery.mode")
                    + " exactly-once (transactions need the idempotent producer)");
        }
        return new DeliverySettings(mode);
    }

    private KafkaSettings kafka() {
        Map<String, String> common = raw.properties("kafka.common");
        Map<String, String> consumer = raw.properties("kafka.consumer");
        Map<String, String> producer = raw.properties("kafka.producer");
        for (Map.Entry<String, Map<String, String>> e : Map.of("kafka.common", common, "kafka.consumer", consumer,
                "kafka.producer", producer).entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            if (e.getValue().containsKey("bootstrap.servers")) {
                raw.problems.add(e.getKey() + ".bootstrap.servers duplicates " + label("kafka.bootstrapServers")
                        + "; set that instead");
            }
            if (e.getValue().containsKey("group.id")) {
                raw.problems.add(e.getKey() + ".group.id duplicates " + label("kafka.groupId")
                        + "; set that instead");
            }
        }
        return new KafkaSettings(this.<String>opt("kafka.bootstrapServers").orElse(""), str("kafka.groupId"),
                common, consumer, producer);
    }

    private Map<String, TenantConfig> tenants() {
        Map<String, TenantConfig> out = new LinkedHashMap<>();
        List<String> aliases = raw.aliasesUnder("tenants");
        if (aliases.isEmpty()) {
            raw.problems.add("tenants must configure at least one tenant: tenants.<alias>.tenantId, clientId"
                    + " and credential");
        }
        for (String alias : aliases) {
            String p = T + alias;
            Optional<CredentialConfig> credential = credential(p + ".credential");
            Optional<URI> authority = url(p + ".authorityUrl");
            Optional<URI> api = url(p + ".powerBiApiUrl");
            CloudName cloud = (CloudName) valueOr(p + ".cloud", CloudName.PUBLIC);
            Optional<String> scope = opt(p + ".scope");
            scope.ifPresent(s -> checkScope(p + ".scope", s, cloud));
            Optional<String> tenantId = opt(p + ".tenantId");
            Optional<String> clientId = opt(p + ".clientId");
            if (tenantId.isPresent() && clientId.isPresent() && credential.isPresent()) {
                out.put(alias, new TenantConfig(tenantId.get(), clientId.get(), cloud, credential.get(), scope,
                        authority, api, opt(p + ".defaultProfileId")));
            }
        }
        return out;
    }

    private Optional<CredentialConfig> credential(String p) {
        List<String> kinds = present(p, "secret", "certificate", "assertionFile");
        if (!raw.sections.contains(p)) {
            raw.problems.add(p + " is required: set exactly one of " + CRED_KINDS);
            return Optional.empty();
        }
        if (kinds.size() != 1) {
            raw.problems.add(p + " must set exactly one of " + CRED_KINDS + "; found " + found(kinds));
            return Optional.empty();
        }
        switch (kinds.get(0)) {
            case "secret": {
                String s = p + ".secret";
                List<String> sources = presentValues(s, "env", "file", "value");
                if (sources.size() != 1) {
                    raw.problems.add(s + " must set exactly one of env, file or value; found " + found(sources));
                    return Optional.empty();
                }
                Optional<String> value = opt(s + ".value");
                Optional<String> envName = opt(s + ".env");
                value.ifPresent(v -> raw.warnings.add(s + ".value holds a client secret inline in the config"
                        + " file; use " + s + ".env or " + s + ".file outside development"));
                envName.ifPresent(n -> warnIfUnset(s + ".env", n));
                return Optional.of(new CredentialConfig.Secret(value, envName, opt(s + ".file")));
            }
            case "certificate": {
                String c = p + ".certificate";
                if (raw.has(c + ".passwordEnv") && raw.has(c + ".passwordFile")) {
                    raw.problems.add(c + " must set at most one of passwordEnv or passwordFile; found both");
                    return Optional.empty();
                }
                Optional<String> pwEnv = opt(c + ".passwordEnv");
                pwEnv.ifPresent(n -> warnIfUnset(c + ".passwordEnv", n));
                Optional<Path> file = opt(c + ".pkcs12File");
                return file.map(f -> new CredentialConfig.Certificate(f, pwEnv, opt(c + ".passwordFile")));
            }
            default: {
                Optional<Path> file = opt(p + ".assertionFile.file");
                return file.map(CredentialConfig.AssertionFile::new);
            }
        }
    }

    /** Only https may carry a bearer token or a secret off the machine; http is fine for loopback. */
    Optional<URI> url(String path) {
        Optional<URI> u = opt(path);
        u.ifPresent(uri -> {
            if (!"https".equalsIgnoreCase(uri.getScheme()) && !isLoopback(uri.getHost())) {
                raw.problems.add(path + " must use https (http is allowed only for loopback hosts such as"
                        + " 127.0.0.1), was '" + uri + "'");
            }
        });
        return u;
    }

    /** A scope that cannot yield a Power BI token is a warning, not an error: doctor demos reproduce it. */
    private void checkScope(String path, String scope, CloudName cloud) {
        String s = scope.strip();
        if (!s.endsWith("/.default")) {
            raw.warnings.add(path + " is '" + s + "': client-credential scopes must be the Power BI resource"
                    + " plus /.default; use " + cloud.powerBiScope()
                    + (s.equals(".default") ? " (a bare .default yields a Microsoft Graph token)" : ""));
        } else if (!s.equalsIgnoreCase(cloud.powerBiScope())) {
            raw.warnings.add(path + " is '" + s + "', not the " + cloud.displayName()
                    + " cloud's Power BI scope " + cloud.powerBiScope()
                    + "; Power BI rejects tokens for any other audience");
        }
    }

    void warnIfUnset(String path, String envName) {
        String v = env.get(envName);
        if (v == null || v.isEmpty()) {
            raw.warnings.add(path + " names environment variable " + envName + ", which is not set");
        }
    }

    List<String> present(String parent, String... kinds) {
        List<String> out = new ArrayList<>();
        for (String k : kinds) {
            if (raw.sections.contains(parent + "." + k)) {
                out.add(k);
            }
        }
        return out;
    }

    List<String> presentValues(String parent, String... names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (raw.has(parent + "." + n)) {
                out.add(n);
            }
        }
        return out;
    }

    static String found(List<String> names) {
        if (names.isEmpty()) {
            return "none";
        }
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    private String hostName() {
        String h = env.get("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "worker";
        }
    }

    static String label(String path) {
        return Settings.byPath(path).map(s -> s.label(path)).orElse(path);
    }

    @SuppressWarnings("unchecked")
    <X> Optional<X> opt(String path) {
        return (Optional<X>) raw.get(path);
    }

    Object valueOr(String path, Object fallback) {
        return raw.get(path).orElse(fallback);
    }

    /** The value, else the catalogue default (every non-required scalar here has one). */
    private Object value(String path) {
        return raw.get(path).orElseGet(() -> Settings.byPath(path).flatMap(Setting::defaultValue)
                .orElseThrow(() -> new IllegalStateException("no default for " + path)));
    }

    private String str(String path) {
        return (String) value(path);
    }

    private Number num(String path) {
        return (Number) value(path);
    }

    private Duration dur(String path) {
        return (Duration) value(path);
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("127.0.0.1") || h.startsWith("127.") || h.equals("[::1]")
                || h.equals("::1");
    }
}
