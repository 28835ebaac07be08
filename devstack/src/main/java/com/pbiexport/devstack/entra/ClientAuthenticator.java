package com.pbiexport.devstack.entra;

import com.pbiexport.devstack.scenario.App;
import com.pbiexport.devstack.scenario.Secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;

/**
 * Authenticates the client of a client-credentials request and returns the token's {@code appidacr}:
 * {@code "1"} for a client secret, {@code "2"} for a certificate or federated assertion.
 */
final class ClientAuthenticator {
    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private ClientAuthenticator() {
    }

    /** @throws EntraRejection AADSTS7000218 / 7000215 / 7000222 / 900144 or an assertion error */
    static String authenticate(FormBody form, App app, ClientAssertionVerifier.Realm realm, Instant now) {
        var secret = form.get("client_secret");
        if (secret.isPresent()) {
            checkSecret(secret.get(), app, now);
            return "1";
        }
        var assertion = form.get("client_assertion");
        if (assertion.isPresent()) {
            String type = form.require("client_assertion_type");
            if (!JWT_BEARER.equals(type)) {
                // an assertion of a type Entra cannot use is no credential at all
                throw new EntraRejection(EntraError.missingCredential());
            }
            ClientAssertionVerifier.verify(assertion.get(), app, realm, now);
            return "2";
        }
        throw new EntraRejection(EntraError.missingCredential());
    }

    private static void checkSecret(String presented, App app, Instant now) {
        boolean matchedExpired = false;
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        for (Secret s : app.secrets()) {
            if (s.value() != null && MessageDigest.isEqual(given, s.value().getBytes(StandardCharsets.UTF_8))) {
                if (now.isBefore(s.expiresAt())) {
                    return;
                }
                matchedExpired = true;
            }
        }
        throw new EntraRejection(matchedExpired
                ? EntraError.expiredSecret(app.clientId())
                : EntraError.invalidSecret(app.clientId()));
    }
}
