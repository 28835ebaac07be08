package com.pbiexport.devstack.entra;

/**
 * One Entra token-endpoint error: HTTP status, OAuth {@code error}, AADSTS number and message text.
 * The texts follow what the real service returns (collected from public issue threads and Microsoft's
 * AADSTS reference); the factory methods are the single catalogue of what the simulator can answer.
 */
public record EntraError(int status, String error, long code, String message) {

    private static final String CERT_DOCS =
            "Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .";

    /** The {@code error_description} prefix, e.g. {@code AADSTS7000215: Invalid client secret provided...}. */
    public String describe() {
        return "AADSTS" + code + ": " + message;
    }

    // ---- request shape -------------------------------------------------------------------------------------

    static EntraError methodNotAllowed(String method) {
        return new EntraError(400, "invalid_request", 900561,
                "The endpoint only accepts POST requests. Received a " + method + " request.");
    }

    static EntraError missingParameter(String name) {
        return new EntraError(400, "invalid_request", 900144,
                "The request body must contain the following parameter: '" + name + "'.");
    }

    static EntraError duplicateParameter(String name) {
        return new EntraError(400, "invalid_request", 9000411,
                "The request is not properly formatted. The parameter '" + name + "' is duplicated.");
    }

    static EntraError malformedRequest() {
        return new EntraError(400, "invalid_request", 9002313, "Invalid request. Request is malformed or invalid.");
    }

    static EntraError unsupportedGrant(String grantType) {
        return new EntraError(400, "unsupported_grant_type", 70003,
                "The access grant '" + grantType + "' is not supported.");
    }

    // ---- tenant --------------------------------------------------------------------------------------------

    static EntraError tenantNotFound(String tenant) {
        return new EntraError(400, "invalid_request", 90002, "Tenant '" + tenant + "' not found. Check to make sure you"
                + " have the correct tenant ID and are signing into the correct cloud. Check with your subscription"
                + " administrator, this may happen if there are no active subscriptions for the tenant.");
    }

    /** Same message as {@link #tenantNotFound} but with the {@code invalid_tenant} code the metadata endpoint uses. */
    static EntraError tenantNotFoundInMetadata(String tenant) {
        EntraError e = tenantNotFound(tenant);
        return new EntraError(400, "invalid_tenant", e.code(), e.message());
    }

    static EntraError invalidTenantIdentifier(String tenant) {
        return new EntraError(400, "invalid_request", 900023,
                "Specified tenant identifier '" + tenant + "' is neither a valid DNS name, nor a valid external domain.");
    }

    /** Client credentials need a tenant: /common, /organizations and /consumers cannot say which one. */
    static EntraError noTenantInformation() {
        return new EntraError(400, "invalid_request", 50059, "No tenant-identifying information found in either the"
                + " request or implied by any provided credentials.");
    }

    // ---- application ---------------------------------------------------------------------------------------

    static EntraError applicationNotFound(String clientId, String tenantName) {
        return new EntraError(400, "unauthorized_client", 700016, "Application with identifier '" + clientId
                + "' was not found in the directory '" + tenantName + "'. This can happen if the application has not"
                + " been installed by the administrator of the tenant or consented to by any user in the tenant."
                + " You may have sent your authentication request to the wrong tenant.");
    }

    static EntraError applicationDisabled(String clientId, String displayName) {
        return new EntraError(400, "unauthorized_client", 7000112,
                "Application '" + clientId + "'(" + displayName + ") is disabled.");
    }

    // ---- credentials ---------------------------------------------------------------------------------------

    static EntraError missingCredential() {
        return new EntraError(401, "invalid_client", 7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }

    static EntraError invalidSecret(String clientId) {
        return new EntraError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being"
                + " sent in the request is the client secret value, not the client secret ID, for a secret added to"
                + " app '" + clientId + "'.");
    }

    static EntraError expiredSecret(String clientId) {
        return new EntraError(401, "invalid_client", 7000222, "The provided client secret keys for app '" + clientId
                + "' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret,"
                + " or consider using certificate credentials for added security: https://aka.ms/certCreds.");
    }

