package com.pbiexport.worker.it.security;

import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.contracts.OutputSpec;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.app.DoctorCommand;
import com.pbiexport.worker.app.WorkerApp;
import com.pbiexport.worker.auth.CredentialSource;
import com.pbiexport.worker.auth.TenantCredentials;
import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.auth.TokenPolicy;
import com.pbiexport.worker.auth.TokenService;
import com.pbiexport.worker.config.CredentialConfig;
import com.pbiexport.worker.config.KafkaSettings;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.config.Sinks;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.diagnose.doctor.DoctorReport;
import com.pbiexport.worker.diagnose.doctor.DoctorRequest;
import com.pbiexport.worker.it.Lane;
import com.pbiexport.worker.it.Outcome;
import com.pbiexport.worker.it.WorkerHarness;
import com.pbiexport.worker.testing.Azurite;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static com.pbiexport.worker.it.ScenarioIds.CONTOSO_APP;
import static com.pbiexport.worker.it.ScenarioIds.CONTOSO_SECRET;
import static com.pbiexport.worker.it.ScenarioIds.CONTOSO_TENANT_ID;
import static com.pbiexport.worker.it.ScenarioIds.FABRIKAM_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.FABRIKAM_WS;
import static com.pbiexport.worker.it.ScenarioIds.FINANCE_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.FINANCE_WS;
import static com.pbiexport.worker.it.ScenarioIds.NORTHWIND_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.NORTHWIND_WS;
import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The secret scan: one worker runs through the happy paths (secret inline, from a file and from the environment,
 * certificate, assertion file; filesystem and Azure Blob sinks), the misconfigurations (wrong secret, expired
 * secret, Graph audience, service principals not allowed, wrong certificate password, wrong storage key), invalid
 * requests, dead letters and faults (429s, 5xx, dropped connections, Entra throttling, busy and failed exports, 6 s
 * tokens so tokens expire and are refreshed all the time), plus doctor (JSON and text) for good and bad aliases.
 * Then everything produced is scanned: the captured logs (plain and JSON, worker at DEBUG), every record of the
 * results, dead-letter and job-state topics (values and headers, uncommitted data included), /metrics and the
 * health endpoints, token-failure exception messages and stack traces, and the toString of config and credential
 * objects; for every configured secret and every access token the simulator issued: zero hits.
 */
class SecretScanIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String WRONG_SECRET = "wrong-secret-" + UUID.randomUUID();
    private static final String FILE_SECRET = "file-secret-" + UUID.randomUUID();
    private static final String ENV_SECRET = "env-secret-" + UUID.randomUUID();
    private static final String ENV_NAME = "SCAN_CLIENT_SECRET";
    private static final String CERT_PASSWORD = "p12-password-" + UUID.randomUUID();
    private static final String WRONG_CERT_PASSWORD = "wrong-p12-password-" + UUID.randomUUID();
    private static final String ASSERTION = "federated-assertion-" + UUID.randomUUID();
    private static final String BAD_ACCOUNT_KEY = Base64.getEncoder().encodeToString(randomBytes(64));
    private static final String KAFKA_PASSWORD = "kafka-sasl-password-" + UUID.randomUUID();

    @TempDir
    static Path dir;
    private static WorkerHarness harness;
    private static Azurite azurite;

    @BeforeAll
    static void start() {
        harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(20).withTokenLifetimeSeconds(6));
        azurite = Azurite.start();
    }

    @AfterAll
    static void stop() {
        try {
            if (azurite != null) {
                azurite.close();
            }
        } finally {
            if (harness != null) {
                harness.close();
            }
        }
    }

    @Test
    void nothingTheWorkerProducesContainsASecretOrAnIssuedToken() throws Exception {
        var entra = harness.stack().entraCredentials();
        entra.addSecret(CONTOSO_TENANT_ID, CONTOSO_APP, FILE_SECRET, null);
        entra.addSecret(CONTOSO_TENANT_ID, CONTOSO_APP, ENV_SECRET, null);
        entra.addFederatedAssertion(CONTOSO_TENANT_ID, CONTOSO_APP, ASSERTION);
        Path p12 = keytool(CERT_PASSWORD);
        entra.addCertificate(CONTOSO_TENANT_ID, CONTOSO_APP, certificateDer(p12, CERT_PASSWORD));
        Path secretFile = write("client-secret", FILE_SECRET);
        Path passwordFile = write("p12-password", CERT_PASSWORD);
        Path wrongPasswordFile = write("p12-wrong-password", WRONG_CERT_PASSWORD);
        Path assertionFile = write("federated-token", ASSERTION);
        String blobConnection = azurite.connectionString();
        String badBlobConnection = "DefaultEndpointsProtocol=http;AccountName=" + Azurite.ACCOUNT + ";AccountKey="
                + BAD_ACCOUNT_KEY + ";BlobEndpoint=" + azurite.blobEndpoint() + ";";
        Map<String, String> env = Map.of(ENV_NAME, ENV_SECRET);

        List<Artefact> artefacts = new ArrayList<>();
        try (LogCapture logs = new LogCapture();
             Lane lane = harness.lane("scan", cfg -> scanConfig(cfg, secretFile, p12, passwordFile, wrongPasswordFile,
                     assertionFile, blobConnection, badBlobConnection))) {
            WorkerConfig config = lane.config();
            WorkerApp worker = WorkerApp.start(config, Clock.systemUTC(), env);
            try {
                runScenarios(lane);
                artefacts.addAll(adminEndpoints(worker.adminPort()));
                artefacts.addAll(doctor(config, env));
            } finally {
                worker.close();
            }
            artefacts.addAll(topics(config));
            artefacts.addAll(exceptionsAndToStrings(config, secretFile));
            artefacts.add(new Artefact("log (plain)", logs.plain()));
            artefacts.add(new Artefact("log (JSON)", logs.json()));
            assertThat(logs.plain()).as("the log capture saw the worker").contains("com.pbiexport.worker");
        }

        Set<String> secrets = new LinkedHashSet<>(List.of(CONTOSO_SECRET, WRONG_SECRET, FILE_SECRET, ENV_SECRET,
                CERT_PASSWORD, WRONG_CERT_PASSWORD, ASSERTION, BAD_ACCOUNT_KEY, badBlobConnection, blobConnection,
                KAFKA_PASSWORD));
        secrets.addAll(entra.allSecrets());
        List<String> tokens = harness.stack().accessTokens().issued();
        Scan scan = Scan.of(secrets, tokens);
        if (secrets.size() < 11 || tokens.isEmpty()) {
            fail("the scan would pass vacuously: " + secrets.size() + " secrets, " + tokens.size() + " tokens");
        }
        // the scanner itself must find what it looks for, in the shapes a leak would take
        assertThat(scan.hits(List.of(new Artefact("canary", "Authorization: Bearer " + tokens.get(0)),
                new Artefact("canary", "{\"secret\":\"" + CONTOSO_SECRET + "\"}"),
                new Artefact("canary", "password=" + CERT_PASSWORD + ";")))).as("canaries found").hasSize(4);
        List<String> hits = scan.hits(artefacts);
        System.out.printf("secret scan: %d secrets, %d issued tokens, %d artefacts (%d log lines), %d hits%n",
                secrets.size(), tokens.size(), artefacts.size(), countLines(artefacts), hits.size());
        assertThat(artefacts).as("artefacts scanned").hasSizeGreaterThan(50);
        assertThat(hits).as("secrets or tokens found").isEmpty();
    }

    // ---------------------------------------------------------------- configuration

    private static WorkerConfig scanConfig(WorkerConfig cfg, Path secretFile, Path p12, Path passwordFile,
                                           Path wrongPasswordFile, Path assertionFile, String blobConnection,
                                           String badBlobConnection) {
        Map<String, TenantConfig> tenants = new LinkedHashMap<>(cfg.tenants());
        TenantConfig base = tenants.get(DemoStack.CONTOSO);
        tenants.put("scan-wrong-secret", with(base, CredentialConfig.Secret.inline(WRONG_SECRET)));
        tenants.put("scan-file-secret", with(base, CredentialConfig.Secret.fromFile(secretFile)));
        tenants.put("scan-env-secret", with(base, CredentialConfig.Secret.fromEnv(ENV_NAME)));
        tenants.put("scan-cert", with(base, new CredentialConfig.Certificate(p12, Optional.empty(),
                Optional.of(passwordFile))));
        tenants.put("scan-wrong-password", with(base, new CredentialConfig.Certificate(p12, Optional.empty(),
                Optional.of(wrongPasswordFile))));
        tenants.put("scan-assertion", with(base, new CredentialConfig.AssertionFile(assertionFile)));
        Map<String, SinkConfig> sinks = new LinkedHashMap<>(cfg.sinks().targets());
        sinks.put("blob", new SinkConfig.AzureBlob(Optional.of(blobConnection), Optional.empty(), "scan", "",
                Optional.of(Azurite.SERVICE_VERSION.getVersion())));
        sinks.put("blob-bad-key", new SinkConfig.AzureBlob(Optional.of(badBlobConnection), Optional.empty(), "scan",
                "", Optional.of(Azurite.SERVICE_VERSION.getVersion())));
        KafkaSettings k = cfg.kafka();
        Map<String, String> common = new LinkedHashMap<>(k.common());
        // a SASL password in the pass-through settings (unused on a PLAINTEXT broker, but configured like one)
        common.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"scan\" password=\"" + KAFKA_PASSWORD + "\";");
        return cfg.withTenants(tenants)
                .withSinks(new Sinks(cfg.sinks().defaultSink(), sinks))
                .withKafka(new KafkaSettings(k.bootstrapServers(), k.groupId(), common, k.consumer(), k.producer()));
    }

    private static TenantConfig with(TenantConfig base, CredentialConfig credential) {
        return new TenantConfig(base.tenantId(), base.clientId(), base.cloud(), credential, base.scope(),
                base.authorityUrl(), base.powerBiApiUrl(), base.defaultProfileId());
    }

    // ---------------------------------------------------------------- scenarios

    private static void runScenarios(Lane lane) {
        List<String> ids = new ArrayList<>();
        // happy paths, one per credential kind and sink
        for (String alias : List.of(DemoStack.CONTOSO, "scan-file-secret", "scan-env-secret", "scan-cert",
                "scan-assertion")) {
            ids.add(lane.publish(request(alias, SALES_WS, SALES_REPORT, ExportFormat.PDF).build()));
        }
        ids.add(lane.publish(request(DemoStack.FABRIKAM, FABRIKAM_WS, FABRIKAM_REPORT, ExportFormat.PDF).build()));
        ids.add(lane.publish(request(DemoStack.CONTOSO, SALES_WS, SALES_REPORT, ExportFormat.PDF)
                .output(new OutputSpec("to-blob", "blob")).build()));
        // misconfigurations
        ids.add(lane.publish(request("scan-wrong-secret", SALES_WS, SALES_REPORT, ExportFormat.PDF).build()));
        ids.add(lane.publish(request("scan-wrong-password", SALES_WS, SALES_REPORT, ExportFormat.PDF).build()));
        ids.add(lane.publish(request(DemoStack.CONTOSO_GRAPH_SCOPE, SALES_WS, SALES_REPORT, ExportFormat.PDF).build()));
        ids.add(lane.publish(request(DemoStack.CONTOSO_EXPIRED_SECRET, SALES_WS, SALES_REPORT, ExportFormat.PDF)
                .build()));
        ids.add(lane.publish(request(DemoStack.NORTHWIND, NORTHWIND_WS, NORTHWIND_REPORT, ExportFormat.PDF).build()));
        ids.add(lane.publish(request(DemoStack.CONTOSO, SALES_WS, SALES_REPORT, ExportFormat.PDF)
                .output(new OutputSpec("bad-key", "blob-bad-key")).build()));
        // invalid requests
        ids.add(lane.publish(request(DemoStack.CONTOSO, FINANCE_WS, FINANCE_REPORT, ExportFormat.PDF).build()));
        ids.add(lane.publish(request(DemoStack.CONTOSO, SALES_WS, UUID.randomUUID().toString(), ExportFormat.PDF)
                .build()));
        ids.add(lane.publish(request(DemoStack.FABRIKAM, FABRIKAM_WS, FABRIKAM_REPORT, ExportFormat.PNG).build()));
        ids.add(lane.publish(request("no-such-tenant", SALES_WS, SALES_REPORT, ExportFormat.PDF).build()));
        lane.awaitOutcomes(ids, TIMEOUT);
        // dead letters
        lane.publishRaw(DemoStack.CONTOSO, "{not json".getBytes(StandardCharsets.UTF_8));
        lane.publishRaw(DemoStack.CONTOSO, "{\"tenant\":\"contoso\"}".getBytes(StandardCharsets.UTF_8));
        lane.awaitDeadLetters(2, TIMEOUT);

        // faults: Power BI 429s, 5xx and dropped connections, Entra throttling, busy and failed exports
        harness.faults("{\"forced429Count\":3,\"forced429RetryAfterSeconds\":1,\"entraThrottleCount\":2,"
                + "\"entraThrottleRetryAfterSeconds\":1,\"exportBusyFailures\":1,\"exportPermanentFailures\":1,"
                + "\"entraOutageUntil\":\"" + Instant.now().plusSeconds(3) + "\"}");
        List<String> faulted = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            faulted.add(lane.publish(request(DemoStack.CONTOSO, SALES_WS, SALES_REPORT, ExportFormat.PDF).build()));
        }
        lane.awaitOutcomes(faulted, TIMEOUT);
        harness.faults("{\"powerBiErrorRate\":0.2,\"dropConnectionRate\":0.1}");
        try {
            List<String> flaky = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String alias = i % 2 == 0 ? DemoStack.CONTOSO : "scan-cert";
                flaky.add(lane.publish(request(alias, SALES_WS, SALES_REPORT, ExportFormat.PDF).build()));
            }
            lane.awaitOutcomes(flaky, TIMEOUT);
        } finally {
            harness.faults("{\"powerBiErrorRate\":0,\"dropConnectionRate\":0}");
        }
        Map<String, Long> kinds = new java.util.TreeMap<>();
        lane.allOutcomes(Duration.ZERO).values().forEach(list -> list.forEach(o -> kinds.merge(
                o.isCompleted() ? "completed" : o.isFailed() ? o.failed().error().code() : "other", 1L, Long::sum)));
        System.out.println("secret scan outcomes: " + kinds);
        assertThat(kinds).as("happy paths and classified failures both ran").containsKey("completed")
                .containsKeys("AUTH_INVALID_SECRET", "AUTH_SECRET_EXPIRED");
    }

    private static ExportRequested.Builder request(String alias, String ws, String report, ExportFormat format) {
        return ExportRequested.builder("scan-" + UUID.randomUUID(), alias, ws, report, format);
    }

    // ---------------------------------------------------------------- artefacts

    private static List<Artefact> adminEndpoints(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<Artefact> out = new ArrayList<>();
        for (String path : List.of("/metrics", "/health/live", "/health/ready")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            out.add(new Artefact("admin " + path, r.headers().map() + "\n" + r.body()));
        }
        assertThat(out.get(0).text()).as("/metrics").contains("# TYPE");
        return out;
    }

    private static List<Artefact> doctor(WorkerConfig config, Map<String, String> env) {
        List<Artefact> out = new ArrayList<>();
        DoctorRequest trial = new DoctorRequest(Optional.of(SALES_WS), Optional.of(SALES_REPORT), Optional.of("PDF"),
                Optional.empty(), true, Duration.ofSeconds(60));
        DoctorRequest checks = new DoctorRequest(Optional.of(SALES_WS), Optional.of(SALES_REPORT), Optional.of("PDF"),
                Optional.empty(), false, Duration.ofSeconds(60));
        for (String alias : List.of(DemoStack.CONTOSO, "scan-cert", "scan-assertion", "scan-env-secret",
                "scan-wrong-secret", "scan-wrong-password", DemoStack.CONTOSO_GRAPH_SCOPE,
                DemoStack.CONTOSO_EXPIRED_SECRET, DemoStack.NORTHWIND)) {
            DoctorReport report = DoctorCommand.diagnose(config, alias,
                    alias.equals(DemoStack.CONTOSO) ? trial : checks, env, Clock.systemUTC());
            out.add(new Artefact("doctor --json " + alias, report.toJson()));
            out.add(new Artefact("doctor " + alias, report.toText()));
        }
        return out;
    }

    /** Every record of the results, dead-letter and job-state topics, uncommitted (aborted) data included. */
    private static List<Artefact> topics(WorkerConfig config) {
        List<Artefact> out = new ArrayList<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, harness.stack().kafkaBootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            for (String topic : List.of(config.topics().results(), config.topics().deadLetter(),
                    config.topics().jobState())) {
                List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(i -> new TopicPartition(topic, i.partition())).toList();
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                Map<TopicPartition, Long> end = consumer.endOffsets(parts);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                        && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        StringBuilder text = new StringBuilder();
                        text.append(r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8)).append('\n');
                        for (Header h : r.headers()) {
                            text.append(h.key()).append('=').append(h.value() == null ? ""
                                    : new String(h.value(), StandardCharsets.UTF_8)).append('\n');
                        }
                        text.append(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8));
                        out.add(new Artefact(topic + "@" + r.partition() + ":" + r.offset(), text.toString()));
                    }
                }
            }
        }
        assertThat(out).as("records read back").hasSizeGreaterThan(20);
        return out;
    }

    private static List<Artefact> exceptionsAndToStrings(WorkerConfig config, Path secretFile) {
        List<Artefact> out = new ArrayList<>();
        out.add(new Artefact("WorkerConfig.toString", config.toString()));
        config.tenants().forEach((alias, t) -> {
            out.add(new Artefact("TenantConfig " + alias, t.toString()));
            out.add(new Artefact("CredentialConfig " + alias, t.credential().toString()));
        });
        config.sinks().targets().forEach((alias, s) -> out.add(new Artefact("SinkConfig " + alias, s.toString())));
        out.add(new Artefact("KafkaSettings", config.kafka().toString()));

        TenantConfig contoso = config.tenants().get(DemoStack.CONTOSO);
        Map<String, CredentialSource> sources = new LinkedHashMap<>();
        sources.put("wrong secret", new CredentialSource.Secret(() -> WRONG_SECRET));
        sources.put("file secret", new CredentialSource.Secret(() -> FILE_SECRET));
        sources.put("wrong password", new CredentialSource.Certificate(secretFile, () -> WRONG_CERT_PASSWORD));
        for (Map.Entry<String, CredentialSource> e : sources.entrySet()) {
            TenantCredentials credentials = new TenantCredentials("scan", contoso.tenantId(), contoso.clientId(),
                    URI.create("https://login.microsoftonline.com"), "https://analysis.windows.net/powerbi/api/.default",
                    e.getValue(), contoso.authorityUrl());
            out.add(new Artefact("CredentialSource " + e.getKey(), e.getValue().toString()));
            out.add(new Artefact("TenantCredentials " + e.getKey(), credentials.toString()));
            try (TokenService service = TokenService.create(List.of(credentials), TokenPolicy.defaults(),
                    Clock.systemUTC())) {
                var token = service.forTenant("scan").token();
                out.add(new Artefact("AccessToken.toString " + e.getKey(), token.toString()));
            } catch (TokenAcquisitionException failure) {
                StringWriter trace = new StringWriter();
                failure.printStackTrace(new PrintWriter(trace));
                out.add(new Artefact("exception " + e.getKey(), failure.getMessage() + "\n" + failure.failure()
                        + "\n" + trace));
            }
        }
        return out;
    }

    private static long countLines(List<Artefact> artefacts) {
        return artefacts.stream().filter(a -> a.name().startsWith("log")).mapToLong(a -> a.text().lines().count())
                .sum();
    }

    // ---------------------------------------------------------------- the scan

    /** One thing the worker produced, by where it came from. */
    record Artefact(String name, String text) { }

    /** What to look for: each secret, each token and each token's signature alone (a truncated token leaks too). */
    record Scan(Map<String, String> needles) {
        static Scan of(Set<String> secrets, List<String> tokens) {
            Map<String, String> needles = new LinkedHashMap<>();
            secrets.forEach(s -> needles.put(s, "secret #" + needles.size()));
            for (int i = 0; i < tokens.size(); i++) {
                String t = tokens.get(i);
                needles.put(t, "token #" + i);
                needles.put(t.substring(t.lastIndexOf('.') + 1), "signature of token #" + i);
            }
            return new Scan(needles);
        }

        /**
         * Where each needle was found, naming the needle by number only (the report must not leak either). A match
         * counts unless it is part of a longer word: the default scenario's secret {@code expired-secret} is also
         * the tail of the tenant alias {@code contoso-expired-secret}, which is no leak.
         */
        List<String> hits(List<Artefact> artefacts) {
            List<String> hits = new ArrayList<>();
            for (Artefact a : artefacts) {
                needles.forEach((needle, label) -> {
                    int at = standaloneIndex(a.text(), needle);
                    if (at >= 0) {
                        String context = a.text().substring(Math.max(0, at - 80), at).replace('\n', ' ');
                        hits.add(label + " in " + a.name() + " after \"" + context + "\"");
                    }
                });
            }
            return hits;
        }

        private static int standaloneIndex(String text, String needle) {
            for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
                int end = at + needle.length();
                if ((at == 0 || !wordChar(text.charAt(at - 1))) && (end == text.length() || !wordChar(text.charAt(end)))) {
                    return at;
                }
            }
            return -1;
        }

        private static boolean wordChar(char c) {
            return Character.isLetterOrDigit(c) || c == '-' || c == '_';
        }
    }

    // ---------------------------------------------------------------- files

    private static Path write(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static Path keytool(String password) throws Exception {
        Path p12 = dir.resolve("client.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048",
                "-sigalg", "SHA256withRSA", "-dname", "CN=secret-scan", "-validity", "2", "-startdate", "-1d", "-storetype", "PKCS12",
                "-keystore", p12.toString(), "-storepass", password, "-keypass", password, "-noprompt")
                .redirectErrorStream(true).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("keytool exit code").isZero();
        return p12;
    }

    private static String certificateDer(Path p12, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, password.toCharArray());
        }
        return Base64.getEncoder().encodeToString(ks.getCertificate("client").getEncoded());
    }
}
