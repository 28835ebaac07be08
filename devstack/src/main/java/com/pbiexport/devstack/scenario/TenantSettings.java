package com.pbiexport.devstack.scenario;

import java.util.List;

/**
 * Power BI admin-portal tenant settings that decide whether a service principal may export.
 *
 * @param servicePrincipalsCanUseApis "Service principals can use Fabric APIs" (off by default in real tenants;
 *                                    on in our default scenario so the happy path works)
 * @param servicePrincipalGroupMembers when not empty, the setting applies only to these app client ids
 *                                    (stands for "specific security groups")
 * @param exportPdfPptx               "Export reports as PowerPoint presentations or PDF documents" (on by default)
 * @param exportImages                "Export reports as image files" (needed for PNG; off by default)
 */
public record TenantSettings(
        Boolean servicePrincipalsCanUseApis,
        List<String> servicePrincipalGroupMembers,
        Boolean exportPdfPptx,
        Boolean exportImages) {

    public TenantSettings {
        servicePrincipalsCanUseApis = servicePrincipalsCanUseApis == null || servicePrincipalsCanUseApis;
        servicePrincipalGroupMembers = servicePrincipalGroupMembers == null ? List.of() : List.copyOf(servicePrincipalGroupMembers);
        exportPdfPptx = exportPdfPptx == null || exportPdfPptx;
        exportImages = exportImages != null && exportImages;
    }

    public static TenantSettings defaults() {
        return new TenantSettings(null, null, null, null);
    }

    public boolean allowsServicePrincipal(String clientId) {
        return servicePrincipalsCanUseApis
                && (servicePrincipalGroupMembers.isEmpty()
                    || servicePrincipalGroupMembers.stream().anyMatch(clientId::equalsIgnoreCase));
    }
}
