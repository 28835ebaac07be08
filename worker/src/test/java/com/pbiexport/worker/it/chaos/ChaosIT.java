package com.pbiexport.worker.it.chaos;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.kafka.KafkaProcess;
import com.pbiexport.devstack.scenario.App;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.scenario.Tenant;
import com.pbiexport.devstack.sim.FaultSettings;
import com.pbiexport.devstack.sim.SimProfile;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.config.AdminSettings;
import com.pbiexport.worker.config.CloudName;
import com.pbiexport.worker.config.CredentialConfig;
import com.pbiexport.worker.config.HttpSettings;
import com.pbiexport.worker.config.KafkaSettings;
import com.pbiexport.worker.config.Limits;
import com.pbiexport.worker.config.LoggingSettings;
import com.pbiexport.worker.config.SinkConfig;
import com.pbiexport.worker.config.Sinks;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.config.TokenSettings;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.it.Outcome;
import com.pbiexport.worker.it.chaos.ChaosSchedule.Fault;
import com.pbiexport.worker.it.process.ConfigFile;
import com.pbiexport.worker.it.process.CrashLane;
import com.pbiexport.worker.it.process.WorkerProcess;
import com.pbiexport.worker.testing.Azurite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #17, item 2: the seeded chaos run. Three worker JVMs (a fourth joins) in exactly-once mode on one broker
 * JVM, the realistic simulator profile, an Azure Blob sink (Azurite) behind a fault relay, and a request every
 * 500 ms, while the faults of {@link ChaosSchedule} (from one seed) overlap: broker SIGKILL and restart, token
 * endpoint outages, 10 % Power BI 5xx and 5 % cut connections, slow and failing sink, SIGKILL and SIGTERM of
 * workers, a worker joining. Then, read with {@code read_committed}: exactly one outcome per request, no export
 * recorded in job state started twice, no partial or orphan blob, zero secret hits, and the outcome meters of
 * each JVM against the outcome events it published ({@link Meters}: counted equal to published for the
 * JVMs running at the end or stopped by SIGTERM; reported for those SIGKILLed).
 *
 * <p>{@code -Dchaos.minutes=10} for the long run (default 2, the CI version: about 3.5 minutes with start-up), {@code -Dchaos.seed=N} to replay;
 * the seed is printed first and is in every failure message; {@code -Dchaos.logs.dir=DIR} keeps the worker JVMs'
 * logs (otherwise in the test's temporary directory, deleted). Not in the default {@code verify} (worker/pom.xml):
 * run by command.
 */
class ChaosIT {
    private static final int PARTITIONS = 6;
    private static final Duration REQUEST_INTERVAL = Duration.ofMillis(500);
    private static final Duration DRAIN = Duration.ofSeconds(5);
    private static final String CONTAINER = "chaos";

    @TempDir
    Path dir;

    @Test
    void overlappingFaultsLoseNothingDuplicateNothingLeakNothingAndMetersAgreeWithEvents() throws Exception {
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        double minutes = Double.parseDouble(System.getProperty("chaos.minutes", "2"));
        Duration run = Duration.ofMillis((long) (minutes * 60_000));
        List<Fault> faults = ChaosSchedule.of(seed, run);
        String replay = "seed " + seed + " (replay: -Dchaos.seed=" + seed + " -Dchaos.minutes=" + minutes + ")";
        System.out.println("ChaosIT " + replay + ", " + faults.size() + " faults:");
        faults.forEach(f -> System.out.println("  " + f));
        Instant started = Instant.now();
        Scenario scenario = Scenario.defaultScenario().withPageRenderMillis(300).withTokenLifetimeSeconds(30);
        ExecutorService brokerThread = Executors.newSingleThreadExecutor();
        try (KafkaProcess broker = KafkaProcess.start();
             DevStack stack = DevStack.builder().scenario(scenario).profile(SimProfile.REALISTIC).kafka(false).start();
             Azurite azurite = Azurite.start();
             SinkFaultProxy proxy = SinkFaultProxy.start(azurite.port());
             CrashLane lane = CrashLane.create(broker, "chaos", PARTITIONS)) {
            BlobContainerClient container = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                    .serviceVersion(Azurite.SERVICE_VERSION).buildClient().getBlobContainerClient(CONTAINER);
            container.create();
            String blobConnection = Azurite.connectionStringFor("http://127.0.0.1:" + proxy.port() + "/"
                    + Azurite.ACCOUNT);
            WorkerConfig base = config(stack, broker.bootstrapServers(), lane, blobConnection);
            String keep = System.getProperty("chaos.logs.dir", "");
            Path logs = keep.isBlank() ? dir.resolve("logs") : Path.of(keep).resolve("chaos-" + seed);
            FaultSettings baseline = stack.faults().current();
            try (ChaosWorkers workers = new ChaosWorkers(lane.groupId(), id -> ConfigFile.write(
                    base.withInstanceId(id), Map.of("intake.poisonAfterCrashes", 1000,
                            "shutdown.drainTimeout", DRAIN.toSeconds() + "s"), dir.resolve(id + ".json")),
                    logs, List.of());
                 ChaosLoad load = new ChaosLoad(broker.bootstrapServers(), lane.topics().requests(),
                         REQUEST_INTERVAL, seed)) {
                for (int i = 0; i < ChaosSchedule.INITIAL_WORKERS; i++) {
                    workers.start(i);
                }
                for (int i = 0; i < ChaosSchedule.INITIAL_WORKERS; i++) {
                    workers.in(i).awaitReady(Duration.ofSeconds(120));
                }
                Duration startUp = Duration.between(started, Instant.now());
                List<Step> steps = steps(faults, stack, baseline, broker, brokerThread, proxy, workers);
                long t0 = System.nanoTime();
                load.start();
                for (Step s : steps) {
                    waitUntil(t0, s.at());
                    s.action().run();
                }
                waitUntil(t0, run);
                load.stop(Duration.ofSeconds(120));
                stack.faults().set(baseline);
                proxy.slow(0);
                proxy.down(false);
                brokerThread.shutdown();
                assertThat(brokerThread.awaitTermination(60, TimeUnit.SECONDS)).as("broker back, " + replay).isTrue();
                workers.settle(Duration.ofSeconds(60));
                for (int slot = 0; slot <= ChaosSchedule.INITIAL_WORKERS; slot++) {
                    workers.in(slot).awaitReady(Duration.ofSeconds(90));
                }
                List<String> ids = load.acknowledged();
                Set<String> missing = lane.awaitOutcomes(ids, Duration.ofSeconds(150));
                lane.readFor(Duration.ofSeconds(3));
                CrashLane.Tally tally = lane.tally(ids);
                List<ChaosWorkers.Life> lives = new ArrayList<>(workers.ended());
                List<ChaosWorkers.Life> survivors = workers.survivors();
                lives.addAll(survivors);
                Meters meters = Meters.of(lives, lane.allOutcomes());
                List<Outcome> completions = ids.stream().map(lane::outcomeOf)
                        .filter(o -> o != null && o.isCompleted()).toList();
                List<String> files = ChaosChecks.fileProblems(container, completions);
                workers.close(); // the logs are complete once every JVM is gone
                List<ChaosChecks.Artefact> artefacts = new ArrayList<>(ChaosChecks.logs(workers.logFiles()));
                artefacts.addAll(ChaosChecks.topicRecords(broker.bootstrapServers(), List.of(lane.topics().results(),
                        lane.topics().jobState(), lane.topics().deadLetter())));
                lives.forEach(l -> artefacts.add(new ChaosChecks.Artefact("metrics of " + l.instanceId(), l.metrics())));
                Set<String> secrets = secrets(stack, blobConnection);
                List<String> tokens = stack.accessTokens().issued();
                List<String> canary = ChaosChecks.secretHits(secrets, tokens, List.of(new ChaosChecks.Artefact(
                        "canary", "Authorization: Bearer " + tokens.get(0))));
                List<String> hits = ChaosChecks.secretHits(secrets, tokens, artefacts);

                String figures = "requests=" + ids.size() + " (sent " + load.sent() + ", refused " + load.refused()
                        + ") faults=" + faults.size() + " " + tally.summary() + " failuresByCode="
                        + failuresByCode(tally) + " sinkConnectionsCut=" + proxy.connectionsCut() + " jvms="
                        + lives.size() + " secretsScanned=" + secrets.size() + " tokensScanned=" + tokens.size()
                        + " artefacts=" + artefacts.size() + " secretHits=" + hits.size() + " fileProblems="
                        + files.size() + " countedNotPublished=" + meters.uncommitted() + " startUp=" + startUp.toSeconds() + "s total="
                        + Duration.between(started, Instant.now()).toSeconds() + "s " + replay;
                System.out.println("FIGURES ChaosIT " + figures);
                System.out.println("METERS ChaosIT\n" + meters.report());

                assertThat(workers.errors()).as("worker faults carried out, %s", replay).isEmpty();
                assertThat(ids).as("requests published, %s", replay).hasSizeGreaterThan((int) (run.toSeconds()));
                assertThat(missing).as("requests without an outcome, %s, logs in %s", replay, logs).isEmpty();
                assertThat(tally.duplicated()).as("requests answered more than once (read_committed), %s", replay)
                        .isEmpty();
                assertThat(tally.deadLetters()).as("dead letters, %s", replay).isZero();
                assertThat(tally.startedAgainAfterRecord()).as("exports recorded in job state started again, %s",
                        replay).isEmpty();
                assertThat(tally.completedByAnotherExport()).as("completed by another export, %s", replay).isEmpty();
                assertThat(tally.failures()).as("every failure classified, %s", replay)
                        .allMatch(f -> !f.contains("POISON_REQUEST"));
                assertThat(files).as("partial, orphan or missing blobs, %s", replay).isEmpty();
                assertThat(canary).as("the secret scan finds a leaked token").isNotEmpty();
                assertThat(hits).as("secrets or tokens found, %s", replay).isEmpty();
                assertThat(meters.disagreements()).as("meters against events, %s", replay).isEmpty();
            }
        } finally {
            brokerThread.shutdownNow();
        }
    }

    /** A timed action of the run. */
    record Step(Duration at, Runnable action) { }

    private static List<Step> steps(List<Fault> faults, DevStack stack, FaultSettings baseline, KafkaProcess broker,
                                    ExecutorService brokerThread, SinkFaultProxy proxy, ChaosWorkers workers) {
        List<Step> steps = new ArrayList<>();
        for (Fault f : faults) {
            switch (f.kind()) {
                case POWER_BI_FLAKY -> {
                    steps.add(new Step(f.at(), () -> merge(stack, "{\"powerBiErrorRate\":0.10,\"dropConnectionRate\":0.05}")));
                    steps.add(new Step(f.end(), () -> merge(stack, "{\"powerBiErrorRate\":" + baseline.powerBiErrorRate()
                            + ",\"dropConnectionRate\":" + baseline.dropConnectionRate() + "}")));
                }
                case BROKER_KILL -> steps.add(new Step(f.at(), () -> brokerThread.submit(() -> {
                    broker.kill();
                    ChaosWorkers.pause(f.duration());
                    broker.restart();
                })));
                case TOKEN_OUTAGE -> steps.add(new Step(f.at(), () -> merge(stack,
                        "{\"entraOutageUntil\":\"" + Instant.now().plus(f.duration()) + "\"}")));
                case SINK_SLOW -> {
                    steps.add(new Step(f.at(), () -> proxy.slow(f.parameter())));
                    steps.add(new Step(f.end(), () -> proxy.slow(0)));
                }
                case SINK_DOWN -> {
                    steps.add(new Step(f.at(), () -> proxy.down(true)));
                    steps.add(new Step(f.end(), () -> proxy.down(false)));
                }
                case WORKER_SIGKILL -> steps.add(new Step(f.at(), () -> workers.sigkill(f.target(), f.duration())));
                case WORKER_SIGTERM -> steps.add(new Step(f.at(),
                        () -> workers.sigterm(f.target(), f.duration(), DRAIN.plusSeconds(40))));
                case WORKER_JOIN -> steps.add(new Step(f.at(), () -> workers.join(f.target())));
            }
        }
        steps.sort(Comparator.comparing(Step::at));
        return steps;
    }

    private static void merge(DevStack stack, String json) {
        stack.faults().merge(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Waits until {@code at} has passed since {@code t0} on this test's clock (bounded by the wait itself). */
    private static void waitUntil(long t0, Duration at) {
        long left = at.toNanos() - (System.nanoTime() - t0);
        if (left > 0) {
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                    .atMost(Duration.ofNanos(left).plusSeconds(5))
                    .until(() -> System.nanoTime() - t0 >= at.toNanos());
        }
    }

    private static Map<String, Integer> failuresByCode(CrashLane.Tally tally) {
        Map<String, Integer> codes = new TreeMap<>();
        for (String f : tally.failures()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("[A-Z][A-Z_]{3,}").matcher(f);
            codes.merge(m.find() ? m.group() : "?", 1, Integer::sum);
        }
        return codes;
    }

    private static Set<String> secrets(DevStack stack, String blobConnection) {
        Set<String> secrets = new LinkedHashSet<>();
        for (Tenant t : stack.scenario().tenants()) {
            for (App a : t.apps()) {
                a.secrets().forEach(s -> secrets.add(s.value()));
            }
        }
        String key = blobConnection.substring(blobConnection.indexOf("AccountKey=") + "AccountKey=".length());
        secrets.add(key.substring(0, key.indexOf(';')));
        secrets.add(blobConnection);
        return secrets;
    }

    /** The contoso tenant of the default scenario, an Azure Blob sink, and the lane's topics and group. */
    private static WorkerConfig config(DevStack stack, String bootstrap, CrashLane lane, String blobConnection) {
        Tenant contoso = stack.scenario().tenant("contoso.onmicrosoft.com").orElseThrow();
        App app = contoso.apps().get(0);
        TenantConfig tenant = new TenantConfig(contoso.id(), app.clientId(), CloudName.PUBLIC,
                CredentialConfig.Secret.inline(app.secrets().get(0).value()), Optional.empty(),
                Optional.of(URI.create(stack.entraUrl())), Optional.of(URI.create(stack.powerBiUrl())), Optional.empty());
        Map<String, String> consumer = Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1000");
        Map<String, String> producer = Map.of("transaction.timeout.ms", "10000");
        return new WorkerConfig(lane.groupId(), new KafkaSettings(bootstrap, lane.groupId(), Map.of(), consumer, producer),
                lane.topics(), Map.of(DemoStack.CONTOSO, tenant),
                Sinks.single("blob", new SinkConfig.AzureBlob(Optional.of(blobConnection), Optional.empty(), CONTAINER,
                        "chaos/", Optional.of("2025-11-05"))),
                Limits.defaults().withPollFallbackInterval(Duration.ofSeconds(1)).withExportTimeout(Duration.ofMinutes(5)),
                HttpSettings.defaults(),
                new TokenSettings(TokenSettings.DEFAULT_REFRESH_AT_FRACTION, Duration.ofSeconds(10), Duration.ofSeconds(1)),
                new AdminSettings("127.0.0.1", 0), LoggingSettings.defaults());
    }
}
