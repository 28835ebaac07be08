package com.pbiexport.worker.diagnose;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static com.pbiexport.worker.diagnose.Failures.jwt;
import static org.assertj.core.api.Assertions.assertThat;

class TokenClaimsTest {

    @Test
    void decodesTheDiagnosticClaimsWithoutVerifying() {
        String token = jwt("""
                {"aud":"https://analysis.windows.net/powerbi/api","tid":"t-1","appid":"a-1","oid":"o-1",
                 "iss":"https://sts.windows.net/t-1/","roles":["Tenant.Read.All"],"exp":1700003600,"nbf":1700000000,
                 "iat":1700000000}""");

        TokenClaims c = TokenClaims.decode(token).orElseThrow();

        assertThat(c.audience()).contains("https://analysis.windows.net/powerbi/api");
        assertThat(c.tenantId()).contains("t-1");
        assertThat(c.appId()).contains("a-1");
        assertThat(c.objectId()).contains("o-1");
        assertThat(c.issuer()).contains("https://sts.windows.net/t-1/");
        assertThat(c.roles()).containsExactly("Tenant.Read.All");
        assertThat(c.expiresAt()).contains(Instant.ofEpochSecond(1700003600));
        assertThat(c.notBefore()).contains(Instant.ofEpochSecond(1700000000));
        assertThat(c.issuedAt()).contains(Instant.ofEpochSecond(1700000000));
    }

    @Test
    void takesAzpWhenAppidIsAbsentAndTheFirstOfSeveralAudiences() {
        TokenClaims c = TokenClaims.decode(jwt("{\"aud\":[\"https://graph.microsoft.com\",\"x\"],\"azp\":\"a-2\"}"))
                .orElseThrow();

        assertThat(c.appId()).contains("a-2");
        assertThat(c.audience()).contains("https://graph.microsoft.com");
        assertThat(c.roles()).isEmpty();
        assertThat(c.expiresAt()).isEmpty();
    }

    @Test
    void returnsEmptyForTextThatIsNotAJwt() {
        assertThat(TokenClaims.decode(null)).isEmpty();
        assertThat(TokenClaims.decode("opaque-token")).isEmpty();
        assertThat(TokenClaims.decode("a.!!!.c")).isEmpty();
        assertThat(TokenClaims.decode(jwt("[1,2]"))).isEmpty();
    }

    @Test
    void contextDecodesTheTokenThatWasSent() {
        ClassificationContext ctx = ClassificationContext.empty()
                .withAccessToken(jwt("{\"aud\":\"00000003-0000-0000-c000-000000000000\"}"));

        assertThat(ctx.tokenClaims().flatMap(TokenClaims::audience)).contains("00000003-0000-0000-c000-000000000000");
        assertThat(Audiences.isGraph("00000003-0000-0000-c000-000000000000")).isTrue();
        assertThat(Audiences.isPowerBi("https://analysis.windows.net/powerbi/api/")).isTrue();
        assertThat(Audiences.fromScope("https://analysis.windows.net/powerbi/api/.default"))
                .contains("https://analysis.windows.net/powerbi/api");
    }
}
