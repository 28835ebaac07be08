package com.pbiexport.devstack.entra;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Builds client assertions by hand (so each claim can be broken on purpose) and decodes access tokens. */
final class TestJwts {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private TestJwts() {
    }

    /** Claims of a valid assertion for this client and token endpoint. */
    static Map<String, Object> assertionClaims(String clientId, String audience, Instant now) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("aud", audience);
        c.put("iss", clientId);
        c.put("sub", clientId);
        c.put("jti", UUID.randomUUID().toString());
        c.put("nbf", now.getEpochSecond());
        c.put("exp", now.getEpochSecond() + 600);
        return c;
    }

    /** Header naming the certificate by SHA-256 thumbprint (x5t#S256) or SHA-1 (x5t). */
    static Map<String, Object> header(String alg, X509Certificate cert, boolean sha256) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("alg", alg);
        h.put("typ", "JWT");
        try {
            byte[] der = cert.getEncoded();
            if (sha256) {
                h.put("x5t#S256", B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(der)));
            } else {
                h.put("x5t", B64.encodeToString(MessageDigest.getInstance("SHA-1").digest(der)));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return h;
    }

    static String sign(Map<String, Object> header, Map<String, Object> claims, PrivateKey key) {
        try {
            String input = B64.encodeToString(JSON.writeValueAsBytes(header)) + "."
                    + B64.encodeToString(JSON.writeValueAsBytes(claims));
            Signature s;
            if ("PS256".equals(header.get("alg"))) {
                s = Signature.getInstance("RSASSA-PSS");
                s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            } else {
                s = Signature.getInstance("SHA256withRSA");
            }
            s.initSign(key);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decodes a JWT payload without checking anything (as a client does for diagnostics). */
    static Map<String, Object> payload(String jwt) {
        try {
            return JSON.readValue(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]),
                    new TypeReference<Map<String, Object>>() { });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