    static EntraError malformedAssertion() {
        return new EntraError(401, "invalid_client", 50027, "JWT token is invalid or malformed.");
    }

    static EntraError assertionKeyNotFound(String thumbprint, String clientId) {
        return new EntraError(401, "invalid_client", 700027, "Client assertion contains an invalid signature."
                + " [Reason - The key was not found., Thumbprint of key used by client: '" + thumbprint + "',"
                + keysHint(clientId) + "]");
    }

    static EntraError assertionKeyExpired(String thumbprint, String clientId, String window) {
        return new EntraError(401, "invalid_client", 700027, "Client assertion contains an invalid signature."
                + " [Reason - The key used is expired., Thumbprint of key used by client: '" + thumbprint + "',"
                + " Found key '" + window + "'," + keysHint(clientId) + "]");
    }

    static EntraError assertionBadSignature(String thumbprint, String clientId, String window) {
        return new EntraError(401, "invalid_client", 700027, "Client assertion contains an invalid signature."
                + " [Reason - Key was found, but use of the key to verify the signature failed., Thumbprint of key"
                + " used by client: '" + thumbprint + "', Found key '" + window + "'," + keysHint(clientId) + "]");
    }

    static EntraError assertionWrongAudience() {
        return new EntraError(401, "invalid_client", 700023,
                "Client assertion audience claim does not match Realm issuer. " + CERT_DOCS);
    }

    static EntraError assertionWrongSubject() {
        return new EntraError(401, "invalid_client", 700021,
                "Client assertion application identifier doesn't match 'client_id' parameter. " + CERT_DOCS);
    }

    static EntraError assertionNotInTimeRange(String now, String from, String expiry) {
        return new EntraError(401, "invalid_client", 700024, "Client assertion is not within its valid time range."
                + " Current time: " + now + ", assertion valid from " + from + ", expiry time of assertion " + expiry
                + ". " + CERT_DOCS);
    }

    static EntraError noFederatedIdentity(String subject) {
        return new EntraError(401, "invalid_client", 700213, "No matching federated identity record found for presented"
                + " assertion subject '" + subject + "'. Check your federated identity credential Subject, Audience and"
                + " Issuer against the presented assertion."
                + " https://learn.microsoft.com/entra/workload-id/workload-identity-federation");
    }

    // ---- scope ---------------------------------------------------------------------------------------------

    static EntraError scopeWithoutDefault(String scope) {
        return new EntraError(400, "invalid_scope", 1002012, "The provided value for scope " + scope + " is not valid."
                + " Client credential flows must have a scope value with /.default suffixed to the resource identifier"
                + " (application ID URI).");
    }

    static EntraError invalidScope(String scope) {
        return new EntraError(400, "invalid_scope", 70011, "The provided request must include a 'scope' input parameter."
                + " The provided value for the input parameter 'scope' is not valid. The scope " + scope + " is not valid.");
    }

    static EntraError resourceNotFound(String resource, String tenantName) {
        return new EntraError(400, "invalid_resource", 500011, "The resource principal named " + resource + " was not"
                + " found in the tenant named " + tenantName + ". This can happen if the application has not been"
                + " installed by the administrator of the tenant or consented to by any user in the tenant. You might"
                + " have sent your authentication request to the wrong tenant.");
    }

    // ---- faults --------------------------------------------------------------------------------------------

    static EntraError throttled() {
        return new EntraError(429, "temporarily_unavailable", 90055,
                "There are too many incoming requests. Please try again later.");
    }

    static EntraError unavailable() {
        return new EntraError(503, "temporarily_unavailable", 90033,
                "A transient error has occurred. Please try again.");
    }

    static EntraError notFound(String path) {
        return new EntraError(404, "invalid_request", 90056,
                "The requested endpoint '" + path + "' does not exist. Token requests go to /{tenant}/oauth2/v2.0/token.");
    }

    private static String keysHint(String clientId) {
        return " Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app"
                + " Id '" + clientId + "'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments"
                + " to determine the corresponding service endpoint and"
                + " https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a"
                + " query request URL, such as 'https://graph.microsoft.com/beta/applications/" + clientId + "'";
    }
}
