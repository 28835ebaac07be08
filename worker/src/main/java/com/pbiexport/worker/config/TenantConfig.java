package com.pbiexport.worker.config;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * One configured Power BI tenant (a service principal in an Entra tenant).
 *
 * @param tenantId         Entra tenant id (GUID)
 * @param clientId         application (client) id of the service principal (GUID)
 * @param cloud            the Microsoft cloud, which decides authority host, scope and API root
 * @param credential       how the service principal authenticates
 * @param scope            overrides {@link CloudName#powerBiScope()}; rarely right, kept for odd setups
 * @param authorityUrl     overrides {@code https://<authorityHost>/<tenantId>} (e.g. the devstack's Entra URL)
 * @param powerBiApiUrl    overrides {@link CloudName#apiRoot()} (e.g. the devstack's Power BI URL)
 * @param defaultProfileId service principal profile used when a request names none
 */
public record TenantConfig(
        String tenantId,
        String clientId,
        CloudName cloud,
        CredentialConfig credential,
        Optional<String> scope,
        Optional<URI> authorityUrl,
        Optional<URI> powerBiApiUrl,
        Optional<String> defaultProfileId) {

    public TenantConfig {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(cloud, "cloud");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(authorityUrl, "authorityUrl");
        Objects.requireNonNull(powerBiApiUrl, "powerBiApiUrl");
        Objects.requireNonNull(defaultProfileId, "defaultProfileId");
    }

    /** A public-cloud tenant with no overrides. */
    public static TenantConfig of(String tenantId, String clientId, CredentialConfig credential) {
        return new TenantConfig(tenantId, clientId, CloudName.PUBLIC, credential, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /** The scope to request: the override, else the cloud's Power BI scope. */
    public String effectiveScope() {
        return scope.orElse(cloud.powerBiScope());
    }

    /** The authority: the override, else {@code https://<cloud authority host>/<tenantId>}. */
    public URI effectiveAuthorityUrl() {
        return authorityUrl.orElse(URI.create("https://" + cloud.authorityHost() + "/" + tenantId));
    }

    /** The API root every Power BI call (and only those) goes to. */
    public URI effectivePowerBiApiUrl() {
        return powerBiApiUrl.orElse(URI.create(cloud.apiRoot()));
    }

    public TenantConfig withAuthorityUrl(URI url) {
        return new TenantConfig(tenantId, clientId, cloud, credential, scope, Optional.of(url), powerBiApiUrl,
                defaultProfileId);
    }

    public TenantConfig withPowerBiApiUrl(URI url) {
        return new TenantConfig(tenantId, clientId, cloud, credential, scope, authorityUrl, Optional.of(url),
                defaultProfileId);
    }

    public TenantConfig withScope(String newScope) {
        return new TenantConfig(tenantId, clientId, cloud, credential, Optional.of(newScope), authorityUrl,
                powerBiApiUrl, defaultProfileId);
    }

    public TenantConfig withCloud(CloudName newCloud) {
        return new TenantConfig(tenantId, clientId, newCloud, credential, scope, authorityUrl, powerBiApiUrl,
                defaultProfileId);
    }
}
