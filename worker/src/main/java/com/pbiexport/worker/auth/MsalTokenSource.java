package com.pbiexport.worker.auth;

import com.pbiexport.worker.net.ProxyConfig;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.IClientCredential;
import com.microsoft.aad.msal4j.MsalServiceException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Power BI tokens of one tenant from Microsoft Entra ID via msal4j (client credentials).
 * <p>
 * One {@link ConfidentialClientApplication} per tenant, with the real cloud authority, instance discovery off,
 * msal4j's internal retries off and our own {@link MsalHttpClient} (timeouts always set; re-targeted to the
 * devstack when an authority override is configured). Caching, single flight and background refresh are
 * {@link RefreshingTokenSource}'s: every msal4j call skips msal4j's cache.
 * <p>
 * The credential is read on every acquisition; when the secret (or certificate file) changed the application is
 * rebuilt, so rotation needs no restart. Secrets and tokens never appear in messages or logs.
 */
public final class MsalTokenSource implements TokenSource, AutoCloseable {

    private static final Pattern AADSTS = Pattern.compile("AADSTS(\\d+)");
    private static final int AADSTS_THROTTLED = 90055;

    private final TenantCredentials tenant;
    private final Clock clock;
    private final MsalHttpClient httpClient;
    private final ExecutorService msalExecutor;
    private final RefreshingTokenSource cache;
    private final Object appLock = new Object();
    private App app; // guarded by appLock

    /** The application and the fingerprint of the credential it was built with. */
    private record App(ConfidentialClientApplication application, byte[] fingerprint) { }

    /** The credential as read now: what msal4j gets and a fingerprint to notice rotation. */
    private record ReadCredential(IClientCredential credential, byte[] fingerprint) { }

    /**
     * @param scheduler the shared refresh scheduler, owned by the caller (usually {@link TokenService})
     */
    public MsalTokenSource(TenantCredentials tenant, TokenPolicy policy, Clock clock,
                           ScheduledExecutorService scheduler) {
        this(tenant, policy, clock, scheduler, ProxyConfig.direct());
    }

