package com.pbiexport.worker.it.security;

import com.pbiexport.contracts.ExportFormat;
import com.pbiexport.contracts.ExportRequested;
import com.pbiexport.devstack.entra.EntraCredentials;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.worker.app.DemoStack;
import com.pbiexport.worker.config.CredentialConfig;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.it.Lane;
import com.pbiexport.worker.it.Outcome;
import com.pbiexport.worker.it.WorkerHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static com.pbiexport.worker.it.ScenarioIds.CONTOSO_APP;
import static com.pbiexport.worker.it.ScenarioIds.CONTOSO_SECRET;
import static com.pbiexport.worker.it.ScenarioIds.CONTOSO_TENANT_ID;
import static com.pbiexport.worker.it.ScenarioIds.SALES_REPORT;
import static com.pbiexport.worker.it.ScenarioIds.SALES_WS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Credential rotation without a restart, end to end. One running worker has three aliases of the same app, one per
 * credential kind, each read from files: a client secret ({@code secret.file}), a PKCS#12 certificate with its
 * password file, and a federated client-assertion file. Tokens live 6 s at the simulator, so the worker refreshes
 * every few seconds on its own. Mid-run an administrator rotates: registers the new secret / certificate /
 * assertion at Entra, the files are swapped atomically (as a Kubernetes secret volume does), then the old
 * credentials are REMOVED at Entra. Requests keep succeeding across several token lifetimes after the removal,
 * which only a worker using the new credentials can do, and the simulator saw the new secret and, once it had,
 * never the old one again.
 */
class CredentialRotationIT {
    private static final long TOKEN_LIFETIME_SECONDS = 6;
    private static final String NEW_SECRET = "rotated-secret-" + UUID.randomUUID();
    private static final String OLD_ASSERTION = "federated-assertion-old-" + UUID.randomUUID();
    private static final String NEW_ASSERTION = "federated-assertion-new-" + UUID.randomUUID();
    private static final String OLD_PASSWORD = "old-p12-password-" + UUID.randomUUID();
    private static final String NEW_PASSWORD = "new-p12-password-" + UUID.randomUUID();

    @TempDir
    static Path dir;
    private static WorkerHarness harness;

