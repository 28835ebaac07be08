package com.pbiexport.devstack.sim;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Issues and verifies the simulator's access tokens: real RS256-signed JWTs, so clients can decode them
 * like Entra's, and the Power BI simulator can reject forged or foreign tokens. One key pair per simulator
 * instance (a token from another devstack fails verification, as a token from another cloud would).
 */
public final class AccessTokens {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /**
     * How many of the newest issued tokens {@link #issued()} remembers: enough for every token a test run issues
     * (one per tenant and lifetime), bounded so a benchmark signing millions cannot grow the heap.
     */
    public static final int ISSUED_KEPT = 10_000;

    private final KeyPair keys;
    private final String keyId = UUID.randomUUID().toString();
    private final Deque<String> issued = new ArrayDeque<>(); // guarded by itself
    private long issuedTotal; // guarded by issued

    public AccessTokens() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            this.keys = gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs the claims (insertion order kept) into a compact JWT. */
    public String sign(Map<String, Object> claims) {
        try {
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("typ", "JWT");
            header.put("alg", "RS256");
            header.put("kid", keyId);
            String signingInput = B64.encodeToString(JSON.writeValueAsBytes(header)) + "."
                    + B64.encodeToString(JSON.writeValueAsBytes(claims));
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(keys.getPrivate());
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            String jwt = signingInput + "." + B64.encodeToString(s.sign());
            remember(jwt);
            return jwt;
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign token", e);
        }
    }

    /**
     * Verifies the signature and returns the claims; empty when the token is malformed or was not issued
     * by this simulator. Does not check expiry or audience: the caller decides how to answer those.
     */
    public Optional<Map<String, Object>> verify(String jwt) {
        if (jwt == null) {
            return Optional.empty();
        }
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(keys.getPublic());
            s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!s.verify(B64D.decode(parts[2]))) {
                return Optional.empty();
            }
            return Optional.of(JSON.readValue(B64D.decode(parts[1]), new TypeReference<Map<String, Object>>() { }));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /**
     * Every token signed so far (newest {@value #ISSUED_KEPT}, oldest first): what a secret scan must never find
     * in the worker's logs, events or metrics. Test-only knowledge, never served over HTTP.
     */
    public List<String> issued() {
        synchronized (issued) {
            return List.copyOf(issued);
        }
    }

    /** How many tokens were signed in all (may exceed {@link #issued()}'s size). */
    public long issuedCount() {
        synchronized (issued) {
            return issuedTotal;
        }
    }

    private void remember(String jwt) {
        synchronized (issued) {
            issuedTotal++;
            issued.addLast(jwt);
            if (issued.size() > ISSUED_KEPT) {
                issued.removeFirst();
            }
        }
    }
}
