package com.pbiexport.devstack.entra;

import com.pbiexport.devstack.scenario.Tenant;
import com.pbiexport.devstack.sim.Cloud;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The discovery documents msal4j may fetch: the tenant's OpenID Connect metadata and AAD instance discovery.
 * Endpoints point at the real-looking authority ({@code https://login.microsoftonline.com/...}), as the
 * service answers: a client reaches the simulator through its own HTTP hook, never through these URLs.
 */
final class OpenIdMetadata {
    private OpenIdMetadata() {
    }

    static Map<String, Object> openIdConfiguration(Tenant tenant, Cloud cloud, boolean v2) {
        String base = "https://" + cloud.authorityHost() + "/" + tenant.id();
        String suffix = v2 ? "/v2.0" : "";
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("token_endpoint", base + "/oauth2" + suffix + "/token");
        m.put("token_endpoint_auth_methods_supported", List.of("client_secret_post", "private_key_jwt", "client_secret_basic"));
        m.put("jwks_uri", base + "/discovery" + suffix + "/keys");
        m.put("response_modes_supported", List.of("query", "fragment", "form_post"));
        m.put("subject_types_supported", List.of("pairwise"));
        m.put("id_token_signing_alg_values_supported", List.of("RS256"));
        m.put("response_types_supported", List.of("code", "id_token", "code id_token", "id_token token"));
        m.put("scopes_supported", List.of("openid", "profile", "email", "offline_access"));
        m.put("issuer", v2 ? base + "/v2.0" : TokenIssuer.stsIssuer(cloud, tenant.id()));
        m.put("request_uri_parameter_supported", false);
        m.put("authorization_endpoint", base + "/oauth2" + suffix + "/authorize");
        m.put("device_authorization_endpoint", base + "/oauth2" + suffix + "/devicecode");
        m.put("end_session_endpoint", base + "/oauth2" + suffix + "/logout");
        m.put("tenant_region_scope", "EU");
        m.put("cloud_instance_name", cloud.authorityHost().replaceFirst("^login\\.", ""));
        m.put("msgraph_host", "graph.microsoft.com");
        return m;
    }

    /** AAD instance discovery ({@code GET /common/discovery/instance?authorization_endpoint=...}). */
    static Map<String, Object> instanceDiscovery(String authorizationEndpoint) {
        String host = "login.microsoftonline.com";
        String tenant = "common";
        try {
            if (authorizationEndpoint != null) {
                URI uri = URI.create(authorizationEndpoint);
                host = uri.getHost() == null ? host : uri.getHost();
                String[] segments = uri.getPath().split("/");
                tenant = segments.length > 1 && !segments[1].isBlank() ? segments[1] : tenant;
            }
        } catch (IllegalArgumentException e) {
            // keep the defaults: discovery is best effort, as in the service
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tenant_discovery_endpoint", "https://" + host + "/" + tenant + "/v2.0/.well-known/openid-configuration");
        m.put("api-version", "1.1");
        m.put("metadata", List.of(
                alias("login.microsoftonline.com", "login.windows.net",
                        List.of("login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net")),
                alias("login.partner.microsoftonline.cn", "login.partner.microsoftonline.cn",
                        List.of("login.partner.microsoftonline.cn", "login.chinacloudapi.cn")),
                alias("login.microsoftonline.us", "login.microsoftonline.us",
                        List.of("login.microsoftonline.us", "login.usgovcloudapi.net"))));
        return m;
    }

    private static Map<String, Object> alias(String network, String cache, List<String> aliases) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("preferred_network", network);
        m.put("preferred_cache", cache);
        m.put("aliases", aliases);
        return m;
    }
}