    @BeforeAll
    static void start() {
        harness = WorkerHarness.start(Scenario.defaultScenario().withPageRenderMillis(20)
                .withTokenLifetimeSeconds(TOKEN_LIFETIME_SECONDS));
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void rotatedSecretCertificateAndAssertionFilesAreUsedWithoutRestartAndTheOldOnesNeverAgain() throws Exception {
        EntraCredentials entra = harness.stack().entraCredentials();
        Path secretFile = dir.resolve("client-secret");
        Path p12 = dir.resolve("client.p12");
        Path passwordFile = dir.resolve("p12-password");
        Path assertionFile = dir.resolve("federated-token");
        Path oldP12 = keytool("old", OLD_PASSWORD);
        Path newP12 = keytool("new", NEW_PASSWORD);
        String oldCert = certificateDer(oldP12, OLD_PASSWORD);
        String newCert = certificateDer(newP12, NEW_PASSWORD);

        swap(secretFile, CONTOSO_SECRET.getBytes(StandardCharsets.UTF_8));
        swap(p12, Files.readAllBytes(oldP12));
        swap(passwordFile, OLD_PASSWORD.getBytes(StandardCharsets.UTF_8));
        swap(assertionFile, OLD_ASSERTION.getBytes(StandardCharsets.UTF_8));
        entra.addCertificate(CONTOSO_TENANT_ID, CONTOSO_APP, oldCert);
        entra.addFederatedAssertion(CONTOSO_TENANT_ID, CONTOSO_APP, OLD_ASSERTION);

        try (Lane lane = harness.lane("rotation", cfg -> {
            // only the rotating tenants: the demo's own aliases hold the old secret inline, and the worker fetches
            // (and keeps refreshing) a token for every configured tenant from start-up on
            Map<String, TenantConfig> tenants = new LinkedHashMap<>();
            TenantConfig base = cfg.tenants().get(DemoStack.CONTOSO);
            tenants.put("rot-secret", with(base, CredentialConfig.Secret.fromFile(secretFile)));
            tenants.put("rot-cert", with(base, new CredentialConfig.Certificate(p12, Optional.empty(),
                    Optional.of(passwordFile))));
            tenants.put("rot-assertion", with(base, new CredentialConfig.AssertionFile(assertionFile)));
            return cfg.withTenants(tenants);
        })) {
            lane.startWorker();
            assertAllComplete(lane, "before rotation");

            // rotation, in the order an administrator does it: add new, deploy new, remove old
            entra.addSecret(CONTOSO_TENANT_ID, CONTOSO_APP, NEW_SECRET, null);
            entra.addCertificate(CONTOSO_TENANT_ID, CONTOSO_APP, newCert);
            entra.addFederatedAssertion(CONTOSO_TENANT_ID, CONTOSO_APP, NEW_ASSERTION);
            long rotatedAt = entra.nextSequence();
            swap(secretFile, NEW_SECRET.getBytes(StandardCharsets.UTF_8));
            swap(passwordFile, NEW_PASSWORD.getBytes(StandardCharsets.UTF_8));
            swap(p12, Files.readAllBytes(newP12));
            swap(assertionFile, NEW_ASSERTION.getBytes(StandardCharsets.UTF_8));

            // the worker's own refresh (no restart, no invalidation from the test) picks up the new secret
            await("the new secret reaches Entra").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> presentedSince(entra, rotatedAt).stream()
                            .anyMatch(p -> p.accepted() && isFingerprint(p, NEW_SECRET)));
            entra.removeSecret(CONTOSO_TENANT_ID, CONTOSO_APP, CONTOSO_SECRET);
            entra.removeCertificate(CONTOSO_TENANT_ID, CONTOSO_APP, oldCert);
            entra.removeFederatedAssertion(CONTOSO_TENANT_ID, CONTOSO_APP, OLD_ASSERTION);
            long removedAt = entra.nextSequence();

            // two full token lifetimes: every token the worker holds now was fetched after the removal
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2 * TOKEN_LIFETIME_SECONDS + 1);
            await("two token lifetimes").atMost(Duration.ofSeconds(3 * TOKEN_LIFETIME_SECONDS))
                    .pollInterval(Duration.ofMillis(250)).until(() -> System.nanoTime() > until);
            assertAllComplete(lane, "after the old credentials were removed");

            List<EntraCredentials.Presentation> afterRotation = presentedSince(entra, rotatedAt);
            long firstNew = afterRotation.stream().filter(p -> isFingerprint(p, NEW_SECRET))
                    .mapToLong(EntraCredentials.Presentation::sequence).min().orElseThrow();
            assertThat(afterRotation).as("the old secret after the worker switched to the new one")
                    .filteredOn(p -> p.sequence() > firstNew).noneMatch(p -> isFingerprint(p, CONTOSO_SECRET));
            List<EntraCredentials.Presentation> afterRemoval = presentedSince(entra, removedAt);
            assertThat(afterRemoval).as("secret presentations after the removal (refreshes happened)").isNotEmpty()
                    .allSatisfy(p -> {
                        assertThat(isFingerprint(p, NEW_SECRET)).as("the new secret").isTrue();
                        assertThat(p.accepted()).isTrue();
                    });
        }
    }

    private static void assertAllComplete(Lane lane, String when) {
        List<String> ids = new ArrayList<>();
        for (String alias : List.of("rot-secret", "rot-cert", "rot-assertion")) {
            ids.add(lane.publish(ExportRequested.builder("it-" + UUID.randomUUID(), alias, SALES_WS, SALES_REPORT,
                    ExportFormat.PDF).build()));
        }
        Map<String, Outcome> outcomes = lane.awaitOutcomes(ids, Duration.ofSeconds(60));
        assertThat(outcomes.values()).as(when).allSatisfy(o -> assertThat(o.isCompleted()).as(o.describe()).isTrue());
    }

    private static List<EntraCredentials.Presentation> presentedSince(EntraCredentials entra, long sequence) {
        return entra.presentations().stream().filter(p -> p.sequence() >= sequence
                && p.clientId().equalsIgnoreCase(CONTOSO_APP)).toList();
    }

    private static boolean isFingerprint(EntraCredentials.Presentation p, String secret) {
        return p.secretFingerprint().equals(EntraCredentials.fingerprint(secret));
    }

    private static TenantConfig with(TenantConfig base, CredentialConfig credential) {
        return new TenantConfig(base.tenantId(), base.clientId(), base.cloud(), credential, base.scope(),
                base.authorityUrl(), base.powerBiApiUrl(), base.defaultProfileId());
    }

    /** Replaces a file in one step (write aside, atomic move), as a Kubernetes secret volume swaps its link. */
    private static void swap(Path file, byte[] content) throws Exception {
        Path tmp = Files.createTempFile(file.getParent(), ".swap-", ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path keytool(String name, String password) throws Exception {
        Path p12 = dir.resolve(name + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048",
                "-sigalg", "SHA256withRSA", "-dname", "CN=rotation-" + name, "-validity", "2", "-startdate", "-1d", "-storetype", "PKCS12",
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
        return java.util.Base64.getEncoder().encodeToString(ks.getCertificate("client").getEncoded());
    }
}
