package com.pbiexport.worker.tenant;

import com.pbiexport.worker.auth.TokenService;
import com.pbiexport.worker.auth.TokenSource;
import com.pbiexport.worker.powerbi.PowerBiClient;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The worker's live connections to its tenants: one token service (each tenant's token shared by all its jobs and
 * refreshed in the background) and one pooled Power BI client per tenant alias. {@link #close} closes the clients,
 * then the tokens.
 */
public final class ConnectedTenants implements AutoCloseable {
    private final TokenService tokens;
    private final Map<String, PowerBiClient> clients;

    private ConnectedTenants(TokenService tokens, Map<String, PowerBiClient> clients) {
        this.tokens = tokens;
        this.clients = clients;
    }

    static ConnectedTenants open(TenantConnections connections, Collection<String> aliases) {
        TokenService tokens = connections.tokenServices();
        Map<String, PowerBiClient> clients = new LinkedHashMap<>();
        aliases.forEach(alias -> clients.put(alias, connections.client(alias, tokens.forTenant(alias),
                connections.http())));
        return new ConnectedTenants(tokens, clients);
    }

    /** Every tenant's token source, and their health for readiness. */
    public TokenService tokens() {
        return tokens;
    }

    /** The tenant's token source (its configured scope). */
    public TokenSource tokens(String alias) {
        return tokens.forTenant(alias);
    }

    /** The tenant's client, or null when the alias is not configured (requests were validated against the aliases). */
    public PowerBiClient client(String alias) {
        return clients.get(alias);
    }

    public Set<String> aliases() {
        return clients.keySet();
    }

    @Override
    public void close() {
        clients.values().forEach(PowerBiClient::close);
        tokens.close();
    }
}
