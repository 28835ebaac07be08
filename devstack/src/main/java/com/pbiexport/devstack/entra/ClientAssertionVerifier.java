package com.pbiexport.devstack.entra;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pbiexport.devstack.scenario.App;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a {@code client_assertion} the way Entra does: a fixed federated assertion registered on the app
 * (workload identity), or a JWT signed by the private key of one of the app's certificates, found by its
 * {@code x5t} / {@code x5t#S256} thumbprint; then {@code iss} = {@code sub} = client id, {@code aud} = the
 * token endpoint (or issuer) of this tenant, and {@code nbf}/{@code exp} around now.
 */
final class ClientAssertionVerifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CLOCK_SKEW_SECONDS = 300;
    private static final DateTimeFormatter KEY_WINDOW =
            DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Where the assertion may be addressed: authority hosts and the tenant's names in the path. */
    record Realm(Set<String> hosts, Set<String> tenantSegments) {
        boolean accepts(Object aud) {
            if (aud instanceof List<?> list) {
                return list.stream().anyMatch(this::accepts);
            }
            if (!(aud instanceof String s)) {
                return false;
            }
            try {
                URI uri = new URI(s);
                String host = uri.getPort() > 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost();
                if (host == null || hosts.stream().noneMatch(host::equalsIgnoreCase)) {
                    return false;
                }
                String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
                for (String t : tenantSegments) {
                    for (String form : List.of("/" + t + "/oauth2/v2.0/token", "/" + t + "/oauth2/token",
                            "/" + t + "/v2.0", "/" + t)) {
                        if (form.equalsIgnoreCase(path)) {
                            return true;
                        }
                    }
                }
                return false;
            } catch (Exception e) {
                return false;
            }
        }
    }

    private ClientAssertionVerifier() {
    }

    /** @throws EntraRejection with the AADSTS answer Entra gives for this assertion */
    static void verify(String assertion, App app, Realm realm, Instant now) {
        if (app.federatedAssertions().contains(assertion)) {
            return;
        }
        String[] parts = assertion.split("\\.", -1);
        if (parts.length != 3) {
            throw new EntraRejection(EntraError.malformedAssertion());
        }
        Map<String, Object> header = decodeJson(parts[0]);
        Map<String, Object> claims = decodeJson(parts[1]);
        byte[] signature = decodeBase64(parts[2]).orElseThrow(() -> new EntraRejection(EntraError.malformedAssertion()));

        String x5tS256 = header.get("x5t#S256") instanceof String s ? s : null;
        String x5t = header.get("x5t") instanceof String s ? s : null;
        if (x5tS256 == null && x5t == null) {
            // no certificate named: a federated token (Kubernetes, GitHub, ...) that matches no registered record
            Object sub = claims.get("sub");
            throw new EntraRejection(EntraError.noFederatedIdentity(sub == null ? "" : sub.toString()));
        }
        String shownThumbprint = hex(decodeBase64(x5t != null ? x5t : x5tS256).orElse(new byte[0]));
        X509Certificate cert = findCertificate(app, x5t, x5tS256)
                .orElseThrow(() -> new EntraRejection(EntraError.assertionKeyNotFound(shownThumbprint, app.clientId())));
        String window = "Start=" + KEY_WINDOW.format(cert.getNotBefore().toInstant())
                + ", End=" + KEY_WINDOW.format(cert.getNotAfter().toInstant());
        if (now.isBefore(cert.getNotBefore().toInstant()) || now.isAfter(cert.getNotAfter().toInstant())) {
            throw new EntraRejection(EntraError.assertionKeyExpired(shownThumbprint, app.clientId(), window));
        }
        if (!signatureValid(header.get("alg"), cert, parts[0] + "." + parts[1], signature)) {
            throw new EntraRejection(EntraError.assertionBadSignature(shownThumbprint, app.clientId(), window));
        }
        if (!app.clientId().equalsIgnoreCase(String.valueOf(claims.get("iss")))
                || !app.clientId().equalsIgnoreCase(String.valueOf(claims.get("sub")))) {
            throw new EntraRejection(EntraError.assertionWrongSubject());
        }
        if (!realm.accepts(claims.get("aud"))) {
            throw new EntraRejection(EntraError.assertionWrongAudience());
        }
        checkTimeRange(claims, now);
    }

    private static void checkTimeRange(Map<String, Object> claims, Instant now) {
        Long exp = claims.get("exp") instanceof Number n ? n.longValue() : null;
        Long nbf = claims.get("nbf") instanceof Number n ? n.longValue() : null;
        long nowSec = now.getEpochSecond();
        boolean expired = exp == null || exp + CLOCK_SKEW_SECONDS < nowSec;
        boolean early = nbf != null && nbf - CLOCK_SKEW_SECONDS > nowSec;
        if (expired || early) {
            throw new EntraRejection(EntraError.assertionNotInTimeRange(now.toString(),
                    Instant.ofEpochSecond(nbf == null ? 0 : nbf).toString(),
                    Instant.ofEpochSecond(exp == null ? 0 : exp).toString()));
        }
    }

    private static Optional<X509Certificate> findCertificate(App app, String x5t, String x5tS256) {
        byte[] sha1 = x5t == null ? null : decodeBase64(x5t).orElse(null);
        byte[] sha256 = x5tS256 == null ? null : decodeBase64(x5tS256).orElse(null);
        for (String der : app.certificates()) {
            Optional<X509Certificate> cert = parseCertificate(der);
            if (cert.isEmpty()) {
                continue;
            }
            byte[] encoded = encoded(cert.get());
            if ((sha1 != null && MessageDigest.isEqual(sha1, digest("SHA-1", encoded)))
                    || (sha256 != null && MessageDigest.isEqual(sha256, digest("SHA-256", encoded)))) {
                return cert;
            }
        }
        return Optional.empty();
    }

    private static boolean signatureValid(Object alg, X509Certificate cert, String signingInput, byte[] sig) {
        try {
            Signature verifier;
            if ("RS256".equals(alg)) {
                verifier = Signature.getInstance("SHA256withRSA");
            } else if ("PS256".equals(alg)) {
                verifier = Signature.getInstance("RSASSA-PSS");
                verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            } else {
                return false;
            }
            verifier.initVerify(cert.getPublicKey());
            verifier.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(sig);
        } catch (Exception e) {
            return false;
        }
    }

    static Optional<X509Certificate> parseCertificate(String base64Der) {
        try {
            byte[] der = Base64.getMimeDecoder().decode(base64Der);
            return Optional.of((X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der)));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static byte[] encoded(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (Exception e) {
            return new byte[0];
        }
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> decodeJson(String part) {
        byte[] raw = decodeBase64(part).orElseThrow(() -> new EntraRejection(EntraError.malformedAssertion()));
        try {
            Map<String, Object> map = JSON.readValue(raw, new TypeReference<Map<String, Object>>() { });
            if (map == null) {
                throw new EntraRejection(EntraError.malformedAssertion());
            }
            return map;
        } catch (EntraRejection e) {
            throw e;
        } catch (Exception e) {
            throw new EntraRejection(EntraError.malformedAssertion());
        }
    }

    /** Accepts base64url and standard base64, padded or not: msal4j sends x5t in standard base64. */
    private static Optional<byte[]> decodeBase64(String s) {
        try {
            String std = s.replace('-', '+').replace('_', '/');
            StringBuilder padded = new StringBuilder(std);
            while (padded.length() % 4 != 0) {
                padded.append('=');
            }
            return Optional.of(Base64.getDecoder().decode(padded.toString()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }
}
