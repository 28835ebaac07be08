package com.pbiexport.devstack.entra;

import com.pbiexport.devstack.scenario.App;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.scenario.Secret;
import com.pbiexport.devstack.scenario.Tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The live credentials of every app registration, seeded from the scenario and changeable while the simulator
 * runs, as an administrator rotates them in the Entra portal: add a new secret, certificate or federated
 * assertion, then remove the old one. A removed secret answers AADSTS7000215 (invalid secret), an expired one
 * AADSTS7000222, exactly as for the scenario's own secrets.
 * <p>
 * It also remembers which secret each token request presented, as a SHA-256 fingerprint (never the value), so a
 * rotation test can prove the old secret was not used after it was rotated out. Thread-safe.
 */
public final class EntraCredentials {
    /** Presentations remembered (newest kept): bounded so a long benchmark cannot grow the heap. */
    static final int PRESENTATIONS_KEPT = 10_000;

    /** One token request's client secret: which app, which secret (fingerprint), accepted or not, in order. */
    public record Presentation(long sequence, String tenantId, String clientId, String secretFingerprint,
                               boolean accepted) { }

    /** The credentials of one app as they are now. */
    private record Live(List<Secret> secrets, List<String> certificates, List<String> federatedAssertions) { }

    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private final Deque<Presentation> presentations = new ArrayDeque<>(); // guarded by itself
    private final AtomicLong sequence = new AtomicLong();

    public EntraCredentials(Scenario scenario) {
        for (Tenant t : scenario.tenants()) {
            for (App a : t.apps()) {
                live.put(key(t.id(), a.clientId()),
                        new Live(a.secrets(), a.certificates(), a.federatedAssertions()));
            }
        }
    }

    /** The app as the simulator authenticates it now: the scenario's app with its current credentials. */
    App current(Tenant tenant, App app) {
        Live l = live.get(key(tenant.id(), app.clientId()));
        if (l == null) {
            return app;
        }
        return new App(app.clientId(), app.displayName(), app.objectId(), app.enabled(), l.secrets(),
                l.certificates(), l.federatedAssertions(), app.profiles());
    }

    /** Adds a client secret valid until {@code expiresAt} (null: far future). */
    public void addSecret(String tenantId, String clientId, String value, Instant expiresAt) {
        require(value);
        change(tenantId, clientId, l -> new Live(plus(l.secrets(), new Secret(value, expiresAt)), l.certificates(),
                l.federatedAssertions()));
    }

    /** Removes a client secret; token requests presenting it are then refused with AADSTS7000215. */
    public void removeSecret(String tenantId, String clientId, String value) {
        change(tenantId, clientId, l -> new Live(l.secrets().stream().filter(s -> !value.equals(s.value())).toList(),
                l.certificates(), l.federatedAssertions()));
    }

    /** Adds a certificate (base64 DER X.509) whose key may sign client assertions. */
    public void addCertificate(String tenantId, String clientId, String base64Der) {
        require(base64Der);
        change(tenantId, clientId, l -> new Live(l.secrets(), plus(l.certificates(), base64Der),
                l.federatedAssertions()));
    }

    /** Removes a certificate; assertions signed by its key are then refused (AADSTS700027). */
    public void removeCertificate(String tenantId, String clientId, String base64Der) {
        change(tenantId, clientId, l -> new Live(l.secrets(),
                l.certificates().stream().filter(c -> !base64Der.equals(c)).toList(), l.federatedAssertions()));
    }

    /** Adds a federated assertion string the app accepts (a projected workload-identity token). */
    public void addFederatedAssertion(String tenantId, String clientId, String assertion) {
        require(assertion);
        change(tenantId, clientId, l -> new Live(l.secrets(), l.certificates(),
                plus(l.federatedAssertions(), assertion)));
    }

    /** Removes a federated assertion. */
    public void removeFederatedAssertion(String tenantId, String clientId, String assertion) {
        change(tenantId, clientId, l -> new Live(l.secrets(), l.certificates(),
                l.federatedAssertions().stream().filter(a -> !assertion.equals(a)).toList()));
    }

    /** Every secret value currently registered, across all apps (for secret scans). */
    public List<String> allSecrets() {
        List<String> all = new ArrayList<>();
        live.values().forEach(l -> l.secrets().forEach(s -> all.add(s.value())));
        return List.copyOf(all);
    }

    /** Every client-secret presentation so far (newest {@value #PRESENTATIONS_KEPT}), oldest first. */
    public List<Presentation> presentations() {
        synchronized (presentations) {
            return List.copyOf(presentations);
        }
    }

    /** The sequence number the next presentation gets: take it before a change to look only at what follows. */
    public long nextSequence() {
        return sequence.get() + 1;
    }

    /** The fingerprint under which {@link #presentations()} lists a secret value. */
    public static String fingerprint(String secret) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    void recordSecret(Tenant tenant, App app, String presented, boolean accepted) {
        String fingerprint = fingerprint(presented);
        synchronized (presentations) {
            presentations.addLast(new Presentation(sequence.incrementAndGet(), tenant.id(), app.clientId(), fingerprint,
                    accepted));
            if (presentations.size() > PRESENTATIONS_KEPT) {
                presentations.removeFirst();
            }
        }
    }

    private void change(String tenantId, String clientId, UnaryOperator<Live> edit) {
        String k = key(tenantId, clientId);
        if (live.computeIfPresent(k, (ignored, l) -> edit.apply(l)) == null) {
            throw new IllegalArgumentException("no app " + clientId + " in tenant " + tenantId);
        }
    }

    private static <T> List<T> plus(List<T> list, T item) {
        List<T> copy = new ArrayList<>(list);
        copy.add(item);
        return List.copyOf(copy);
    }

    private static void require(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a credential must not be empty");
        }
    }

    private static String key(String tenantId, String clientId) {
        return tenantId.toLowerCase(Locale.ROOT) + "/" + clientId.toLowerCase(Locale.ROOT);
    }
}
