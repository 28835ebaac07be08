package com.pbiexport.worker.diagnose.doctor;

import com.pbiexport.worker.auth.AccessToken;
import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.auth.TokenFailure;
import com.pbiexport.worker.auth.TokenHealth;
import com.pbiexport.worker.auth.TokenSource;
import com.pbiexport.worker.diagnose.Classifier;
import com.pbiexport.contracts.ErrorCode;
import com.pbiexport.worker.powerbi.PowerBiClient;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The doctor's tenant-level links without any server: whatever breaks before Power BI is called is named from the
 * credential, the token answer or the token's claims, with the shared classifier's code, and everything after it is
 * skipped. A Power BI client is never touched in these cases (the fake throws if asked).
 */
class DoctorTest {
    private static final Instant NOW = Instant.parse("2030-01-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String PUBLIC = "https://analysis.windows.net/powerbi/api";
    private static final String US_GOV = "https://analysis.usgovcloudapi.net/powerbi/api";
    private static final DoctorTarget TARGET = new DoctorTarget("contoso", "Public", PUBLIC,
            URI.create("https://api.powerbi.com"), Optional.of(new DoctorTarget.CloudAudience("Public", PUBLIC,
            PUBLIC + "/.default")), List.of(), "app-1", true);

    private final Doctor doctor = new Doctor(new Classifier(), CLOCK, d -> { });

    @Test
    void anUnreadableCredentialFailsFirstAndSkipsEverythingElse() {
        Fake conn = new Fake(jwt(PUBLIC, NOW.plusSeconds(3600)));
        conn.credentialProblem = "tenants.contoso.credential.secret: environment variable X is not set";

        DoctorReport r = doctor.run(TARGET, DoctorRequest.tenantOnly(), conn);

        assertThat(r.firstFailure()).get().satisfies(f -> {
            assertThat(f.check()).isEqualTo(DoctorCheck.CREDENTIALS);
            assertThat(f.code()).contains(ErrorCode.AUTH_CREDENTIAL_UNREADABLE);
            assertThat(f.detail()).contains("environment variable X is not set");
        });
        assertThat(r.checks().subList(1, r.checks().size())).allSatisfy(c -> {
            assertThat(c.status()).isEqualTo(CheckStatus.SKIP);
            assertThat(c.detail()).isEqualTo("not checked: 'credentials' failed first");
        });
        assertThat(conn.tokenCalls).isZero();
    }

    @Test
    void aRejectedTokenRequestIsNamedByItsAadstsCode() {
        Fake conn = new Fake(null);
        conn.tokenFailure = new TokenFailure("contoso", Optional.of(401), Optional.of("invalid_client"),
                Optional.of(7000215), "AADSTS7000215: Invalid client secret provided.", TokenFailure.Kind.REJECTED,
                Optional.empty());

        DoctorReport r = doctor.run(TARGET, DoctorRequest.tenantOnly(), conn);

        assertThat(r.firstFailure()).get().satisfies(f -> {
            assertThat(f.check()).isEqualTo(DoctorCheck.TOKEN);
            assertThat(f.code()).contains(ErrorCode.AUTH_INVALID_SECRET);
            assertThat(f.fix()).isEqualTo(ErrorCode.AUTH_INVALID_SECRET.remediation());
        });
        assertThat(r.get(DoctorCheck.CREDENTIALS).status()).isEqualTo(CheckStatus.PASS);
    }

    @Test
    void aThrottledTokenRequestSaysWhenToRetry() {
        Fake conn = new Fake(null);
        conn.tokenFailure = new TokenFailure("contoso", Optional.of(429), Optional.empty(), Optional.of(90055),
                "AADSTS90055: throttled", TokenFailure.Kind.THROTTLED, Optional.of(Duration.ofSeconds(7)));

        CheckResult f = doctor.run(TARGET, DoctorRequest.tenantOnly(), conn).firstFailure().orElseThrow();

        assertThat(f.code()).contains(ErrorCode.AUTH_THROTTLED);
        assertThat(f.detail()).endsWith("Entra ID asks to retry after 7 s");
    }

    @Test
    void aGraphAudienceFailsTheClaimsCheckBeforePowerBiIsCalled() {
        Fake conn = new Fake(jwt("https://graph.microsoft.com", NOW.plusSeconds(3600)));

        DoctorReport r = doctor.run(TARGET, DoctorRequest.of("w", "r", "PDF"), conn);

        CheckResult f = r.firstFailure().orElseThrow();
        assertThat(f.check()).isEqualTo(DoctorCheck.TOKEN_CLAIMS);
        assertThat(f.code()).contains(ErrorCode.TOKEN_AUDIENCE_GRAPH);
        assertThat(f.detail()).contains("aud=https://graph.microsoft.com", "tid=tenant-1", "appid=app-1",
                "roles=[]", "exp=2030-01-01T11:00:00Z", "signature not checked");
        assertThat(r.get(DoctorCheck.POWER_BI).status()).isEqualTo(CheckStatus.SKIP);
    }

    @Test
    void anApiRootOfAnotherCloudIsAWrongCloudAudienceEvenWhenTheTokenMatchesTheConfiguredCloud() {
        DoctorTarget publicCloudOnGovApi = new DoctorTarget("contoso", "Public", PUBLIC,
                URI.create("https://api.powerbigov.us"), Optional.of(new DoctorTarget.CloudAudience("USGov", US_GOV,
                US_GOV + "/.default")), List.of(), "app-1", true);

        CheckResult f = doctor.run(publicCloudOnGovApi, DoctorRequest.tenantOnly(), new Fake(jwt(PUBLIC,
                NOW.plusSeconds(3600)))).firstFailure().orElseThrow();

        assertThat(f.check()).isEqualTo(DoctorCheck.TOKEN_CLAIMS);
        assertThat(f.code()).contains(ErrorCode.TOKEN_AUDIENCE_WRONG_CLOUD);
        assertThat(f.detail()).contains("the API root https://api.powerbigov.us is USGov's, but tenants.contoso.cloud "
                + "is Public");
    }

    @Test
    void aFreshTokenAlreadyExpiredByThisHostsClockPointsAtTheClock() {
        CheckResult f = doctor.run(TARGET, DoctorRequest.tenantOnly(), new Fake(jwt(PUBLIC, NOW.minusSeconds(60))))
                .firstFailure().orElseThrow();

        assertThat(f.check()).isEqualTo(DoctorCheck.TOKEN_CLAIMS);
        assertThat(f.code()).contains(ErrorCode.TOKEN_EXPIRED);
    }

    @Test
    void theSecretAndTheTokenNeverAppearInTheReport() {
        String token = jwt("https://graph.microsoft.com", NOW.plusSeconds(3600));
        DoctorReport r = doctor.run(TARGET, DoctorRequest.tenantOnly(), new Fake(token));

        assertThat(r.toText() + r.toJson()).doesNotContain(token).doesNotContain(token.split("\\.")[1]);
    }

    /** A compact JWT with the given audience and expiry (unsigned: the doctor never checks signatures). */
    static String jwt(String aud, Instant exp) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"aud\":\"" + aud + "\",\"tid\":\"tenant-1\",\"appid\":\"app-1\","
                + "\"exp\":" + exp.getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".c2lnbmF0dXJl";
    }

