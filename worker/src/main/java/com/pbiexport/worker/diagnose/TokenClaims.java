package com.pbiexport.worker.diagnose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The diagnostic claims of an access token, decoded from the JWT payload WITHOUT verifying the signature.
 * For explaining failures only ("your token's audience is Microsoft Graph"): never use it for a security
 * decision, and never log the token itself. Holds no signature and no raw token.
 *
 * @param audience {@code aud} (first value if it is an array)
 * @param tenantId {@code tid}
 * @param appId    {@code appid} (v1 tokens) or {@code azp} (v2 tokens)
 * @param roles    {@code roles} (application permissions; Power BI does not need any)
 */
public record TokenClaims(
        Optional<String> audience,
        Optional<String> tenantId,
        Optional<String> appId,
        Optional<String> objectId,
        Optional<String> issuer,
        List<String> roles,
        Optional<Instant> expiresAt,
        Optional<Instant> notBefore,
        Optional<Instant> issuedAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public TokenClaims {
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(objectId, "objectId");
        Objects.requireNonNull(issuer, "issuer");
        roles = List.copyOf(roles);
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(issuedAt, "issuedAt");
    }

    /** Claims with only an audience (tests, and callers that know nothing else). */
    public static TokenClaims ofAudience(String audience) {
        return new TokenClaims(Optional.ofNullable(audience), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * Decodes the payload (second segment) of a compact JWT. Empty when the text is not a decodable JWT
     * (opaque tokens exist). The signature is not checked.
     */
    public static Optional<TokenClaims> decode(String jwt) {
        if (jwt == null) {
            return Optional.empty();
        }
        String[] parts = jwt.trim().split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(stripPadding(parts[1]));
            JsonNode n = JSON.readTree(payload);
            if (n == null || !n.isObject()) {
                return Optional.empty();
            }
            Optional<String> appId = text(n, "appid").or(() -> text(n, "azp"));
            List<String> roles = new ArrayList<>();
            JsonNode r = n.path("roles");
            if (r.isArray()) {
                r.forEach(x -> {
                    if (x.isTextual()) {
                        roles.add(x.asText());
                    }
                });
            }
            JsonNode aud = n.path("aud");
            Optional<String> audience = aud.isArray() && aud.size() > 0 && aud.get(0).isTextual()
                    ? Optional.of(aud.get(0).asText()) : text(n, "aud");
            return Optional.of(new TokenClaims(audience, text(n, "tid"), appId, text(n, "oid"), text(n, "iss"),
                    roles, time(n, "exp"), time(n, "nbf"), time(n, "iat")));
        } catch (IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }

    private static String stripPadding(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '=') {
            end--;
        }
        return s.substring(0, end);
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static Optional<Instant> time(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isNumber() ? Optional.of(Instant.ofEpochSecond(v.asLong())) : Optional.empty();
    }
}
