package com.pbiexport.worker.config;

import static com.pbiexport.worker.config.ValueType.BOOLEAN;
import static com.pbiexport.worker.config.ValueType.BYTES;
import static com.pbiexport.worker.config.ValueType.CLOUD;
import static com.pbiexport.worker.config.ValueType.DOUBLE;
import static com.pbiexport.worker.config.ValueType.DURATION;
import static com.pbiexport.worker.config.ValueType.GUID;
import static com.pbiexport.worker.config.ValueType.INT;
import static com.pbiexport.worker.config.ValueType.PATH;
import static com.pbiexport.worker.config.ValueType.PROPERTIES;
import static com.pbiexport.worker.config.ValueType.STRING;
import static com.pbiexport.worker.config.ValueType.URL;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The settings catalogue: the single source of truth for every setting's path, environment variable, type,
 * default, documentation and validators. The loader, the validation messages and the README table
 * ({@link ConfigDocs}) are all driven by it, so they cannot drift apart. Order here is the table's order.
 */
public final class Settings {

    private static final String T = "tenants." + Setting.ALIAS + ".";
    private static final String CRED = T + "credential.";

    private static final List<Setting> HEAD = List.of(
            Setting.of("instanceId", STRING).defaultText("(host name)").check(Check.notBlank())
                    .doc("Names this instance in events and metrics.").build(),

            Setting.of("kafka.bootstrapServers", STRING).required().check(Check.notBlank())
                    .doc("Kafka `bootstrap.servers`, e.g. `broker1:9092,broker2:9092`.").build(),
            Setting.of("kafka.groupId", STRING).defaultValue(KafkaSettings.DEFAULT_GROUP_ID).check(Check.notBlank())
                    .doc("Consumer group of the request topic; all instances of one deployment share it.").build(),
            Setting.of("kafka.common", PROPERTIES)
                    .doc("Kafka client properties for consumer and producer, passed through unchanged "
                            + "(`security.protocol`, `sasl.*`, `ssl.*`...). Env: `PBIEXPORT_KAFKA_<NAME>`, e.g. "
                            + "`PBIEXPORT_KAFKA_SASL_MECHANISM` -> `sasl.mechanism`.").build(),
            Setting.of("kafka.consumer", PROPERTIES)
                    .doc("Consumer-only properties; win over `kafka.common`. Env: `PBIEXPORT_KAFKA_CONSUMER_<NAME>`.")
                    .build(),
            Setting.of("kafka.producer", PROPERTIES)
                    .doc("Producer-only properties; win over `kafka.common`. Env: `PBIEXPORT_KAFKA_PRODUCER_<NAME>`.")
                    .build(),

            Setting.of("delivery.mode", STRING).defaultValue(DeliverySettings.DEFAULT_MODE.text())
                    .check(Check.oneOf(DeliveryMode.texts()))
                    .doc("`exactly-once`: outcomes, dead letters, job states and consumer offsets are committed in "
                            + "Kafka transactions (transactional id `<groupId>-<instanceId>`, so `instanceId` must be "
                            + "unique per live instance): `read_committed` readers see exactly one outcome per request "
                            + "even across crashes and rebalances. `at-least-once`: idempotent producer, offsets "
                            + "committed after the outcome is acknowledged; for brokers without transactions (a crash "
                            + "can repeat an outcome, with the same `ce_id`).").build(),

            Setting.of("topics.requests", STRING).defaultValue(Topics.DEFAULT_REQUESTS).check(Check.notBlank())
                    .doc("Input topic of `ExportRequested` events.").build(),
            Setting.of("topics.results", STRING).defaultValue(Topics.DEFAULT_RESULTS).check(Check.notBlank())
                    .doc("Output topic of `ExportCompleted` / `ExportFailed` events.").build(),
            Setting.of("topics.jobState", STRING).defaultValue(Topics.DEFAULT_JOB_STATE).check(Check.notBlank())
                    .doc("Internal compacted topic recording where each in-flight export stands.").build(),
            Setting.of("topics.deadLetter", STRING).defaultValue(Topics.DEFAULT_DEAD_LETTER).check(Check.notBlank())
                    .doc("Records that cannot be parsed at all, with reason headers.").build(),
            Setting.of("topics.create", BOOLEAN).defaultValue(false)
                    .doc("Create missing topics at start-up: the job-state topic compacted with as many partitions "
                            + "as the request topic, the others with the broker's defaults. Off: a missing or "
                            + "mis-configured topic keeps `/health/ready` down with the fix.").build(),

            Setting.of(T + "tenantId", GUID).required()
                    .doc("Entra ID tenant id (GUID) of the service principal.").build(),
            Setting.of(T + "clientId", GUID).required()
                    .doc("Application (client) id (GUID) of the service principal.").build(),
            Setting.of(T + "cloud", CLOUD).defaultValue(CloudName.PUBLIC, CloudName.PUBLIC.displayName())
                    .doc("Microsoft cloud: " + String.join(", ", CloudName.displayNames())
                            + " (also `GCC`, `GCCHigh`, `DoD`). Decides authority host, scope and API root.").build(),
            Setting.of(CRED + "secret.env", STRING).check(Check.envName())
                    .doc("Client secret from this environment variable. Set exactly one credential kind.").build(),
            Setting.of(CRED + "secret.file", PATH)
                    .doc("Client secret from this file (e.g. a mounted Kubernetes secret), re-read on rotation.")
                    .build(),
            Setting.of(CRED + "secret.value", STRING).sensitive()
                    .doc("Client secret inline. Development only: start-up warns.").build(),
            Setting.of(CRED + "certificate.pkcs12File", PATH).required()
                    .doc("Certificate credential: PKCS#12 file with certificate and private key.").build(),
            Setting.of(CRED + "certificate.passwordEnv", STRING).check(Check.envName())
                    .doc("Password of the PKCS#12 file from this environment variable.").build(),
            Setting.of(CRED + "certificate.passwordFile", PATH)
                    .doc("Password of the PKCS#12 file from this file.").build(),
            Setting.of(CRED + "assertionFile.file", PATH).required()
                    .doc("Client assertion (JWT) read from this file on every token request: workload identity "
                            + "federation, e.g. `AZURE_FEDERATED_TOKEN_FILE`.").build(),
            Setting.of(T + "scope", STRING).defaultText("(the cloud's Power BI scope)")
                    .doc("Overrides the token scope. Must be the Power BI resource plus `/.default`, never a "
                            + "bare `.default` (that yields a Microsoft Graph token).").build(),
            Setting.of(T + "authorityUrl", URL).defaultText("https://(cloud authority host)/(tenantId)")
                    .doc("Overrides the Entra ID authority (e.g. a local simulator). https unless loopback.").build(),
            Setting.of(T + "powerBiApiUrl", URL).defaultText("(the cloud's API root)")
                    .doc("Overrides the Power BI API root; the token is only ever sent there. https unless "
                            + "loopback.").build(),
            Setting.of(T + "defaultProfileId", GUID)
                    .doc("Service principal profile (`X-PowerBI-Profile-Id`) used when a request names none.")
                    .build());

