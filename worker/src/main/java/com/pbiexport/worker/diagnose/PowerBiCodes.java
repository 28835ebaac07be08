package com.pbiexport.worker.diagnose;

/**
 * Error codes Power BI answers with, in {@code error.code} of the body or in the {@code X-PowerBI-Error-Info}
 * response header. "Observed" ones come from the real service (reference document, public threads); the others
 * are the devstack simulator's choices where Microsoft documents nothing (stable: see its {@code ApiError}).
 */
public final class PowerBiCodes {
    // ---- error.code ----
    /** Observed, 401: not authorised (wrong audience, wrong tenant, tenant switch off, no access). */
    public static final String NOT_AUTHORIZED = "PowerBINotAuthorizedException";
    /** Observed, 403: the access token has expired (not a 401). */
    public static final String TOKEN_EXPIRED = "TokenExpired";
    /** Observed, 404: wrong id, or an entity the caller cannot see. */
    public static final String ENTITY_NOT_FOUND = "PowerBIEntityNotFound";
    /** Observed (Fabric/REST): generic item not found. */
    public static final String ITEM_NOT_FOUND = "ItemNotFound";
    /** Observed: a feature not available here; the simulator uses it for capacity prerequisites (403). */
    public static final String FEATURE_NOT_AVAILABLE = "FeatureNotAvailableError";
    /** Observed: export of data disabled by the tenant. */
    public static final String EXPORT_DATA_DISABLED = "ExportData_DisabledForTenant";
    /** Observed, 400: a parameter is missing or invalid. */
    public static final String INVALID_REQUEST = "InvalidRequest";
    public static final String BAD_REQUEST = "BadRequest";
    public static final String TOO_MANY_REQUESTS = "TooManyRequests";
    /** Simulator, 403: a tenant setting disables the export format. */
    public static final String FORMAT_DISABLED = "ExportFormatDisabledByTenantAdminSwitch";
    /** Simulator, 403: sensitivity-labelled report to PDF/PPTX by a service principal. */
    public static final String SENSITIVITY_LABEL = "ExportSensitivityLabeledReportNotSupportedForServicePrincipal";

    // ---- X-PowerBI-Error-Info ----
    /** Observed with 401: "Service principals can use Fabric APIs" is off for this app. */
    public static final String INFO_SP_NOT_ALLOWED = "ServicePrincipalIsNotAllowedByTenantAdminSwitch";
    public static final String INFO_WORKSPACE_OTHER_TENANT = "WorkspaceBelongsToAnotherTenant";
    public static final String INFO_WORKSPACE_NOT_FOUND = "WorkspaceNotFound";
    public static final String INFO_REPORT_NOT_FOUND = "ReportNotFound";
    public static final String INFO_PROFILE_NOT_FOUND = "ProfileNotFound";
    public static final String INFO_EXPORT_NOT_FOUND = "ExportNotFound";
    public static final String INFO_FILE_EXPIRED = "ExportFileExpired";
    public static final String INFO_FILE_NOT_READY = "ExportFileNotReady";
    public static final String INFO_NO_DEDICATED_CAPACITY = "WorkspaceNotOnDedicatedCapacity";
    public static final String INFO_CAPACITY_NOT_ACTIVE = "CapacityNotActive";
    public static final String INFO_CAPACITY_NOT_FOUND = "CapacityNotFound";
    public static final String INFO_PPU = "PowerBIReportExportNotSupportedOnPremiumPerUser";

    // ---- texts, used only when no code tells the cause ----
    /** Observed 403 body {@code {"Message":"API is not accessible for application"}}: My-workspace route. */
    public static final String TEXT_API_NOT_ACCESSIBLE = "API is not accessible for application";
    /** Observed PNG answer "Export report to image is disabled on tenant level". */
    public static final String TEXT_DISABLED_ON_TENANT = "disabled on tenant level";

    private PowerBiCodes() {
    }
}
