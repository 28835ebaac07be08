package com.pbiexport.worker.auth;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything needed to get Power BI tokens for one configured tenant (the app layer maps {@code TenantConfig}).
 *
 * @param alias             the configured tenant alias (used in logs and failures)
 * @param tenantId          Entra tenant id (GUID or domain)
 * @param clientId          application (client) id of the service principal
 * @param authorityHost     the cloud's real login host, e.g. {@code https://login.microsoftonline.com/}
 * @param scope             the Power BI scope, e.g. {@code https://analysis.windows.net/powerbi/api/.default}
 * @param credential        secret, certificate or assertion file
 * @param authorityOverride where token requests are really sent (the devstack's {@code http://127.0.0.1:port});
 *                          msal4j keeps using the real authority URL (it demands https, and a port disables its cache)
 */
public record TenantCredentials(String alias, String tenantId, String clientId, URI authorityHost, String scope,
                                CredentialSource credential, Optional<URI> authorityOverride) {

    public TenantCredentials {
        Objects.requireNonNull(alias, "alias");
        requireText("tenants." + alias + ".tenantId", tenantId);
        requireText("tenants." + alias + ".clientId", clientId);
        requireText("tenants." + alias + ".scope", scope);
        Objects.requireNonNull(authorityHost, "authorityHost");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(authorityOverride, "authorityOverride");
        if (!"https".equalsIgnoreCase(authorityHost.getScheme()) || authorityHost.getHost() == null) {
            throw new IllegalArgumentException("tenants." + alias + ".cloud authority host must be an https URL, was "
                    + authorityHost);
        }
        authorityOverride.ifPresent(o -> Loopback.requireHttpsUnlessLoopback("tenants." + alias + ".authorityUrl", o));
    }

    /** The authority URL msal4j is given: {@code https://login.microsoftonline.com/<tenantId>/}. */
    public String authorityUrl() {
        String host = authorityHost.toString();
        return (host.endsWith("/") ? host : host + "/") + tenantId + "/";
    }

    private static void requireText(String setting, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(setting + " must be set");
        }
    }
}
