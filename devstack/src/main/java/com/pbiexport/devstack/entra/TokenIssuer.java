package com.pbiexport.devstack.entra;

import com.pbiexport.devstack.scenario.App;
import com.pbiexport.devstack.scenario.Tenant;
import com.pbiexport.devstack.sim.AccessTokens;
import com.pbiexport.devstack.sim.Cloud;

import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds the app-only access token (v1.0 claims, as Entra issues for Power BI and Graph) and the success body.
 */
final class TokenIssuer {
    /** Entra back-dates {@code iat}/{@code nbf} by five minutes to absorb clock skew at resource servers. */
    static final long BACKDATE_SECONDS = 300;
    /** Entra adds {@code refresh_in} (half the lifetime) only to tokens living at least two hours. */
    static final long REFRESH_IN_THRESHOLD_SECONDS = 7_200;

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final AccessTokens tokens;

    TokenIssuer(AccessTokens tokens) {
        this.tokens = tokens;
    }

    Map<String, Object> issue(Tenant tenant, Cloud cloud, App app, String audience, String appidacr,
                              Instant now, long lifetimeSeconds) {
        long nowSec = now.getEpochSecond();
        String issuer = stsIssuer(cloud, tenant.id());
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", audience);
        claims.put("iss", issuer);
        claims.put("iat", nowSec - BACKDATE_SECONDS);
        claims.put("nbf", nowSec - BACKDATE_SECONDS);
        claims.put("exp", nowSec + lifetimeSeconds);
        claims.put("aio", opaque(48));
        claims.put("appid", app.clientId());
        claims.put("azp", app.clientId());
        claims.put("appidacr", appidacr);
        claims.put("idp", issuer);
        claims.put("idtyp", "app");
        claims.put("oid", app.objectId());
        claims.put("rh", "0." + opaque(60) + ".");
        claims.put("sub", app.objectId());
        claims.put("tid", tenant.id());
        claims.put("uti", opaque(16));
        claims.put("ver", "1.0");

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token_type", "Bearer");
        body.put("expires_in", lifetimeSeconds);
        body.put("ext_expires_in", lifetimeSeconds);
        if (lifetimeSeconds >= REFRESH_IN_THRESHOLD_SECONDS) {
            body.put("refresh_in", lifetimeSeconds / 2);
        }
        body.put("access_token", tokens.sign(claims));
        return body;
    }

    /** The v1.0 issuer of the tenant's cloud ({@code https://sts.windows.net/{tid}/} in the public cloud). */
    static String stsIssuer(Cloud cloud, String tenantId) {
        return switch (cloud.authorityHost()) {
            case "login.microsoftonline.us" -> "https://login.microsoftonline.us/" + tenantId + "/";
            case "login.chinacloudapi.cn" -> "https://sts.chinacloudapi.cn/" + tenantId + "/";
            default -> "https://sts.windows.net/" + tenantId + "/";
        };
    }

    /** Random base64url text shaped like Entra's opaque claims ({@code aio}, {@code rh}, {@code uti}). */
    private static String opaque(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        return B64.encodeToString(b);
    }
}
