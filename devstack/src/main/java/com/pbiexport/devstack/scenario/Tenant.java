package com.pbiexport.devstack.scenario;

import java.util.List;
import java.util.Optional;

/**
 * A Microsoft Entra tenant with its Power BI tenant settings.
 *
 * @param id     tenant id (GUID), used in the authority URL and the token's {@code tid}
 * @param domain a primary domain such as {@code contoso.onmicrosoft.com}; also accepted in the authority URL
 * @param cloud  Public, USGov (GCC), USGovHigh, USGovDoD or China: decides the token audience URIs
 */
public record Tenant(
        String id,
        String domain,
        String cloud,
        TenantSettings settings,
        List<App> apps,
        List<Capacity> capacities,
        List<Workspace> workspaces,
        List<Report> reports) {

    public Tenant {
        domain = domain == null ? id : domain;
        cloud = cloud == null ? "Public" : cloud;
        settings = settings == null ? TenantSettings.defaults() : settings;
        apps = apps == null ? List.of() : List.copyOf(apps);
        capacities = capacities == null ? List.of() : List.copyOf(capacities);
        workspaces = workspaces == null ? List.of() : List.copyOf(workspaces);
        reports = reports == null ? List.of() : List.copyOf(reports);
    }

    public Optional<App> app(String clientId) {
        return apps.stream().filter(a -> a.clientId().equalsIgnoreCase(clientId)).findFirst();
    }

    public Optional<Capacity> capacity(String id) {
        return capacities.stream().filter(c -> c.id().equalsIgnoreCase(id)).findFirst();
    }

    public Optional<Workspace> workspace(String id) {
        return workspaces.stream().filter(w -> w.id().equalsIgnoreCase(id)).findFirst();
    }

    public Optional<Report> report(String id) {
        return reports.stream().filter(r -> r.id().equalsIgnoreCase(id)).findFirst();
    }
}
