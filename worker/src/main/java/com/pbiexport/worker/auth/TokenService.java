package com.pbiexport.worker.auth;

import com.pbiexport.worker.net.ProxyConfig;

import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * One {@link TokenSource} per configured tenant alias, and the scheduler that refreshes them. Closing it stops
 * every background refresh.
 */
public final class TokenService implements AutoCloseable {

    private final Map<String, TokenSource> sources;
    private final ScheduledExecutorService scheduler;

    /**
     * @param sources   token sources by tenant alias
     * @param scheduler the refresh scheduler the sources use; shut down by {@link #close()}
     */
    public TokenService(Map<String, ? extends TokenSource> sources, ScheduledExecutorService scheduler) {
        this.sources = Map.copyOf(sources);
        this.scheduler = scheduler;
    }

    /** msal4j-backed sources for every tenant, sharing one refresh thread (it only starts requests). */
    public static TokenService create(Collection<TenantCredentials> tenants, TokenPolicy policy, Clock clock) {
        return create(tenants, policy, clock, ProxyConfig.direct());
    }

    /** The same, with token requests going through {@code proxy} where it says so. */
    public static TokenService create(Collection<TenantCredentials> tenants, TokenPolicy policy, Clock clock,
                                      ProxyConfig proxy) {
        ScheduledThreadPoolExecutor scheduler = (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "token-refresh");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        Map<String, TokenSource> sources = new LinkedHashMap<>();
        for (TenantCredentials tenant : tenants) {
            if (sources.put(tenant.alias(), new MsalTokenSource(tenant, policy, clock, scheduler, proxy)) != null) {
                throw new IllegalArgumentException("tenant alias '" + tenant.alias() + "' is configured twice");
            }
        }
        return new TokenService(sources, scheduler);
    }

    /**
     * The token source of a configured tenant.
     *
     * @throws IllegalArgumentException naming the configured aliases when {@code alias} is not one of them
     */
    public TokenSource forTenant(String alias) {
        TokenSource source = sources.get(alias);
        if (source == null) {
            throw new IllegalArgumentException("unknown tenant '" + alias + "'; configured tenants: "
                    + sources.keySet().stream().sorted().toList());
        }
        return source;
    }

    /** The token source of a tenant, empty when the alias is not configured. */
    public Optional<TokenSource> find(String alias) {
        return Optional.ofNullable(sources.get(alias));
    }

    /** Every configured tenant alias. */
    public Set<String> tenantAliases() {
        return sources.keySet();
    }

    /** Health of every tenant's token, by alias. */
    public Map<String, TokenHealth> health() {
        Map<String, TokenHealth> health = new LinkedHashMap<>();
        sources.forEach((alias, source) -> health.put(alias, source.health()));
        return health;
    }

    @Override
    public void close() {
        for (TokenSource source : sources.values()) {
            if (source instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // keep closing the others
                }
            }
        }
        scheduler.shutdownNow();
    }
}
