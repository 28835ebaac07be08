package com.pbiexport.worker.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.pbiexport.worker.config.ConfigTexts.BASE;
import static com.pbiexport.worker.config.ConfigTexts.ENV;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigLoaderTest {

    private static final String TENANT = "11111111-1111-1111-1111-111111111111";
    private static final String CLIENT = "22222222-2222-2222-2222-222222222222";

    private static LoadedConfig load(String yaml) {
        return load(yaml, ENV);
    }

    private static LoadedConfig load(String yaml, Map<String, String> env) {
        return ConfigLoader.loadFromString(yaml, true, "test.yaml", env);
    }

    private static List<String> problems(String yaml) {
        return problems(yaml, ENV);
    }

    private static List<String> problems(String yaml, Map<String, String> env) {
        ConfigException e = catchThrowableOfType(() -> load(yaml, env), ConfigException.class);
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e.problems();
    }

    private static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>(ENV);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    // ---- happy path and defaults ----

    @Test
    void loadsMinimalFileWithEveryDefault() {
        LoadedConfig loaded = load(BASE);
        WorkerConfig c = loaded.config();

        assertThat(loaded.warnings()).isEmpty();
        assertThat(c.instanceId()).isEqualTo("pod-1");
        assertThat(c.kafka().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(c.kafka().groupId()).isEqualTo("pbi-export-worker");
        assertThat(c.topics()).isEqualTo(Topics.defaults());
        assertThat(c.limits()).isEqualTo(Limits.defaults());
        assertThat(c.limits().maxFileBytes()).isEqualTo(250L * 1024 * 1024);
        assertThat(c.http()).isEqualTo(HttpSettings.defaults());
        assertThat(c.tokens()).isEqualTo(TokenSettings.defaults());
        assertThat(c.admin()).isEqualTo(AdminSettings.defaults());
        assertThat(c.logging().json()).isFalse();
        TenantConfig t = c.tenant("contoso").orElseThrow();
        assertThat(t).isEqualTo(new TenantConfig(TENANT, CLIENT, CloudName.PUBLIC,
                CredentialConfig.Secret.fromEnv("CONTOSO_SECRET"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()));
        assertThat(t.effectiveScope()).isEqualTo("https://analysis.windows.net/powerbi/api/.default");
        assertThat(t.effectivePowerBiApiUrl()).isEqualTo(URI.create("https://api.powerbi.com"));
        assertThat(t.effectiveAuthorityUrl()).isEqualTo(URI.create("https://login.microsoftonline.com/" + TENANT));
        assertThat(c.sinks().defaultSink()).isEqualTo("local");
        assertThat(c.sinks().defaultSinkConfig()).isEqualTo(new SinkConfig.Filesystem(Path.of("/var/exports")));
    }

    @Test
    void readsEverySectionOfAFullFile() {
        LoadedConfig loaded = load("""
                instanceId: w1
                kafka:
                  bootstrapServers: b1:9092,b2:9092
                  groupId: g
                  common: {security.protocol: SASL_SSL}
                  consumer: {max.poll.records: 50}
                  producer: {linger.ms: 5}
                topics: {requests: r, results: o, jobState: j, deadLetter: d}
                tenants:
                  gov:
                    tenantId: 11111111-1111-1111-1111-111111111111
                    clientId: 22222222-2222-2222-2222-222222222222
                    cloud: USGovHigh
                    credential:
                      certificate: {pkcs12File: /certs/sp.p12, passwordFile: /certs/pw}
                    powerBiApiUrl: http://127.0.0.1:8081
                    authorityUrl: http://localhost:8082
                    defaultProfileId: 33333333-3333-3333-3333-333333333333
                  wi:
                    tenantId: 11111111-1111-1111-1111-111111111111
                    clientId: 22222222-2222-2222-2222-222222222222
                    credential:
                      assertionFile: {file: /var/run/secrets/azure/tokens/azure-identity-token}
                sinks:
                  defaultSink: blob
                  targets:
                    local: {filesystem: {root: /data}}
                    blob:
                      azureBlob: {connectionStringEnv: BLOB_CS, container: exports, prefix: pbi/, serviceVersion: V2021_12_02}
                limits: {maxInFlight: 8, maxFileBytes: 100MiB, exportTimeout: 30m, pollFallbackInterval: PT2S,
                         maxPollInterval: 1m, busyRetries: 0, startThrottleMaxWait: 10m, pollErrorBudget: 2}
                http: {connectTimeout: 2s, responseTimeout: 30s, maxConnections: 10}
                tokens: {refreshAtFraction: 0.5, requestTimeout: 5s, minRefreshInterval: 500ms}
                admin: {bindAddress: 127.0.0.1, port: 0}
                logging: {json: true}
                """, env("BLOB_CS", "UseDevelopmentStorage=true"));
        WorkerConfig c = loaded.config();

        assertThat(loaded.warnings()).isEmpty();
        assertThat(c.instanceId()).isEqualTo("w1");
        assertThat(c.kafka().consumerProperties()).containsEntry("bootstrap.servers", "b1:9092,b2:9092")
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("max.poll.records", "50")
                .containsEntry("group.id", "g").doesNotContainKey("linger.ms");
        assertThat(c.kafka().producerProperties()).containsEntry("linger.ms", "5").doesNotContainKey("group.id");
        assertThat(c.topics()).isEqualTo(new Topics("r", "o", "j", "d"));
        TenantConfig gov = c.tenants().get("gov");
        assertThat(gov.cloud()).isEqualTo(CloudName.US_GOV_HIGH);
        assertThat(gov.credential()).isEqualTo(new CredentialConfig.Certificate(Path.of("/certs/sp.p12"),
                Optional.empty(), Optional.of(Path.of("/certs/pw"))));
        assertThat(gov.effectivePowerBiApiUrl()).isEqualTo(URI.create("http://127.0.0.1:8081"));
        assertThat(gov.effectiveScope()).isEqualTo("https://high.analysis.usgovcloudapi.net/powerbi/api/.default");
        assertThat(gov.defaultProfileId()).contains("33333333-3333-3333-3333-333333333333");
        assertThat(c.tenants().get("wi").credential()).isEqualTo(
                new CredentialConfig.AssertionFile(Path.of("/var/run/secrets/azure/tokens/azure-identity-token")));
        assertThat(c.sinks().defaultSinkConfig()).isEqualTo(new SinkConfig.AzureBlob(Optional.empty(),
                Optional.of("BLOB_CS"), "exports", "pbi/", Optional.of("V2021_12_02")));
        assertThat(c.limits()).isEqualTo(new Limits(8, 100L * 1024 * 1024, Duration.ofMinutes(30),
                Duration.ofSeconds(2), Duration.ofMinutes(1), 0, Duration.ofMinutes(10), 2));
        assertThat(c.http()).isEqualTo(new HttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(30), 10));
        assertThat(c.tokens()).isEqualTo(new TokenSettings(0.5, Duration.ofSeconds(5), Duration.ofMillis(500)));
        assertThat(c.admin()).isEqualTo(new AdminSettings("127.0.0.1", 0));
        assertThat(c.logging().json()).isTrue();
    }

    // ---- one problem, exact message ----

    @Test
    void forecastPollsAreOnByDefaultAndCanBeTurnedOffInTheFileOrTheEnvironment() {
        assertThat(load(BASE).config().limits().forecastPolls()).isTrue();
        assertThat(load(BASE + "limits: {forecastPolls: false}\n").config().limits().forecastPolls()).isFalse();
        assertThat(load(BASE, env("PBIEXPORT_LIMITS_FORECAST_POLLS", "false")).config().limits().forecastPolls())
                .isFalse();
    }

    @Test
    void rejectsZeroMaxInFlightNamingTheSetting() {
        ConfigException e = catchThrowableOfType(() -> load(BASE + "limits: {maxInFlight: 0}\n"),
                ConfigException.class);

        assertThat(e.problems()).containsExactly(
                "limits.maxInFlight (PBIEXPORT_LIMITS_MAX_IN_FLIGHT) must be at least 1, was 0");
        assertThat(e.getMessage()).isEqualTo("Invalid configuration (1 problem):\n"
                + "  - limits.maxInFlight (PBIEXPORT_LIMITS_MAX_IN_FLIGHT) must be at least 1, was 0");
    }

    @Test
    void rejectsZeroMaxInFlightFromTheEnvironment() {
        assertThat(problems(BASE, env("PBIEXPORT_LIMITS_MAX_IN_FLIGHT", "0"))).containsExactly(
                "limits.maxInFlight (PBIEXPORT_LIMITS_MAX_IN_FLIGHT) must be at least 1, was 0");
    }

    @Test
    void environmentOverridesTheFile() {
        WorkerConfig c = load(BASE + "limits: {maxInFlight: 16}\n", env("PBIEXPORT_LIMITS_MAX_IN_FLIGHT", "8",
                "PBIEXPORT_TOPICS_REQUESTS", "in", "PBIEXPORT_INSTANCE_ID", "w9",
                "PBIEXPORT_LIMITS_EXPORT_TIMEOUT", "90m", "PBIEXPORT_LOGGING_JSON", "true")).config();

        assertThat(c.limits().maxInFlight()).isEqualTo(8);
        assertThat(c.limits().exportTimeout()).isEqualTo(Duration.ofMinutes(90));
        assertThat(c.topics().requests()).isEqualTo("in");
        assertThat(c.instanceId()).isEqualTo("w9");
        assertThat(c.logging().json()).isTrue();
    }

    @Test
    void blankEnvironmentVariableCountsAsUnset() {
        WorkerConfig c = load(BASE + "limits: {maxInFlight: 16}\n", env("PBIEXPORT_LIMITS_MAX_IN_FLIGHT", " "))
                .config();

        assertThat(c.limits().maxInFlight()).isEqualTo(16);
    }

    @Test
    void rejectsUnparsableNumberNamingTheValue() {
        assertThat(problems(BASE + "limits: {busyRetries: three}\n")).containsExactly(
                "limits.busyRetries (PBIEXPORT_LIMITS_BUSY_RETRIES) must be a whole number, was 'three'");
    }

    @Test
    void rejectsUnknownKeyAndSuggestsTheRightOne() {
        assertThat(problems(BASE + "limits: {maxInflight: 3}\n")).containsExactly(
                "unknown setting 'limits.maxInflight'; did you mean 'limits.maxInFlight'?");
    }

    @Test
    void aRemovedSettingStopsStartUpNamingItsReplacement() {
        assertThat(problems(BASE + "http: {retryAfterFallback: 3s}\n")).containsExactly(
                "setting 'http.retryAfterFallback' was removed: it was never read: a 429 without a valid Retry-After "
                        + "waits limits.pollFallbackInterval; remove it (set limits.pollFallbackInterval instead)");
    }

    @Test
    void rejectsUnknownKeyInsideATenantWithSuggestion() {
        assertThat(problems(BASE.replace("clientId:", "clientID:"))).containsExactly(
                "unknown setting 'tenants.contoso.clientID'; did you mean 'tenants.contoso.clientId'?",
                "tenants.contoso.clientId is required");
    }

    @Test
    void rejectsUnknownTopLevelKeyListingTheKnownOnes() {
        assertThat(problems(BASE + "metrics: {enabled: true}\n")).containsExactly(
                "unknown setting 'metrics'; known settings here: instanceId, kafka, delivery, topics, tenants, sinks,"
                        + " limits, intake, shutdown, diagnose, http, tokens, admin, logging");
    }

    @Test
    void rejectsNonGuidTenantId() {
        assertThat(problems(BASE.replace(TENANT, "contoso.onmicrosoft.com"))).containsExactly(
                "tenants.contoso.tenantId must be a GUID such as 00000000-0000-0000-0000-000000000000,"
                        + " was 'contoso.onmicrosoft.com'");
    }

    @Test
    void rejectsUnknownCloudListingTheAllowedNames() {
        assertThat(problems(BASE.replace("    credential:", "    cloud: Azure\n    credential:"))).containsExactly(
                "tenants.contoso.cloud must be one of Public, USGov, USGovHigh, USGovDoD, China, was 'Azure'");
    }

    @Test
    void acceptsCloudAliasesCaseInsensitively() {
        WorkerConfig c = load(BASE.replace("    credential:", "    cloud: gcchigh\n    credential:")).config();

        assertThat(c.tenants().get("contoso").cloud()).isEqualTo(CloudName.US_GOV_HIGH);
        assertThat(CloudName.parse("DoD")).contains(CloudName.US_GOV_DOD);
        assertThat(CloudName.parse("china")).contains(CloudName.CHINA);
        assertThat(CloudName.parse("US_GOV")).contains(CloudName.US_GOV);
    }

    @Test
    void rejectsTwoCredentialKinds() {
        String yaml = BASE.replace("        env: CONTOSO_SECRET\n",
                "        env: CONTOSO_SECRET\n      certificate: {pkcs12File: /c.p12}\n");
        assertThat(problems(yaml)).containsExactly("tenants.contoso.credential must set exactly one of secret,"
                + " certificate or assertionFile; found secret and certificate");
    }

    @Test
    void rejectsAMissingCredential() {
        String yaml = BASE.replace("    credential:\n      secret:\n        env: CONTOSO_SECRET\n", "");
        assertThat(problems(yaml)).containsExactly(
                "tenants.contoso.credential is required: set exactly one of secret, certificate or assertionFile");
    }

    @Test
    void rejectsASecretWithTwoSources() {
        String yaml = BASE.replace("        env: CONTOSO_SECRET\n", "        env: CONTOSO_SECRET\n        file: /s\n");
        assertThat(problems(yaml)).containsExactly(
                "tenants.contoso.credential.secret must set exactly one of env, file or value; found env and file");
    }

    @Test
    void rejectsCertificateWithoutItsFile() {
        String yaml = BASE.replace("      secret:\n        env: CONTOSO_SECRET\n",
                "      certificate: {passwordEnv: PW}\n");
        assertThat(problems(yaml)).containsExactly("tenants.contoso.credential.certificate.pkcs12File is required");
    }

    @Test
    void acceptsAnInlineSecretWithAWarningThatNeverShowsIt() {
        LoadedConfig loaded = load(BASE.replace("env: CONTOSO_SECRET", "value: hunter2"));

        assertThat(loaded.warnings()).containsExactly("tenants.contoso.credential.secret.value holds a client secret"
                + " inline in the config file; use tenants.contoso.credential.secret.env or"
                + " tenants.contoso.credential.secret.file outside development");
        assertThat(loaded.config().tenants().get("contoso").credential())
                .isEqualTo(CredentialConfig.Secret.inline("hunter2"));
        assertThat(loaded.config().toString()).doesNotContain("hunter2");
    }

    @Test
    void neverEchoesAnInlineSecretInProblems() {
        ConfigException e = catchThrowableOfType(() -> load(BASE.replace("env: CONTOSO_SECRET",
                "value: hunter2\n        file: /x")), ConfigException.class);

        assertThat(e.getMessage()).doesNotContain("hunter2")
                .contains("must set exactly one of env, file or value; found file and value");
    }

    @Test
    void warnsWhenTheSecretVariableIsNotSet() {
        LoadedConfig loaded = load(BASE, Map.of());

        assertThat(loaded.warnings()).containsExactly(
                "tenants.contoso.credential.secret.env names environment variable CONTOSO_SECRET, which is not set");
    }

    @Test
    void warnsAboutABareDefaultScopeWithoutRejectingIt() {
        LoadedConfig loaded = load(BASE.replace("    credential:", "    scope: .default\n    credential:"));

        assertThat(loaded.warnings()).containsExactly("tenants.contoso.scope is '.default': client-credential scopes"
                + " must be the Power BI resource plus /.default; use https://analysis.windows.net/powerbi/api/.default"
                + " (a bare .default yields a Microsoft Graph token)");
        assertThat(loaded.config().tenants().get("contoso").effectiveScope()).isEqualTo(".default");
    }

    @Test
    void warnsAboutAnotherCloudsScope() {
        LoadedConfig loaded = load(BASE.replace("    credential:",
                "    scope: https://analysis.chinacloudapi.cn/powerbi/api/.default\n    credential:"));

        assertThat(loaded.warnings()).containsExactly("tenants.contoso.scope is"
                + " 'https://analysis.chinacloudapi.cn/powerbi/api/.default', not the Public cloud's Power BI scope"
                + " https://analysis.windows.net/powerbi/api/.default; Power BI rejects tokens for any other audience");
    }

    @Test
    void rejectsADefaultSinkThatDoesNotExist() {
        String yaml = BASE.replace("sinks:\n", "sinks:\n  defaultSink: blob\n");
        assertThat(problems(yaml)).containsExactly("sinks.defaultSink (PBIEXPORT_SINKS_DEFAULT_SINK) names 'blob',"
                + " which is not configured; configured sinks: local");
    }

    @Test
    void requiresADefaultSinkWhenSeveralAreConfigured() {
        String yaml = BASE + "    other:\n      filesystem: {root: /other}\n";
        assertThat(problems(yaml)).containsExactly("sinks.defaultSink (PBIEXPORT_SINKS_DEFAULT_SINK) is required"
                + " when several sinks are configured (local, other)");
        assertThat(load(yaml, env("PBIEXPORT_SINKS_DEFAULT_SINK", "other")).config().sinks().defaultSink())
                .isEqualTo("other");
    }

    @Test
    void rejectsASinkWithTwoKinds() {
        String yaml = BASE.replace("        root: /var/exports\n",
                "        root: /var/exports\n      azureBlob: {connectionStringEnv: CS, container: c}\n");
        assertThat(problems(yaml)).containsExactly("sinks.targets.local must set exactly one of filesystem,"
                + " azureBlob, sftp, s3 or email; found filesystem and azureBlob");
    }

    @Test
    void rejectsPlainHttpPowerBiUrlUnlessLoopback() {
        assertThat(problems(BASE.replace("    credential:", "    powerBiApiUrl: http://api.example.com\n"
                + "    credential:"))).containsExactly("tenants.contoso.powerBiApiUrl must use https (http is allowed"
                + " only for loopback hosts such as 127.0.0.1), was 'http://api.example.com'");
        assertThat(load(BASE.replace("    credential:", "    powerBiApiUrl: http://localhost:1234\n"
                + "    credential:")).config().tenants().get("contoso").effectivePowerBiApiUrl())
                .isEqualTo(URI.create("http://localhost:1234"));
    }

    @Test
    void acceptsIsoAndShorthandDurations() {
        assertThat(load(BASE + "limits: {exportTimeout: PT5S}\n").config().limits().exportTimeout())
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(load(BASE + "limits: {exportTimeout: 5s}\n").config().limits().exportTimeout())
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(load(BASE + "limits: {exportTimeout: 10m}\n").config().limits().exportTimeout())
                .isEqualTo(Duration.ofMinutes(10));
        assertThat(load(BASE + "limits: {exportTimeout: 2h}\n").config().limits().exportTimeout())
                .isEqualTo(Duration.ofHours(2));
        assertThat(load(BASE + "http: {connectTimeout: 250ms}\n").config().http().connectTimeout())
                .isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void rejectsADurationWithoutUnit() {
        assertThat(problems(BASE + "limits: {exportTimeout: 60}\n")).containsExactly(
                "limits.exportTimeout (PBIEXPORT_LIMITS_EXPORT_TIMEOUT) must be a duration such as PT5S, 5s or 10m,"
                        + " was '60'");
    }

    @Test
    void rejectsAZeroDuration() {
        assertThat(problems(BASE + "http: {responseTimeout: 0s}\n")).containsExactly(
                "http.responseTimeout (PBIEXPORT_HTTP_RESPONSE_TIMEOUT) must be longer than zero, was PT0S");
    }

    @Test
    void rejectsARefreshFractionOutsideZeroAndOne() {
        assertThat(problems(BASE + "tokens: {refreshAtFraction: 1.5}\n")).containsExactly(
                "tokens.refreshAtFraction (PBIEXPORT_TOKENS_REFRESH_AT_FRACTION) must be greater than 0 and less"
                        + " than 1, was 1.5");
    }

    @Test
    void rejectsAPollFallbackLongerThanTheMaximumPollInterval() {
        assertThat(problems(BASE + "limits: {pollFallbackInterval: 2m}\n")).containsExactly(
                "limits.pollFallbackInterval (PBIEXPORT_LIMITS_POLL_FALLBACK_INTERVAL) must not exceed"
                        + " limits.maxPollInterval (PBIEXPORT_LIMITS_MAX_POLL_INTERVAL) (PT1M), was PT2M");
    }

    @Test
    void rejectsAPortOutOfRange() {
        assertThat(problems(BASE + "admin: {port: 70000}\n")).containsExactly(
                "admin.port (PBIEXPORT_ADMIN_PORT) must be between 0 and 65535, was 70000");
    }

    @Test
    void requiresBootstrapServers() {
        assertThat(problems(BASE.replace("  bootstrapServers: localhost:9092\n", "  groupId: g\n")))
                .containsExactly("kafka.bootstrapServers (PBIEXPORT_KAFKA_BOOTSTRAP_SERVERS) is required");
    }

    @Test
    void requiresAtLeastOneTenantAndOneSink() {
        assertThat(problems("kafka: {bootstrapServers: k:9092}\n")).containsExactly(
                "tenants must configure at least one tenant: tenants.<alias>.tenantId, clientId and credential",
                "sinks.targets must configure at least one sink, e.g. sinks.targets.local.filesystem.root:"
                        + " /var/lib/pbi-export");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        String yaml = BASE.replace(TENANT, "not-a-guid")
                .replace("    credential:", "    cloud: Azure\n    credential:")
                + "limits: {maxInFlight: 0, exportTimeout: soon, maxInflght: 3}\n";
        ConfigException e = catchThrowableOfType(() -> load(yaml), ConfigException.class);

        assertThat(e.problems()).containsExactly(
                "tenants.contoso.tenantId must be a GUID such as 00000000-0000-0000-0000-000000000000,"
                        + " was 'not-a-guid'",
                "tenants.contoso.cloud must be one of Public, USGov, USGovHigh, USGovDoD, China, was 'Azure'",
                "limits.exportTimeout (PBIEXPORT_LIMITS_EXPORT_TIMEOUT) must be a duration such as PT5S, 5s or 10m,"
                        + " was 'soon'",
                "unknown setting 'limits.maxInflght'; did you mean 'limits.maxInFlight'?",
                "limits.maxInFlight (PBIEXPORT_LIMITS_MAX_IN_FLIGHT) must be at least 1, was 0");
        assertThat(e.getMessage()).startsWith("Invalid configuration (5 problems):\n  - tenants.contoso.tenantId");
    }

    @Test
    void rejectsAnAliasWithSpaces() {
        assertThat(problems(BASE.replace("  contoso:", "  'con toso':"))).containsExactly(
                "'con toso' in tenants is not a valid alias: use only letters, digits, '-' and '_'",
                "tenants must configure at least one tenant: tenants.<alias>.tenantId, clientId and credential");
    }

    // ---- placeholders ----

    @Test
    void expandsEnvironmentPlaceholdersWithDefaults() {
        WorkerConfig c = load(BASE.replace("localhost:9092", "${KAFKA_HOST}:${KAFKA_PORT:-9092}")
                .replace(CLIENT, "${CLIENT_ID}"), env("KAFKA_HOST", "kafka", "CLIENT_ID", CLIENT)).config();

        assertThat(c.kafka().bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(c.tenants().get("contoso").clientId()).isEqualTo(CLIENT);
    }

    @Test
    void rejectsAPlaceholderWhoseVariableIsNotSet() {
        assertThat(problems(BASE.replace(CLIENT, "${CLIENT_ID}"))).containsExactly(
                "tenants.contoso.clientId refers to ${CLIENT_ID}, which is not set in the environment");
    }

    @Test
    void keepsAnEscapedPlaceholderLiteral() {
        WorkerConfig c = load(BASE.replace("root: /var/exports", "root: /data/$${x}")).config();

        assertThat(c.sinks().defaultSinkConfig()).isEqualTo(new SinkConfig.Filesystem(Path.of("/data/${x}")));
    }

    // ---- Kafka pass-through ----

    @Test
    void passesKafkaEnvironmentVariablesThroughAsProperties() {
        WorkerConfig c = load(BASE, env(
                "PBIEXPORT_KAFKA_BOOTSTRAP_SERVERS", "pkc-1.confluent.cloud:9092",
                "PBIEXPORT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "PBIEXPORT_KAFKA_SASL_MECHANISM", "PLAIN",
                "PBIEXPORT_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required;",
                "PBIEXPORT_KAFKA_CONSUMER_MAX_POLL_RECORDS", "20",
                "PBIEXPORT_KAFKA_PRODUCER_COMPRESSION_TYPE", "zstd")).config();

        assertThat(c.kafka().bootstrapServers()).isEqualTo("pkc-1.confluent.cloud:9092");
        assertThat(c.kafka().common()).containsOnlyKeys("sasl.jaas.config", "sasl.mechanism", "security.protocol")
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN");
        assertThat(c.kafka().consumer()).containsExactly(Map.entry("max.poll.records", "20"));
        assertThat(c.kafka().producer()).containsExactly(Map.entry("compression.type", "zstd"));
        assertThat(c.kafka().toString()).doesNotContain("PlainLoginModule");
    }

    @Test
    void flattensNestedKafkaPropertiesInTheFile() {
        WorkerConfig c = load(BASE.replace("  bootstrapServers: localhost:9092\n",
                "  bootstrapServers: localhost:9092\n  common:\n    security:\n      protocol: SSL\n"
                        + "    ssl.endpoint.identification.algorithm: https\n")).config();

        assertThat(c.kafka().common()).containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.endpoint.identification.algorithm", "https");
    }

    @Test
    void rejectsBootstrapServersInsideThePropertyMaps() {
        assertThat(problems(BASE, env("PBIEXPORT_KAFKA_CONSUMER_BOOTSTRAP_SERVERS", "x:1"))).containsExactly(
                "kafka.consumer.bootstrap.servers duplicates kafka.bootstrapServers"
                        + " (PBIEXPORT_KAFKA_BOOTSTRAP_SERVERS); set that instead");
    }

    // ---- files ----

    @Test
    void loadsJsonByExtension(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("worker.json");
        Files.writeString(f, """
                {"kafka": {"bootstrapServers": "k:9092"},
                 "tenants": {"t": {"tenantId": "%s", "clientId": "%s", "credential": {"secret": {"file": "/s"}}}},
                 "sinks": {"targets": {"fs": {"filesystem": {"root": "/d"}}}},
                 "limits": {"maxInFlight": 3}}
                """.formatted(TENANT, CLIENT));

        WorkerConfig c = ConfigLoader.load(f, Map.of());

        assertThat(c.limits().maxInFlight()).isEqualTo(3);
        assertThat(c.tenants().get("t").credential()).isEqualTo(CredentialConfig.Secret.fromFile(Path.of("/s")));
    }

    @Test
    void loadsYamlFromAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("worker.yml");
        Files.writeString(f, BASE);

        assertThat(ConfigLoader.loadWithWarnings(f, ENV).config().tenants()).containsOnlyKeys("contoso");
    }

    @Test
    void rejectsAnUnknownExtension(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("worker.toml");
        Files.writeString(f, "x = 1");

        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessage("Invalid configuration (1 problem):\n  - config file " + f
                        + " must end in .yaml, .yml or .json");
    }

    @Test
    void rejectsAMissingFile(@TempDir Path dir) {
        Path f = dir.resolve("absent.yaml");

        assertThat(catchThrowableOfType(() -> ConfigLoader.load(f, Map.of()), ConfigException.class).problems())
                .containsExactly("config file " + f + " does not exist");
    }

    @Test
    void rejectsDuplicateKeys() {
        assertThat(problems(BASE + "limits:\n  maxInFlight: 2\n  maxInFlight: 3\n")).containsExactly(
                "cannot parse test.yaml as YAML at line 17, column 14: Duplicate field 'maxInFlight'");
    }

    @Test
    void rejectsMalformedYamlWithItsLocation() {
        List<String> p = problems("kafka: [unclosed\n");

        assertThat(p).hasSize(1);
        assertThat(p.get(0)).startsWith("cannot parse test.yaml as YAML at line");
    }

    @Test
    void loadsTheShippedExampleConfig() {
        LoadedConfig loaded = ConfigLoader.loadWithWarnings(Path.of("src/main/resources/example-config.yaml"),
                Map.of("CONTOSO_CLIENT_SECRET", "x", "AZURE_STORAGE_CONNECTION_STRING", "y",
                        "FABRIKAM_CERT_PASSWORD", "z"));

        assertThat(loaded.warnings()).isEmpty();
        assertThat(loaded.config().tenants()).isNotEmpty();
        assertThat(loaded.config().sinks().targets()).containsKey(loaded.config().sinks().defaultSink());
    }
}