    /** The same, with token requests going through {@code proxy} where it says so. */
    public MsalTokenSource(TenantCredentials tenant, TokenPolicy policy, Clock clock,
                           ScheduledExecutorService scheduler, ProxyConfig proxy) {
        this.tenant = tenant;
        this.clock = clock;
        this.httpClient = new MsalHttpClient(tenant.authorityOverride(), policy.connectTimeout(),
                policy.requestTimeout(), proxy);
        // single flight means at most one msal4j request per tenant at a time: one thread is enough, and keeps
        // blocking HTTP off the (tiny, on 2 cores) common pool
        this.msalExecutor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "token-" + tenant.alias());
            t.setDaemon(true);
            return t;
        });
        this.cache = new RefreshingTokenSource(tenant.alias(), this::acquire, policy, clock, scheduler);
    }

    @Override
    public String tenantAlias() {
        return tenant.alias();
    }

    @Override
    public AccessToken token() {
        return cache.token();
    }

    @Override
    public CompletableFuture<AccessToken> tokenAsync() {
        return cache.tokenAsync();
    }

    @Override
    public void invalidate(AccessToken stale) {
        cache.invalidate(stale);
    }

    @Override
    public Optional<Instant> expiresOn() {
        return cache.expiresOn();
    }

    @Override
    public TokenHealth health() {
        return cache.health();
    }

    @Override
    public long failureCount() {
        return cache.failureCount();
    }

    /**
     * msal4j's own token cache of this tenant, serialised (tests only, never logged: it holds the token). The worker
     * keeps its token itself ({@link RefreshingTokenSource}) and asks msal4j with {@code skipCache}; msal4j still
     * stores each answer, under one key per client, authority and scope, so this holds one access token per tenant
     * however often it is refreshed, and a rotated credential replaces the whole application.
     */
    String msalTokenCache() {
        synchronized (appLock) {
            return app == null ? "{}" : app.application().tokenCache().serialize();
        }
    }

    /** Token requests started so far. */
    public long fetchesStarted() {
        return cache.fetchesStarted();
    }

    @Override
    public void close() {
        cache.close();
        msalExecutor.shutdownNow();
        try {
            httpClient.close();
        } catch (IOException ignored) {
            // nothing useful to do while shutting down
        }
    }

    /** One real token request (called single-flight by the cache). */
    private CompletableFuture<AccessToken> acquire() {
        ConfidentialClientApplication application = application();
        ClientCredentialParameters parameters = ClientCredentialParameters.builder(Set.of(tenant.scope()))
                .skipCache(true) // our cache decides when to fetch; msal4j's would hand back the old token
                .build();
        CompletableFuture<IAuthenticationResult> result;
        try {
            result = application.acquireToken(parameters);
        } catch (RuntimeException e) {
            throw new TokenAcquisitionException(mapFailure(tenant.alias(), e, clock));
        }
        return result.handle((r, e) -> {
            if (e != null) {
                throw new TokenAcquisitionException(mapFailure(tenant.alias(), e, clock));
            }
            return new AccessToken(r.accessToken(), r.expiresOnDate().toInstant());
        });
    }

    private ConfidentialClientApplication application() {
        ReadCredential credential = readCredential();
        synchronized (appLock) {
            if (app == null || !MessageDigest.isEqual(app.fingerprint(), credential.fingerprint())) {
                app = new App(build(credential.credential()), credential.fingerprint());
            }
            return app.application();
        }
    }

    private ConfidentialClientApplication build(IClientCredential credential) {
        try {
            return ConfidentialClientApplication.builder(tenant.clientId(), credential)
                    .authority(tenant.authorityUrl())
                    .instanceDiscovery(false) // otherwise msal4j asks login.microsoftonline.com first, whatever the host
                    .httpClient(httpClient)
                    .executorService(msalExecutor)
                    .disableInternalRetries()
                    .logPii(false)
                    .build();
        } catch (java.net.MalformedURLException | RuntimeException e) {
            throw new TokenAcquisitionException(failure(TokenFailure.Kind.CREDENTIAL_UNREADABLE,
                    "msal4j rejected the tenant configuration (tenants." + tenant.alias() + "): " + e.getMessage()));
        }
    }

    private ReadCredential readCredential() {
        CredentialSource source = tenant.credential();
        if (source instanceof CredentialSource.Secret s) {
            String secret;
            try {
                secret = s.value().get();
            } catch (RuntimeException e) {
                throw unreadable("the client secret could not be read: " + e.getMessage());
            }
            if (secret == null || secret.isBlank()) {
                throw unreadable("the client secret is empty");
            }
            return new ReadCredential(ClientCredentialFactory.createFromSecret(secret),
                    sha256("secret", secret.getBytes(StandardCharsets.UTF_8)));
        } else if (source instanceof CredentialSource.Certificate c) {
            byte[] pkcs12;
            try {
                pkcs12 = Files.readAllBytes(c.pkcs12File());
            } catch (IOException e) {
                throw unreadable("the certificate file " + c.pkcs12File() + " could not be read ("
                        + e.getClass().getSimpleName() + ")");
            }
            String password;
            try {
                password = c.password().get();
            } catch (RuntimeException e) {
                throw unreadable("the certificate password could not be read: " + e.getMessage());
            }
            try {
                IClientCredential credential = ClientCredentialFactory.createFromCertificate(
                        new ByteArrayInputStream(pkcs12), password == null ? "" : password);
                byte[] pw = (password == null ? "" : password).getBytes(StandardCharsets.UTF_8);
                byte[] both = new byte[pkcs12.length + 1 + pw.length];
                System.arraycopy(pkcs12, 0, both, 0, pkcs12.length);
                System.arraycopy(pw, 0, both, pkcs12.length + 1, pw.length);
                return new ReadCredential(credential, sha256("certificate", both));
            } catch (Exception e) {
                throw unreadable("the certificate file " + c.pkcs12File()
                        + " is not a PKCS#12 file this password opens (" + e.getClass().getSimpleName() + ")");
            }
        } else if (source instanceof CredentialSource.AssertionFile a) {
            readAssertion(a.file()); // fail early and clearly; the callback re-reads it on every request
            Path file = a.file();
            return new ReadCredential(ClientCredentialFactory.createFromCallback(() -> readAssertion(file)),
                    sha256("assertion", file.toString().getBytes(StandardCharsets.UTF_8)));
        }
        throw new IllegalStateException("unknown credential type " + source.getClass());
    }

    private String readAssertion(Path file) {
        try {
            String assertion = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (assertion.isEmpty()) {
                throw unreadable("the client assertion file " + file + " is empty");
            }
            return assertion;
        } catch (IOException | UncheckedIOException e) {
            throw unreadable("the client assertion file " + file + " could not be read (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    private TokenAcquisitionException unreadable(String description) {
        return new TokenAcquisitionException(failure(TokenFailure.Kind.CREDENTIAL_UNREADABLE, description));
    }

    private TokenFailure failure(TokenFailure.Kind kind, String description) {
        return new TokenFailure(tenant.alias(), Optional.empty(), Optional.empty(), Optional.empty(), description,
                kind, Optional.empty());
    }

    /**
     * Classifies an msal4j failure once, at the boundary: Entra's answer (status, OAuth error, AADSTS number,
     * Retry-After) or no answer at all. msal4j's messages are Entra's {@code error_description}, never the secret.
     */
    static TokenFailure mapFailure(String alias, Throwable error, Clock clock) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof TokenAcquisitionException t) {
                return t.failure(); // e.g. the assertion callback could not read its file
            }
        }
        if (e instanceof MsalServiceException se) {
            Optional<Integer> status = Optional.ofNullable(se.statusCode()).filter(s -> s > 0);
            Optional<Integer> aadsts = aadsts(se.getMessage());
            Optional<Duration> retryAfter = retryAfter(se.headers(), clock);
            TokenFailure.Kind kind;
            if (status.filter(s -> s == 429).isPresent() || aadsts.filter(a -> a == AADSTS_THROTTLED).isPresent()) {
                kind = TokenFailure.Kind.THROTTLED;
            } else if (status.filter(s -> s >= 500).isPresent()) {
                kind = TokenFailure.Kind.UNAVAILABLE;
            } else {
                kind = TokenFailure.Kind.REJECTED;
            }
            return new TokenFailure(alias, status, Optional.ofNullable(se.errorCode()).filter(c -> !c.isBlank()),
                    aadsts, String.valueOf(se.getMessage()), kind, retryAfter);
        }
        String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new TokenFailure(alias, Optional.empty(), Optional.empty(), Optional.empty(),
                "no answer from the token endpoint: " + what, TokenFailure.Kind.UNAVAILABLE, Optional.empty());
    }

    static Optional<Integer> aadsts(String message) {
        if (message == null) {
            return Optional.empty();
        }
        Matcher m = AADSTS.matcher(message);
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(m.group(1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Entra sends delta-seconds; an HTTP date is accepted too. Garbage or negative values are ignored. */
    static Optional<Duration> retryAfter(Map<String, List<String>> headers, Clock clock) {
        if (headers == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            if (h.getKey() != null && h.getKey().equalsIgnoreCase("Retry-After") && h.getValue() != null
                    && !h.getValue().isEmpty() && h.getValue().get(0) != null) {
                String v = h.getValue().get(0).trim();
                try {
                    long seconds = Long.parseLong(v);
                    return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
                } catch (NumberFormatException notSeconds) {
                    try {
                        Duration d = Duration.between(clock.instant(),
                                ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                        return d.isNegative() ? Optional.of(Duration.ZERO) : Optional.of(d);
                    } catch (DateTimeParseException garbage) {
                        return Optional.empty();
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static byte[] sha256(String kind, byte[] value) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(kind.getBytes(StandardCharsets.UTF_8));
            return digest.digest(value);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
