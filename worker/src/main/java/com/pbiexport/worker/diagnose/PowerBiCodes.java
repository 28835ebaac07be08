package com.pbiexport.worker.diagnose;

/**
 * The only values of Power BI's error signals the classifier reads, each one observed from the real service (source
 * given). Anything else Power BI (or a simulator) sends is quoted in the failure's message but never read as
 * evidence: a value nobody has seen the service send cannot prove a cause, and a wrong diagnosis is worse than
 * none. In particular the devstack simulator's former header values (WorkspaceNotFound, ReportNotFound,
 * ProfileNotFound, ExportNotFound, ExportFileExpired, ExportFileNotReady, WorkspaceBelongsToAnotherTenant,
 * WorkspaceNotOnDedicatedCapacity, CapacityNotActive, PowerBIReportExportNotSupportedOnPremiumPerUser,
 * ExportFormatDisabledByTenantAdminSwitch, ExportSensitivityLabeledReportNotSupportedForServicePrincipal) and body
 * codes (ExportFormatDisabledByTenantAdminSwitch, ExportSensitivityLabeledReportNotSupportedForServicePrincipal,
 * FeatureNotAvailableError) are inventions and are deliberately absent here.
 */
public final class PowerBiCodes {
    // ---- error.code (observed: docs/reference "Observed error responses", public threads) ----
    /** Observed, 401: not authorised (wrong audience, wrong tenant, tenant switch off, no access): names no cause. */
    public static final String NOT_AUTHORIZED = "PowerBINotAuthorizedException";
    /** Observed, 403: {@code "Access token has expired, resubmit with a new access token"} (not a 401). */
    public static final String TOKEN_EXPIRED = "TokenExpired";
    /** Observed, 404: wrong id, or an entity the caller cannot see: names no entity. */
    public static final String ENTITY_NOT_FOUND = "PowerBIEntityNotFound";
    /** Observed, 400: a parameter is missing or invalid. */
    public static final String INVALID_REQUEST = "InvalidRequest";
    /** Observed, 429. */
    public static final String TOO_MANY_REQUESTS = "TooManyRequests";

    // ---- X-PowerBI-Error-Info (observed values only) ----
    /**
     * 401 with this header: the tenant setting "Service principals can call Fabric public APIs" (formerly "Service
     * principals can use Fabric APIs" / "Allow service principals to use Power BI APIs") does not cover the app.
     * Source: community.fabric.microsoft.com/t5/Developer/401-Unauthorized-response-when-fetching-an-embed-token-for-Power/m-p/4010790
     */
    public static final String INFO_SP_NOT_ALLOWED = "ServicePrincipalIsNotAllowedByTenantAdminSwitch";
    /** 403 with an empty body: measured against the live API with public clients. */
    public static final String INFO_INVALID_TOKEN = "InvalidToken";
    /** 403 with an empty body: measured against the live API with public clients. */
    public static final String INFO_TOKEN_EXPIRED = "TokenExpired";
    /**
     * 401 on a workspace the caller cannot access: measured live on executeQueries. Says "cannot access", not
     * whether the workspace exists.
     */
    public static final String INFO_GROUP_NOT_ACCESSIBLE = "GroupNotAccessible";

    private PowerBiCodes() {
    }
}
