package com.pbiexport.worker.tenant;

import com.pbiexport.worker.auth.CredentialSource;
import com.pbiexport.worker.auth.TokenAcquisitionException;
import com.pbiexport.worker.auth.TokenFailure;
import com.pbiexport.worker.auth.TokenService;
import com.pbiexport.worker.auth.TokenSource;
import com.pbiexport.worker.config.CredentialConfig;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.diagnose.doctor.DoctorConnections;
import com.pbiexport.worker.net.ProxyProbe;
import com.pbiexport.worker.powerbi.PowerBiClient;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code doctor}'s connections to one tenant: token services and Power BI clients built by {@link TenantConnections}
 * exactly as the worker builds them (probe-sized pool), closed together, newest first.
 */
public final class TenantConnection implements DoctorConnections {
    private final TenantConnections connections;
    private final String alias;
    private final TenantConfig tenant;
    private final Duration connectTimeout;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final TokenService tokens;
    private final PowerBiClient client;

    TenantConnection(TenantConnections connections, String alias, Duration connectTimeout) {
        this.connections = connections;
        this.alias = alias;
        this.tenant = connections.tenant(alias);
        this.connectTimeout = connectTimeout;
        this.tokens = tokenService(tenant.effectiveScope());
        this.client = client(tokens.forTenant(alias));
    }

    @Override
    public String readCredential() {
        CredentialConfig c = tenant.credential();
        CredentialSource source = Credentials.from(alias, c, connections.env());
        String setting = "tenants." + alias + ".credential";
        try {
            if (source instanceof CredentialSource.Secret s && c instanceof CredentialConfig.Secret conf) {
                String value = s.value().get();
                if (value == null || value.isBlank()) {
                    throw unreadable(setting + ".secret is empty: set exactly one of value, env or file");
                }
                return "client secret " + conf.env().map(e -> "from environment variable " + e)
                        .or(() -> conf.file().map(f -> "from file " + f))
                        .orElse("inline in the configuration (development only)") + " is present (value not shown)";
            }
            if (source instanceof CredentialSource.Certificate cert) {
                if (!Files.isReadable(cert.pkcs12File()) || Files.size(cert.pkcs12File()) == 0) {
                    throw unreadable(setting + ".certificate.pkcs12File " + cert.pkcs12File()
                            + " is missing, empty or not readable");
                }
                cert.password().get(); // env/file must be readable; an empty password is legitimate
                return "certificate " + cert.pkcs12File() + " and its password are readable";
            }
            if (source instanceof CredentialSource.AssertionFile a) {
                if (!Files.isReadable(a.file()) || Files.readString(a.file()).isBlank()) {
                    throw unreadable(setting + ".assertionFile.file " + a.file()
                            + " is missing, empty or not readable");
                }
                return "client assertion file " + a.file() + " is readable (content not shown)";
            }
            throw unreadable(setting + ": unsupported credential kind " + c.kind());
        } catch (IOException | RuntimeException e) {
            if (e instanceof TokenAcquisitionException t) {
                throw t;
            }
            // Credentials' messages name the setting and the variable or file, never the value
            throw unreadable(e.getMessage() == null ? setting + " cannot be read" : e.getMessage());
        }
    }

    private TokenAcquisitionException unreadable(String description) {
        return new TokenAcquisitionException(new TokenFailure(alias, Optional.empty(), Optional.empty(),
                Optional.empty(), description, TokenFailure.Kind.CREDENTIAL_UNREADABLE, Optional.empty()));
    }

    @Override
    public List<ProxyProbe.Outcome> proxies() {
        return List.of(
                ProxyProbe.probe("Entra ID", tenant.effectiveAuthorityUrl(), connections.proxy(), connectTimeout),
                ProxyProbe.probe("Power BI", tenant.effectivePowerBiApiUrl(), connections.proxy(), connectTimeout));
    }

    @Override
    public TokenSource tokens() {
        return tokens.forTenant(alias);
    }

    @Override
    public PowerBiClient powerBi() {
        return client;
    }

    @Override
    public PowerBiClient powerBiWithScope(String scope) {
        return client(tokenService(scope).forTenant(alias));
    }

    private TokenService tokenService(String scope) {
        TokenService service = connections.tokenService(alias, scope);
        opened.add(service);
        return service;
    }

    private PowerBiClient client(TokenSource source) {
        PowerBiClient c = connections.client(alias, source, connections.probeHttp());
        opened.add(c);
        return c;
    }

    @Override
    public void close() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception ignored) {
                // keep closing the others
            }
        }
    }
}
