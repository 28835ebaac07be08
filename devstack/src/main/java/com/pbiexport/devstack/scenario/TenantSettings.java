package com.pbiexport.devstack.scenario;

import com.fasterxml.jackson.annotation.JsonCreator;

import java.util.List;

/**
 * Power BI admin-portal tenant settings that decide whether a service principal may export, and whether it may
 * call the read-only admin APIs.
 *
 * @param servicePrincipalsCanUseApis "Service principals can use Fabric APIs" (off by default in real tenants;
 *                                    on in our default scenario so the happy path works)
 * @param servicePrincipalGroupMembers when not empty, the setting applies only to these app client ids
 *                                    (stands for "specific security groups")
 * @param exportPdfPptx               "Export reports as PowerPoint presentations or PDF documents" (on by default)
 * @param exportImages                "Export reports as image files" (needed for PNG; off by default)
 * @param readOnlyAdminApis           "Service principals can access read-only admin APIs" (older name: "Allow
 *                                    service principals to use read-only admin APIs"); off by default, as in real
 *                                    tenants
 * @param readOnlyAdminApiMembers     when not empty, that setting applies only to these app client ids (its
 *                                    "specific security groups"); empty: every service principal of the tenant
 */
public record TenantSettings(
        Boolean servicePrincipalsCanUseApis,
        List<String> servicePrincipalGroupMembers,
        Boolean exportPdfPptx,
        Boolean exportImages,
        Boolean readOnlyAdminApis,
        List<String> readOnlyAdminApiMembers) {

    /** The scenario JSON binds here (explicit: the record has a second, shorter constructor). */
    @JsonCreator
    public TenantSettings {
        servicePrincipalsCanUseApis = servicePrincipalsCanUseApis == null || servicePrincipalsCanUseApis;
        servicePrincipalGroupMembers = servicePrincipalGroupMembers == null ? List.of() : List.copyOf(servicePrincipalGroupMembers);
        exportPdfPptx = exportPdfPptx == null || exportPdfPptx;
        exportImages = exportImages != null && exportImages;
        readOnlyAdminApis = readOnlyAdminApis != null && readOnlyAdminApis;
        readOnlyAdminApiMembers = readOnlyAdminApiMembers == null ? List.of() : List.copyOf(readOnlyAdminApiMembers);
    }

    /** The export settings only; the read-only admin API setting stays off (its default). */
    public TenantSettings(Boolean servicePrincipalsCanUseApis, List<String> servicePrincipalGroupMembers,
                          Boolean exportPdfPptx, Boolean exportImages) {
        this(servicePrincipalsCanUseApis, servicePrincipalGroupMembers, exportPdfPptx, exportImages, null, null);
    }

    public static TenantSettings defaults() {
        return new TenantSettings(null, null, null, null, null, null);
    }

    public boolean allowsServicePrincipal(String clientId) {
        return servicePrincipalsCanUseApis && inGroup(servicePrincipalGroupMembers, clientId);
    }

    /** "Service principals can access read-only admin APIs" is on and applies to this app. */
    public boolean allowsReadOnlyAdminApis(String clientId) {
        return readOnlyAdminApis && inGroup(readOnlyAdminApiMembers, clientId);
    }

    private static boolean inGroup(List<String> members, String clientId) {
        return members.isEmpty() || members.stream().anyMatch(clientId::equalsIgnoreCase);
    }
}