    private static final List<Setting> TAIL = List.of(
            Setting.of("limits.maxInFlight", INT).defaultValue(Limits.DEFAULT_MAX_IN_FLIGHT).check(Check.atLeast(1))
                    .doc("Exports in progress at once on this instance (started and not finished: rendering, "
                            + "polled or downloading); more accepted requests wait in the export stage. Intake "
                            + "pauses at `limits.maxQueued`, not here.").build(),
            Setting.of("limits.maxFileBytes", BYTES).defaultValue(Limits.DEFAULT_MAX_FILE_BYTES, "250MiB")
                    .check(Check.atLeast(1))
                    .doc("Larger files fail with `STORAGE_TOO_LARGE`. Bytes, or `KB`/`MB`/`GB`/`KiB`/`MiB`/`GiB`.")
                    .build(),
            Setting.of("limits.exportTimeout", DURATION).defaultValue(Limits.DEFAULT_EXPORT_TIMEOUT)
                    .check(Check.positiveDuration())
                    .doc("Overall time one export may take, restarts included; then it fails as `EXPORT_TIMEOUT`.")
                    .build(),
            Setting.of("limits.pollFallbackInterval", DURATION).defaultValue(Limits.DEFAULT_POLL_FALLBACK_INTERVAL)
                    .check(Check.positiveDuration())
                    .doc("Wait between status polls when Power BI sends no `Retry-After`.").build(),
            Setting.of("limits.maxPollInterval", DURATION).defaultValue(Limits.DEFAULT_MAX_POLL_INTERVAL)
                    .check(Check.positiveDuration())
                    .doc("Longest wait the worker chooses by itself between polls: caps the back-off after "
                            + "transient errors and the forecast's poll spacing. A `Retry-After` from Power BI is "
                            + "always honoured in full, even when longer. At least `limits.pollFallbackInterval`.")
                    .build(),
            Setting.of("limits.busyRetries", INT).defaultValue(Limits.DEFAULT_BUSY_RETRIES).check(Check.atLeast(0))
                    .doc("Restarts of an export that ended `Failed` with `Retry-After` (service busy).").build(),
            Setting.of("limits.startThrottleMaxWait", DURATION).defaultValue(Limits.DEFAULT_START_THROTTLE_MAX_WAIT)
                    .check(Check.positiveDuration())
                    .doc("How long starting an export may wait out 429s before failing as throttled.").build(),
            Setting.of("limits.pollErrorBudget", INT).defaultValue(Limits.DEFAULT_POLL_ERROR_BUDGET)
                    .check(Check.atLeast(0))
                    .doc("Consecutive transient poll errors tolerated before the export fails.").build(),
            Setting.of("limits.maxQueued", INT).defaultValue(Limits.DEFAULT_MAX_QUEUED).check(Check.atLeast(1))
                    .doc("Requests taken from Kafka and not finished (waiting or running); intake pauses beyond it. "
                            + "Waiting costs memory, not threads; exports start round-robin across tenants within "
                            + "`limits.maxInFlight`, so one tenant's burst does not starve another. At least "
                            + "`limits.maxInFlight`.").build(),
            Setting.of("limits.capacityInitialConcurrency", INT)
                    .defaultValue(Limits.DEFAULT_CAPACITY_INITIAL_CONCURRENCY).check(Check.atLeast(1))
                    .doc("Concurrent exports per capacity to start with. On a 429 the limit drops to the exports "
                            + "of this instance Power BI accepted there (halves when there are none), no export of "
                            + "that capacity starts until its `Retry-After` has passed, and the limit grows back by "
                            + "about one per round of successful starts while fully used.").build(),
            Setting.of("limits.capacityMaxConcurrency", INT).defaultValue(Limits.DEFAULT_CAPACITY_MAX_CONCURRENCY)
                    .check(Check.atLeast(1))
                    .doc("Ceiling of a capacity's concurrency limit (Power BI accepts 500 concurrent exports per "
                            + "capacity).").build(),
            Setting.of("limits.tenantRequestsPerSecond", DOUBLE)
                    .defaultValue(Limits.DEFAULT_TENANT_REQUESTS_PER_SECOND, "100").check(Check.atLeast(0))
                    .doc("Power BI calls per second per tenant (starts, polls, downloads, look-ups), bursts of "
                            + "one second allowed; calls beyond it wait on a timer. 0 = unlimited.").build(),
            Setting.of("limits.capacityLookupTtl", DURATION).defaultValue(Limits.DEFAULT_CAPACITY_LOOKUP_TTL)
                    .check(Check.positiveDuration())
                    .doc("How long a workspace's capacity (from `GET groups?$filter=id eq '...'`) is cached; "
                            + "unknown capacities are limited per workspace.").build(),
            Setting.of("limits.forecastPolls", BOOLEAN).defaultValue(true)
                    .doc("Place the poll that should see Succeeded at the forecast end of rendering (from "
                            + "`lastActionDateTime` and `percentComplete`), never earlier than `Retry-After`, so a "
                            + "capacity slot frees sooner; it switches itself off per export when progress does not "
                            + "fit. false = poll at `Retry-After` spacing only.").build(),

            Setting.of("intake.deadLetterBreaker.enabled", BOOLEAN).defaultValue(true)
                    .doc("Stop a request partition whose recent records are mostly dead letters instead of draining "
                            + "the topic into the dead-letter topic; it probes again after the cool-down (and on "
                            + "restart). Metric `pbiexport_intake_dead_letter_breaker_open`.").build(),
            Setting.of("intake.deadLetterBreaker.ratio", DOUBLE)
                    .defaultValue(DeadLetterBreakerSettings.DEFAULT_RATIO).check(Check.exclusiveBetween(0, 1))
                    .doc("Share of dead letters among a partition's recent records that stops it.").build(),
            Setting.of("intake.deadLetterBreaker.lastRecords", INT)
                    .defaultValue(DeadLetterBreakerSettings.DEFAULT_LAST_RECORDS).check(Check.atLeast(1))
                    .doc("How many of a partition's latest records are looked at.").build(),
            Setting.of("intake.deadLetterBreaker.minRecords", INT)
                    .defaultValue(DeadLetterBreakerSettings.DEFAULT_MIN_RECORDS).check(Check.atLeast(1))
                    .doc("Fewest recent records before a partition may be stopped, so a few bad records never stop "
                            + "it. At most `intake.deadLetterBreaker.lastRecords`.").build(),
            Setting.of("intake.deadLetterBreaker.window", DURATION)
                    .defaultValue(DeadLetterBreakerSettings.DEFAULT_WINDOW).check(Check.positiveDuration())
                    .doc("Records older than this do not count: a slow trickle of garbage is not a flood.").build(),
            Setting.of("intake.deadLetterBreaker.coolDown", DURATION)
                    .defaultValue(DeadLetterBreakerSettings.DEFAULT_COOL_DOWN).check(Check.positiveDuration())
                    .doc("How long a stopped partition waits before 10 of its records are let through as a probe: "
                            + "mostly dead letters again stop it for another cool-down, otherwise it resumes.")
                    .build(),

            Setting.of("intake.poisonAfterCrashes", INT).defaultValue(IntakeSettings.DEFAULT_POISON_AFTER_CRASHES)
                    .check(Check.atLeast(0))
                    .doc("A request that was in flight each time its owner crashed, this many times in a row, is "
                            + "answered `POISON_REQUEST` instead of crashing the next owner (evidence: its claims in "
                            + "the job-state topic; a clean hand-over or shutdown does not count). 0 = off.").build(),
            Setting.of("shutdown.drainTimeout", DURATION).defaultValue(IntakeSettings.DEFAULT_DRAIN_TIMEOUT)
                    .check(Check.positiveDuration())
                    .doc("On SIGTERM, how long in-flight exports may take to finish and be answered before what is "
                            + "left is handed to the next owner. Keep the pod's `terminationGracePeriodSeconds` above "
                            + "it plus 40 s (the final commit and closing the clients).").build(),

            Setting.of("diagnose.adminApiProbe", BOOLEAN).defaultValue(true)
                    .doc("When the worker's own look-up shows a workspace invisible to the app (which Power BI "
                            + "answers alike for a non-member and an unknown id), ask its read-only admin API "
                            + "(`GET admin/groups?$filter=id eq '...'`, with the tenant's own token and API host) "
                            + "whether the workspace exists, so the failure says `PBI_NOT_WORKSPACE_MEMBER` or a proven "
                            + "`PBI_WORKSPACE_NOT_FOUND`. Needs the tenant setting 'Service principals can access "
                            + "read-only admin APIs' (formerly 'Allow service principals to use read-only admin APIs') "
                            + "for the app; without it the code is `PBI_WORKSPACE_AMBIGUOUS` and says why. At most one call per tenant and workspace "
                            + "per 10 minutes, 10 per minute and 40 per hour per tenant (Power BI allows 15 and 50); a "
                            + "refusal is remembered for 10 minutes. Used by the worker and `doctor`.").build(),

            Setting.of("http.connectTimeout", DURATION).defaultValue(HttpSettings.DEFAULT_CONNECT_TIMEOUT)
                    .check(Check.positiveDuration()).doc("TCP/TLS connect timeout for Power BI and Entra ID.").build(),
            Setting.of("http.responseTimeout", DURATION).defaultValue(HttpSettings.DEFAULT_RESPONSE_TIMEOUT)
                    .check(Check.positiveDuration()).doc("Time to wait for a response (not a whole download).")
                    .build(),
            Setting.of("http.maxConnections", INT).defaultValue(HttpSettings.DEFAULT_MAX_CONNECTIONS)
                    .check(Check.atLeast(1)).doc("Connection pool size.").build(),
            Setting.of("http.proxy", STRING).defaultValue(HttpSettings.DEFAULT_PROXY).sensitive()
                    .check(ProxySetting.check())
                    .doc("Proxy for Entra ID, Power BI, Azure Blob and S3: `env` reads `https.proxyHost`/`http.proxyHost` "
                            + "(JVM properties win), else `https_proxy`/`HTTPS_PROXY`, `http_proxy`/`HTTP_PROXY` and "
                            + "`no_proxy`/`NO_PROXY` (curl's rules); `none` = always direct; or a URL "
                            + "`http://user:password@host:port` for every host except `NO_PROXY`. See Proxies in "
                            + "docs/CONFIGURATION.md.").build(),

            Setting.of("tokens.refreshAtFraction", DOUBLE).defaultValue(TokenSettings.DEFAULT_REFRESH_AT_FRACTION)
                    .check(Check.exclusiveBetween(0, 1))
                    .doc("Refresh a token in the background once this fraction of its lifetime has passed.").build(),
            Setting.of("tokens.requestTimeout", DURATION).defaultValue(TokenSettings.DEFAULT_REQUEST_TIMEOUT)
                    .check(Check.positiveDuration()).doc("Upper bound on one token request.").build(),
            Setting.of("tokens.minRefreshInterval", DURATION).defaultValue(TokenSettings.DEFAULT_MIN_REFRESH_INTERVAL)
                    .check(Check.positiveDuration()).doc("At most one refresh attempt per tenant within this interval.")
                    .build(),

            Setting.of("admin.bindAddress", STRING).defaultValue(AdminSettings.DEFAULT_BIND_ADDRESS)
                    .check(Check.notBlank()).doc("Address of the admin endpoint (health, `/metrics`).").build(),
            Setting.of("admin.port", INT).defaultValue(AdminSettings.DEFAULT_PORT).check(Check.between(0, 65535))
                    .doc("Port of the admin endpoint; 0 picks a free port.").build(),

            Setting.of("logging.json", BOOLEAN).defaultValue(false)
                    .doc("One JSON object per log line instead of plain text.").build());

    private static final List<Setting> ALL = Stream.of(HEAD, SinkSettings.all(), TAIL).flatMap(List::stream)
            .toList();

    private Settings() {
    }

    /**
     * Settings that existed and were removed, with what to do instead. Setting one (in the file or through its
     * {@code PBIEXPORT_} variable) stops start-up with this text: a silently ignored setting would let an operator
     * believe it still works.
     */
    private static final Map<String, String> REMOVED = Map.of(
            "http.retryAfterFallback", "it was never read: a 429 without a valid Retry-After waits "
                    + "limits.pollFallbackInterval; remove it (set limits.pollFallbackInterval instead)");

    /** Removed settings (dotted path) and what to do instead; see {@link #REMOVED}. */
    public static Map<String, String> removed() {
        return REMOVED;
    }

    /** Every setting, in documentation order. */
    public static List<Setting> all() {
        return ALL;
    }

    /** The setting with exactly this (pattern) path, e.g. {@code limits.maxInFlight}. */
    public static Optional<Setting> byPath(String path) {
        return ALL.stream().filter(s -> s.path().equals(path)).findFirst();
    }
}