    /** Connections without servers; any Power BI call fails the test. */
    private static final class Fake implements DoctorConnections, TokenSource {
        private final String token;
        String credentialProblem;
        TokenFailure tokenFailure;
        int tokenCalls;

        Fake(String token) {
            this.token = token;
        }

        @Override
        public String readCredential() {
            if (credentialProblem != null) {
                throw new TokenAcquisitionException(new TokenFailure("contoso", Optional.empty(), Optional.empty(),
                        Optional.empty(), credentialProblem, TokenFailure.Kind.CREDENTIAL_UNREADABLE, Optional.empty()));
            }
            return "client secret inline";
        }

        @Override
        public TokenSource tokens() {
            return this;
        }

        @Override
        public PowerBiClient powerBi() {
            throw new AssertionError("Power BI must not be called when an earlier link is broken");
        }

        @Override
        public PowerBiClient powerBiWithScope(String scope) {
            throw new AssertionError("no cloud probing here");
        }

        @Override
        public void close() {
        }

        @Override
        public String tenantAlias() {
            return "contoso";
        }

        @Override
        public AccessToken token() {
            tokenCalls++;
            if (tokenFailure != null) {
                throw new TokenAcquisitionException(tokenFailure);
            }
            return new AccessToken(token, NOW.plusSeconds(3600));
        }

        @Override
        public CompletableFuture<AccessToken> tokenAsync() {
            return CompletableFuture.completedFuture(token());
        }

        @Override
        public void invalidate(AccessToken stale) {
        }

        @Override
        public Optional<Instant> expiresOn() {
            return Optional.of(NOW.plusSeconds(3600));
        }

        @Override
        public TokenHealth health() {
            throw new UnsupportedOperationException();
        }
    }
}
