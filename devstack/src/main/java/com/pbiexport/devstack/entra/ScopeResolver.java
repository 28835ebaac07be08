package com.pbiexport.devstack.entra;

import com.pbiexport.devstack.scenario.Tenant;
import com.pbiexport.devstack.sim.Cloud;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a client-credentials {@code scope} into the token audience, the way Entra does: exactly one
 * {@code <resource>/.default} (the OIDC scopes msal4j adds are ignored); the resource decides the audience.
 * Split in two steps because Entra checks the scope's shape before the client's credentials, but only
 * looks the resource up after authenticating the client.
 */
final class ScopeResolver {
    static final String POWER_BI_APP_ID = "00000009-0000-0000-c000-000000000000";
    private static final String DEFAULT_SUFFIX = "/.default";
    private static final Set<String> OIDC_SCOPES = Set.of("openid", "profile", "offline_access", "email");
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private ScopeResolver() {
    }

    /**
     * The requested resource: {@code ""} for a bare {@code .default}, else the part before {@code /.default}.
     *
     * @throws EntraRejection AADSTS1002012 (scope without /.default), AADSTS70011 (several resources, bad format)
     */
    static String requestedResource(String scope) {
        List<String> resourceScopes = new ArrayList<>();
        for (String s : scope.trim().split("\\s+")) {
            if (!s.isEmpty() && !OIDC_SCOPES.contains(s.toLowerCase(Locale.ROOT))) {
                resourceScopes.add(s);
            }
        }
        if (resourceScopes.isEmpty()) {
            // only OIDC scopes: Entra names the first of them
            throw new EntraRejection(EntraError.scopeWithoutDefault(scope.trim().split("\\s+")[0]));
        }
        if (resourceScopes.size() > 1) {
            // client credentials give one token for one resource; Entra answers 70011 here (28000/700022 are
            // the answers of the interactive flows)
            throw new EntraRejection(EntraError.invalidScope(String.join(" ", resourceScopes)));
        }
        String only = resourceScopes.get(0);
        if (only.equalsIgnoreCase(".default")) {
            return "";
        }
        if (!only.toLowerCase(Locale.ROOT).endsWith(DEFAULT_SUFFIX)) {
            throw new EntraRejection(EntraError.scopeWithoutDefault(only));
        }
        String resource = only.substring(0, only.length() - DEFAULT_SUFFIX.length());
        if (!isGuid(resource) && !isAbsoluteUri(resource)) {
            throw new EntraRejection(EntraError.invalidScope(only));
        }
        return resource;
    }

    /**
     * The audience for the resource in this tenant.
     *
     * @throws EntraRejection AADSTS500011 when no such resource exists for the tenant's cloud
     */
    static String audience(String resource, Tenant tenant, Cloud cloud) {
        if (resource.isEmpty()) {
            // a bare ".default" names no resource: Entra falls back to Microsoft Graph (the classic trap)
            return Cloud.GRAPH_APP_ID;
        }
        String normalized = stripTrailingSlashes(resource);
        if (normalized.equalsIgnoreCase(POWER_BI_APP_ID)) {
            return cloud.powerBiResource();
        }
        if (normalized.equalsIgnoreCase(Cloud.GRAPH_APP_ID)) {
            return Cloud.GRAPH_APP_ID;
        }
        for (Cloud c : Cloud.values()) {
            // clouds served by the same authority (Public and GCC share login.microsoftonline.com) resolve too
            if (c.authorityHost().equalsIgnoreCase(cloud.authorityHost())
                    && c.powerBiResource().equalsIgnoreCase(normalized)) {
                return c.powerBiResource();
            }
        }
        String graph = graphResource(cloud);
        if (normalized.equalsIgnoreCase(Cloud.GRAPH_AUDIENCE) || normalized.equalsIgnoreCase(graph)) {
            return normalized.equalsIgnoreCase(graph) ? graph : Cloud.GRAPH_AUDIENCE;
        }
        throw new EntraRejection(EntraError.resourceNotFound(resource, tenant.domain()));
    }

    /** Microsoft Graph's resource URI in the national clouds. */
    private static String graphResource(Cloud cloud) {
        return switch (cloud) {
            case US_GOV_HIGH -> "https://graph.microsoft.us";
            case US_GOV_DOD -> "https://dod-graph.microsoft.us";
            case CHINA -> "https://microsoftgraph.chinacloudapi.cn";
            default -> Cloud.GRAPH_AUDIENCE;
        };
    }

    private static String stripTrailingSlashes(String s) {
        String out = s;
        while (out.endsWith("/")) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }

    private static boolean isGuid(String s) {
        return GUID.matcher(s).matches();
    }

    private static boolean isAbsoluteUri(String s) {
        try {
            URI uri = new URI(s);
            return uri.getScheme() != null && uri.getSchemeSpecificPart() != null
                    && !uri.getSchemeSpecificPart().isBlank();
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
