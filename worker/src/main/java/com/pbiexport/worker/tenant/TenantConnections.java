package com.pbiexport.worker.tenant;

import com.pbiexport.worker.auth.TenantCredentials;
import com.pbiexport.worker.auth.TokenPolicy;
import com.pbiexport.worker.auth.TokenService;
import com.pbiexport.worker.auth.TokenSource;
import com.pbiexport.worker.config.CloudName;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.config.WorkerConfig;
import com.pbiexport.worker.diagnose.probe.CloudProbe;
import com.pbiexport.worker.net.ProxyConfig;
import com.pbiexport.worker.powerbi.PowerBiClient;
import com.pbiexport.worker.powerbi.PowerBiEndpoint;
import com.pbiexport.worker.powerbi.PowerBiException;
import com.pbiexport.worker.powerbi.PowerBiFailure;
import com.pbiexport.worker.powerbi.PowerBiHttpSettings;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one place that knows how a configured tenant alias is connected: its credentials (read on every use), its token
 * policy, the scope of its cloud, its Power BI API root, the expected audience of that root, and the proxy-aware HTTP
 * settings. The worker ({@link #openAll}), {@code doctor} ({@link #open}) and the cloud probe ({@link #capacitiesCall})
 * all build their token services and Power BI clients here, so a verdict of the doctor or a probe holds for the
 * worker's own calls. Builds, never caches: whoever opens something closes it.
 */
public final class TenantConnections {
    /** Pool size of the short-lived clients of {@code doctor} and the cloud probe: a few calls, one at a time. */
    static final int PROBE_MAX_CONNECTIONS = 4;

    private final WorkerConfig config;
    private final Map<String, String> env;
    private final ProxyConfig proxy;
    private final Clock clock;

    /**
     * @param env   where {@code credential.*.env} secrets are read from (on every use, so rotation needs no restart)
     * @param proxy how Entra ID and Power BI are reached ({@code http.proxy} resolved)
     */
    public TenantConnections(WorkerConfig config, Map<String, String> env, ProxyConfig proxy, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.env = Objects.requireNonNull(env, "env");
        this.proxy = Objects.requireNonNull(proxy, "proxy");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The same, with {@code http.proxy} resolved against {@code env} and the JVM's proxy properties. */
    public static TenantConnections resolvingProxy(WorkerConfig config, Map<String, String> env, Clock clock) {
        return new TenantConnections(config, env, ProxyConfig.resolve(config.http().proxy(), env,
                System.getProperties()), clock);
    }

    public ProxyConfig proxy() {
        return proxy;
    }

    /**
     * The configured tenant.
     *
     * @throws IllegalArgumentException naming the configured aliases when {@code alias} is not one of them
     */
    public TenantConfig tenant(String alias) {
        TenantConfig t = config.tenants().get(alias);
        if (t == null) {
            throw new IllegalArgumentException("tenant '" + alias + "' is not configured; configured tenants: "
                    + config.tenants().keySet().stream().sorted().toList());
        }
        return t;
    }

    /** The token policy of every tenant ({@code tokens.*}, {@code http.connectTimeout}). */
    public TokenPolicy tokenPolicy() {
        TokenPolicy d = TokenPolicy.defaults();
        return new TokenPolicy(config.tokens().refreshAtFraction(), config.tokens().requestTimeout(),
                config.tokens().minRefreshInterval(), config.http().connectTimeout(), d.expiryMargin());
    }

    /** What the token source of {@code alias} needs to ask for tokens of {@code scope}. */
    public TenantCredentials credentials(String alias, String scope) {
        TenantConfig t = tenant(alias);
        return new TenantCredentials(alias, t.tenantId(), t.clientId(), URI.create("https://"
                + t.cloud().authorityHost()), scope, Credentials.from(alias, t.credential(), env), t.authorityUrl());
    }

    /** The same for the tenant's own scope (its cloud's Power BI scope unless {@code scope} overrides it). */
    public TenantCredentials credentials(String alias) {
        return credentials(alias, tenant(alias).effectiveScope());
    }

    /** The HTTP settings of the worker's own clients: {@code http.*}, pool {@code http.maxConnections}, the proxy. */
    public PowerBiHttpSettings http() {
        return new PowerBiHttpSettings(config.http().connectTimeout(), config.http().responseTimeout(),
                config.http().maxConnections(), proxy);
    }

    /** The same timeouts and proxy for the short-lived clients of {@code doctor} and the cloud probe. */
    public PowerBiHttpSettings probeHttp() {
        return new PowerBiHttpSettings(config.http().connectTimeout(), config.http().responseTimeout(),
                PROBE_MAX_CONNECTIONS, proxy);
    }

    /** The API root every Power BI call of {@code alias} (and only those) goes to. */
    public URI apiRoot(String alias) {
        return tenant(alias).effectivePowerBiApiUrl();
    }

    /** The audience {@code alias}'s Power BI API host accepts (see {@link #expectedAudience(TenantConfig)}). */
    public String expectedAudience(String alias) {
        return expectedAudience(tenant(alias));
    }

    /**
     * The audience the tenant's Power BI API host accepts: that of the host's cloud when it is a known Power BI
     * host (so a public-cloud token sent to a sovereign API root is named as such), else the configured cloud's.
     */
    public static String expectedAudience(TenantConfig t) {
        return CloudName.forApiUrl(t.effectivePowerBiApiUrl()).orElse(t.cloud()).powerBiResource();
    }

    /** A token service for every configured tenant, each with its own scope (the worker's). */
    public TokenService tokenServices() {
        return TokenService.create(config.tenants().keySet().stream().map(this::credentials).toList(), tokenPolicy(),
                clock, proxy);
    }

    /** A token service for {@code alias} alone, asking for tokens of {@code scope}. */
    public TokenService tokenService(String alias, String scope) {
        return TokenService.create(List.of(credentials(alias, scope)), tokenPolicy(), clock, proxy);
    }

    /** A Power BI client of {@code alias}'s API root, authenticated by {@code tokens}. */
    public PowerBiClient client(String alias, TokenSource tokens, PowerBiHttpSettings http) {
        return new PowerBiClient(new PowerBiEndpoint(apiRoot(alias)), tokens, http, clock);
    }

    /** The worker's connections: one token service for all tenants and one client per tenant. */
    public ConnectedTenants openAll() {
        return ConnectedTenants.open(this, config.tenants().keySet());
    }

    /** {@code doctor}'s connections to one tenant, built like the worker's. */
    public TenantConnection open(String alias) {
        return new TenantConnection(this, alias, config.http().connectTimeout());
    }

    /**
     * The cloud probe's call: {@code GET capacities} on the tenant's API root with a token of {@code scope}, through a
     * token service and client built like the worker's (probe-sized pool), both closed after the call. 401/403 is a
     * refusal; anything else that fails (no token for that scope, 5xx, transport) is no answer.
     */
    public CloudProbe.CapacitiesCall capacitiesCall() {
        return (alias, t, scope) -> {
            try (TokenService tokens = tokenService(alias, scope);
                 PowerBiClient client = client(alias, tokens.forTenant(alias), probeHttp())) {
                client.listCapacities(t.defaultProfileId());
                return CloudProbe.Answer.ACCEPTED;
            } catch (PowerBiException e) {
                return e.failure() instanceof PowerBiFailure.Http h && (h.status() == 401 || h.status() == 403)
                        ? CloudProbe.Answer.REJECTED : CloudProbe.Answer.NO_ANSWER;
            } catch (RuntimeException e) {
                return CloudProbe.Answer.NO_ANSWER; // no token for that scope, or a broken set-up: no evidence
            }
        };
    }

    Map<String, String> env() {
        return env;
    }
}
