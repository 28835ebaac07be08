package com.pbiexport.worker.auth;

import com.pbiexport.devstack.DevStack;
import com.pbiexport.devstack.scenario.App;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.scenario.Tenant;
import com.pbiexport.worker.diagnose.TokenClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The worker's token source with the two credentials that are not a secret, against the devstack's Entra
 * simulator through real msal4j: a PKCS#12 certificate made by keytool (as an operator makes one), and a
 * client-assertion file (workload identity federation) that is re-read on every token request.
 */
class CertificateAndAssertionCredentialIT {
    private static final String PASSWORD = "worker-it-pass";
    private static final String POWER_BI_SCOPE = "https://analysis.windows.net/powerbi/api/.default";

    @TempDir
    static Path dir;
    private static Path pkcs12;
    private static DevStack stack;
    private static Tenant contoso;

    @BeforeAll
    static void startStackWithTheCertificateRegistered() throws Exception {
        pkcs12 = dir.resolve("client.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048",
                "-sigalg", "SHA256withRSA", "-dname", "CN=worker-it", "-validity", "2", "-startdate", "-1d", "-storetype", "PKCS12",
                "-keystore", pkcs12.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(p.exitValue()).as("keytool exit code").isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pkcs12)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        Certificate cert = ks.getCertificate("client");
        String der = Base64.getEncoder().encodeToString(cert.getEncoded());

        Scenario base = Scenario.defaultScenario();
        List<Tenant> tenants = new ArrayList<>(base.tenants());
        Tenant t = tenants.get(0);
        App app = t.apps().get(0);
        App withCert = new App(app.clientId(), app.displayName(), app.objectId(), app.enabled(), app.secrets(),
                List.of(der), app.federatedAssertions(), app.profiles());
        List<App> apps = new ArrayList<>(t.apps());
        apps.set(0, withCert);
        contoso = new Tenant(t.id(), t.domain(), t.cloud(), t.settings(), apps, t.capacities(), t.workspaces(), t.reports());
        tenants.set(0, contoso);
        stack = DevStack.builder().kafka(false).scenario(new Scenario(base.name(), base.tokenLifetimeSeconds(),
                base.fileExpirySeconds(), base.pageRenderMillis(), base.pollRetryAfterSeconds(), tenants)).start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static TokenService tokens(CredentialSource credential) {
        TenantCredentials c = new TenantCredentials("contoso", contoso.id(), contoso.apps().get(0).clientId(),
                URI.create("https://login.microsoftonline.com"), POWER_BI_SCOPE, credential,
                Optional.of(URI.create(stack.entraUrl())));
        return TokenService.create(List.of(c), TokenPolicy.defaults(), Clock.systemUTC());
    }

    @Test
    void certificateCredentialGetsAPowerBiTokenSignedByTheAppsCertificate() {
        try (TokenService service = tokens(new CredentialSource.Certificate(pkcs12, () -> PASSWORD))) {
            AccessToken token = service.forTenant("contoso").token();

            TokenClaims claims = TokenClaims.decode(token.value()).orElseThrow();
            assertThat(claims.audience()).contains("https://analysis.windows.net/powerbi/api");
            assertThat(claims.appId()).contains(contoso.apps().get(0).clientId());
            assertThat(claims.tenantId()).contains(contoso.id());
            assertThat(token.toString()).doesNotContain(token.value());
        }
    }

    @Test
    void wrongCertificatePasswordIsReportedAsAnUnreadableCredentialWithoutThePassword() {
        try (TokenService service = tokens(new CredentialSource.Certificate(pkcs12, () -> "not-the-password"))) {
            assertThatThrownBy(() -> service.forTenant("contoso").token())
                    .isInstanceOfSatisfying(TokenAcquisitionException.class, e -> {
                        assertThat(e.failure().kind()).isEqualTo(TokenFailure.Kind.CREDENTIAL_UNREADABLE);
                        assertThat(e.getMessage()).doesNotContain("not-the-password");
                    });
        }
    }

    @Test
    void assertionFileIsReadAgainOnEveryRequestSoARotatedAssertionIsUsed() throws Exception {
        Path assertion = dir.resolve("federated-token");
        Files.writeString(assertion, "devstack-federated-assertion");
        try (TokenService service = tokens(new CredentialSource.AssertionFile(assertion))) {
            TokenSource source = service.forTenant("contoso");
            AccessToken first = source.token();
            assertThat(TokenClaims.decode(first.value()).orElseThrow().audience())
                    .contains("https://analysis.windows.net/powerbi/api");

            // the projected token is rotated to one Entra does not accept: the next fetch must use it, and fail
            Files.writeString(assertion, "a-rotated-assertion-entra-does-not-know");
            source.invalidate(first);

            assertThatThrownBy(source::token).isInstanceOfSatisfying(TokenAcquisitionException.class, e -> {
                assertThat(e.failure().kind()).isEqualTo(TokenFailure.Kind.REJECTED);
                assertThat(e.failure().aadsts()).isPresent();
            });
        }
    }
}
