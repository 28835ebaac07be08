package com.pbiexport.devstack.powerbi;

import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.scenario.Tenant;
import com.pbiexport.devstack.sim.AccessTokens;
import com.pbiexport.devstack.sim.Cloud;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks the bearer token the way Power BI does, in its order: present and ours (signature), audience,
 * lifetime, tenant. Then the tenant setting for service principals and the profile header.
 */
final class BearerAuth {
    /** Entra sets {@code nbf} a few minutes before {@code iat}; accept that much clock skew the other way. */
    private static final long NBF_SKEW_SECONDS = 300;

    /** Distinct tokens whose signature was checked; bounded (cleared when full) so a flood cannot grow it. */
    private static final int VERIFIED_CACHE_MAX = 10_000;

    /** Three base64url segments: a JWT the service can parse, though maybe not verify. */
    private static final Pattern WELL_FORMED_JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

    private final Map<String, Map<String, Object>> verified = new ConcurrentHashMap<>();
    private final Scenario scenario;
    private final Cloud cloud;
    private final AccessTokens tokens;
    private final Clock clock;

    BearerAuth(Scenario scenario, Cloud cloud, AccessTokens tokens, Clock clock) {
        this.scenario = scenario;
        this.cloud = cloud;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** The verified caller, before the tenant-setting and profile checks. */
    Caller authenticate(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.length() < 8
                || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiError.invalidToken().toFailure();
        }
        Map<String, Object> claims = verifiedClaims(authorizationHeader.substring(7).trim());

        // Wrong audience (a Graph token, a bare ".default", another cloud's Power BI resource): 401 per Microsoft's
        // troubleshooting page (the clean answer), 403 as forum threads report it; clients must treat both alike.
        String aud = stripSlash(text(claims.get("aud")));
        if (aud == null || !aud.equalsIgnoreCase(cloud.powerBiResource())) {
            throw ApiError.wrongAudience().toFailure();
        }

        long now = clock.instant().getEpochSecond();
        Optional<Long> exp = number(claims.get("exp"));
        if (exp.isEmpty()) {
            throw ApiError.notAuthorized("The access token has no expiry").toFailure();
        }
        if (now >= exp.get()) {
            throw ApiError.tokenExpired().toFailure();
        }
        Optional<Long> nbf = number(claims.get("nbf"));
        if (nbf.isPresent() && now + NBF_SKEW_SECONDS < nbf.get()) {
            throw ApiError.notAuthorized("The access token is not valid yet").toFailure();
        }

        String tid = text(claims.get("tid"));
        Tenant tenant = tid == null ? null : scenario.tenants().stream()
                .filter(t -> t.id().equalsIgnoreCase(tid)).findFirst().orElse(null);
        if (tenant == null) {
            throw ApiError.notAuthorized("The access token's tenant is unknown").toFailure();
        }
        String clientId = Optional.ofNullable(text(claims.get("appid"))).orElse(text(claims.get("azp")));
        String oid = text(claims.get("oid"));
        boolean user = claims.get("scp") != null || "user".equalsIgnoreCase(text(claims.get("idtyp")));
        return new Caller(tenant, clientId, oid, !user, null);
    }

    /**
     * The signature check (RSA) is the costly part of a poll; a token is the same string on every poll of a
     * job, so its verified claims are kept. Lifetime and audience are still checked on every call.
     */
    private Map<String, Object> verifiedClaims(String jwt) {
        Map<String, Object> claims = verified.get(jwt);
        if (claims != null) {
            return claims;
        }
        claims = tokens.verify(jwt).orElseThrow(() -> (WELL_FORMED_JWT.matcher(jwt).matches()
                ? ApiError.unverifiableToken() : ApiError.invalidToken()).toFailure());
        if (verified.size() >= VERIFIED_CACHE_MAX) {
            verified.clear();
        }
        verified.put(jwt, claims);
        return claims;
    }

    /**
     * "Allow service principals to use Power BI APIs" off, or on for groups the app is not in: 401 with
     * {@code X-PowerBI-Error-Info: ServicePrincipalIsNotAllowedByTenantAdminSwitch} (observed; see
     * {@link ApiError#servicePrincipalNotAllowed()}).
     */
    static void requireTenantAllowsServicePrincipal(Caller caller) {
        if (caller.servicePrincipal()
                && (caller.clientId() == null || !caller.tenant().settings().allowsServicePrincipal(caller.clientId()))) {
            throw ApiError.servicePrincipalNotAllowed().toFailure();
        }
    }

    /**
     * {@code X-PowerBI-Profile-Id}: must be a GUID (else 400) and a profile the calling app owns. Another app's or
     * an unknown profile answers 404 PowerBIEntityNotFound in its observed shapes: profiles are entities of the app,
     * and hiding other apps' profiles matches how Power BI hides workspaces (simulator's choice; Microsoft documents
     * no code). No header names the missing entity: the real service has none.
     */
    static Caller applyProfile(Caller caller, String profileHeader) {
        if (profileHeader == null || profileHeader.isBlank()) {
            return caller;
        }
        String profile = profileHeader.trim();
        if (!ApiRoute.GUID.matcher(profile).matches()) {
            throw ApiError.invalidRequest("Parameter X-PowerBI-Profile-Id is missing or invalid").toFailure();
        }
        boolean owned = caller.servicePrincipal() && caller.clientId() != null
                && caller.tenant().app(caller.clientId())
                        .map(app -> app.profiles().stream().anyMatch(profile::equalsIgnoreCase))
                        .orElse(false);
        if (!owned) {
            throw ApiError.entityNotFound("Service principal profile " + profile + " was not found").toFailure();
        }
        return caller.withProfile(profile.toLowerCase(java.util.Locale.ROOT));
    }

    private static String stripSlash(String s) {
        return s != null && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String text(Object o) {
        return o instanceof String s && !s.isBlank() ? s : null;
    }

    private static Optional<Long> number(Object o) {
        return o instanceof Number n ? Optional.of(n.longValue()) : Optional.empty();
    }
}
