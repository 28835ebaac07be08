package com.pbiexport.contracts;



/**
 * Every failure outcome of the worker, as a stable code that upstream systems may switch on (it is the
 * {@code error.code} of {@code ExportFailed} events and of the {@code doctor} output).
 *
 * <p><b>Stability:</b> like Kafka's {@code Errors}, a constant's NAME is a public contract: never rename or
 * remove one, and never reuse one for a different cause. Add new constants instead. The category, the
 * retryable flag and the remediation text may be improved over time. The list ships as
 * {@code vocabulary/error-codes.json} (code, category, retryable); {@code VocabularyTest} keeps it equal to this
 * enum and fails on a rename or removal against its baseline.
 *
 * <p>Each remediation is one line that names the fix, not the symptom.
 */
public enum ErrorCode {
    // ---- token audience (decoded from the token we sent; checked before Power BI's own codes) ----------
    TOKEN_AUDIENCE_GRAPH(ErrorCategory.AUTH, false, "The token's audience is Microsoft Graph; request scope "
            + "https://analysis.windows.net/powerbi/api/.default (not a bare .default), or your cloud's Power BI scope"),
    TOKEN_AUDIENCE_WRONG_CLOUD(ErrorCategory.AUTH, false, "The token is for another cloud's Power BI; set tenants.<alias>.cloud "
            + "(Public, USGov, USGovHigh, USGovDoD, China) to the tenant's cloud so the scope and API root match"),
    TOKEN_AUDIENCE_UNEXPECTED(ErrorCategory.AUTH, false, "The token's audience is not Power BI; remove the tenants.<alias>.scope "
            + "override or set it to the Power BI resource plus /.default"),
    TOKEN_EXPIRED(ErrorCategory.AUTH, false, "Power BI still saw an expired token after a refresh; check the host clock (NTP) "
            + "and that no proxy caches Authorization headers"),
    /** Power BI said {@code X-PowerBI-Error-Info: InvalidToken}: the token itself, not a permission. */
    TOKEN_INVALID(ErrorCategory.AUTH, false, "Power BI found the token invalid (X-PowerBI-Error-Info InvalidToken); check "
            + "that the token is an app-only token of this tenant for your cloud's Power BI scope and that nothing "
            + "between the worker and Power BI rewrites the Authorization header; run `doctor`"),

    // ---- Entra ID token endpoint -----------------------------------------------------------------------
    AUTH_INVALID_SECRET(ErrorCategory.AUTH, false, "The client secret is wrong; put the secret's Value (not its Secret ID) "
            + "from the app registration into the configured secret env var or file"),
    AUTH_SECRET_EXPIRED(ErrorCategory.AUTH, false, "The client secret has expired; create a new secret in the app registration "
            + "(Certificates & secrets) and update the configured secret env var or file"),
    AUTH_APP_NOT_FOUND(ErrorCategory.AUTH, false, "The application is not found in this tenant; check tenants.<alias>.clientId "
            + "and tenantId, or grant admin consent for a multi-tenant app in this tenant"),
    AUTH_TENANT_NOT_FOUND(ErrorCategory.AUTH, false, "The tenant does not exist in this cloud; check tenants.<alias>.tenantId "
            + "and tenants.<alias>.cloud"),
    AUTH_INVALID_SCOPE(ErrorCategory.AUTH, false, "The requested scope is invalid; request exactly one resource plus /.default, "
            + "e.g. https://analysis.windows.net/powerbi/api/.default, and match the tenant's cloud"),
    AUTH_MISSING_CREDENTIAL(ErrorCategory.AUTH, false, "No client secret or assertion reached Entra ID; configure exactly one "
            + "credential (secret.env/secret.file, certificate or assertionFile) and make sure it is not empty"),
    AUTH_BAD_ASSERTION(ErrorCategory.AUTH, false, "Entra ID rejected the client assertion; upload the certificate's public key "
            + "to the app registration, or fix the federated credential (issuer, subject, audience) and clock"),
    AUTH_APP_DISABLED(ErrorCategory.AUTH, false, "The application is disabled in the tenant; enable sign-in for its enterprise "
            + "application (service principal) in Entra ID"),
    AUTH_REJECTED(ErrorCategory.AUTH, false, "Entra ID rejected the token request; look up the AADSTS code in the message and "
            + "fix the tenant's clientId, tenantId or credential"),
    AUTH_THROTTLED(ErrorCategory.THROTTLED, true, "Entra ID is throttling token requests; wait for Retry-After and make sure "
            + "nothing else floods the token endpoint with this app"),
    AUTH_UNAVAILABLE(ErrorCategory.TRANSIENT, true, "Entra ID could not be reached; check DNS, proxy, firewall and TLS to the "
            + "authority host (retried automatically)"),
    AUTH_CREDENTIAL_UNREADABLE(ErrorCategory.AUTH, false, "The credential could not be read; check the secret env var or file, "
            + "the certificate path and its password, and the file permissions"),

    // ---- Power BI: prerequisites -------------------------------------------------------------------------
    PBI_SERVICE_PRINCIPALS_DISABLED(ErrorCategory.PERMISSION, false, "Enable the tenant setting 'Service principals can call "
            + "Fabric public APIs' (replacing 'Service principals can use Fabric APIs', formerly 'Allow service "
            + "principals to use Power BI APIs') for a security group that contains this app"),
    PBI_NOT_WORKSPACE_MEMBER(ErrorCategory.PERMISSION, false, "The workspace exists but the app is not a member; add the "
            + "app's service principal (or a security group containing it) to the workspace as Member, Contributor or "
            + "Admin (workspace > Manage access)"),
    PBI_WORKSPACE_OTHER_TENANT(ErrorCategory.PERMISSION, false, "The workspace belongs to another tenant; send the request with "
            + "the alias of the tenant that owns the workspace"),
    PBI_MY_WORKSPACE_ROUTE(ErrorCategory.INVALID_REQUEST, false, "A service principal has no My workspace; set workspaceId so "
            + "the worker calls /v1.0/myorg/groups/{workspaceId}/reports/..."),
    PBI_NO_DEDICATED_CAPACITY(ErrorCategory.CAPACITY, false, "Assign the workspace to a Premium, Embedded (A/EM) or Fabric (F) "
            + "capacity; shared (Pro) capacity cannot export"),
    PBI_CAPACITY_NOT_ACTIVE(ErrorCategory.CAPACITY, false, "The workspace's capacity is paused or unavailable; resume the "
            + "capacity or assign the workspace to an active one"),
    PBI_PPU_NOT_SUPPORTED(ErrorCategory.CAPACITY, false, "Premium Per User cannot export Power BI reports; move the workspace to "
            + "Premium, Embedded or Fabric capacity"),
    PBI_FORMAT_DISABLED_BY_TENANT(ErrorCategory.PERMISSION, false, "A tenant setting disables this format; enable 'Export "
            + "reports as image files' (PNG, off by default) or 'Export reports as PowerPoint presentations or PDF "
            + "documents' (PDF, PPTX) in the admin portal"),
    PBI_FORMAT_NOT_SUPPORTED_FOR_REPORT_TYPE(ErrorCategory.INVALID_REQUEST, false, "Use a format the report type supports: PNG "
            + "only for Power BI reports; IMAGE, XLSX, DOCX, CSV, XML, MHTML, ACCESSIBLEPDF only for paginated ones"),
    PBI_SENSITIVITY_LABEL(ErrorCategory.PERMISSION, false, "A service principal cannot export a sensitivity-labelled report to "
            + "PDF or PPTX; remove the label, export PNG, or export as a user"),
    PBI_TOO_MANY_PAGES(ErrorCategory.INVALID_REQUEST, false, "Ask for at most 50 pages or visuals per export; split the request"),

    // ---- Power BI: not found ---------------------------------------------------------------------------
    PBI_REPORT_NOT_FOUND(ErrorCategory.NOT_FOUND, false, "Check reportId: no such report in that workspace (or the workspace is "
            + "invisible to the service principal)"),
    PBI_WORKSPACE_NOT_FOUND(ErrorCategory.NOT_FOUND, false, "Check workspaceId, and add the service principal to the workspace: "
            + "Power BI hides workspaces from non-members; for a sharper answer enable the tenant setting 'Service "
            + "principals can access read-only admin APIs' (formerly 'Allow service principals to use read-only "
            + "admin APIs') for a security group containing the app, and the worker and doctor tell an unknown "
            + "workspace from a missing membership"),
    /** The workspace is invisible to the app and nothing could tell "not a member" from "no such workspace". */
    PBI_WORKSPACE_AMBIGUOUS(ErrorCategory.NOT_FOUND, false, "Either the app is not a member of the workspace or no such "
            + "workspace exists: check workspaceId, add the app (or a group containing it) to the workspace; to let "
            + "the worker tell which, enable 'Service principals can access read-only admin APIs' (formerly 'Allow "
            + "service principals to use read-only admin APIs') for a group containing the app"),
    PBI_PROFILE_NOT_FOUND(ErrorCategory.NOT_FOUND, false, "Check profileId: no such service principal profile for this app"),
    PBI_EXPORT_NOT_FOUND(ErrorCategory.NOT_FOUND, true, "Power BI no longer knows this export; send the request again to start "
            + "a new export"),
    PBI_NOT_FOUND(ErrorCategory.NOT_FOUND, false, "Power BI answered 404; check the workspace, report and profile ids"),

    // ---- Power BI: generic answers (when nothing more specific is known) --------------------------------
    PBI_UNAUTHORIZED(ErrorCategory.AUTH, false, "Power BI rejected the token (401, or 403 to every call); check the scope (audience), the tenant and "
            + "the tenant setting for service principals; run `doctor`"),
    PBI_FORBIDDEN(ErrorCategory.PERMISSION, false, "Power BI refused the call (403); check workspace membership, tenant export "
            + "settings and capacity; run `doctor`"),
    /** 403 on ExportTo once capacity, PPU and membership are ruled out: a tenant export setting or a label. */
    PBI_EXPORT_FORBIDDEN_AMBIGUOUS(ErrorCategory.PERMISSION, false, "Power BI refused the export (403) and the worker ruled "
            + "out what it could check; check the tenant setting 'Export reports as image files' (PNG) or 'Export "
            + "reports as PowerPoint presentations or PDF documents' (PDF, PPTX) and the report's sensitivity label; "
            + "`doctor --trial` with another format tells them apart"),
    PBI_BAD_REQUEST(ErrorCategory.INVALID_REQUEST, false, "Power BI rejected the request; fix the field named in the message"),
    PBI_THROTTLED(ErrorCategory.THROTTLED, true, "Power BI kept answering 429 beyond the wait budget; lower the load on this "
            + "capacity or raise limits.startThrottleMaxWait"),
    PBI_SERVER_ERROR(ErrorCategory.TRANSIENT, true, "Power BI answered 5xx; retry later, and give Microsoft support the RequestId "
            + "if it persists"),
    PBI_TRANSPORT(ErrorCategory.TRANSIENT, true, "No answer from Power BI; check DNS, proxy, firewall and TLS to the API host"),
    PBI_DECODING(ErrorCategory.TRANSIENT, true, "Power BI's answer could not be read; retry, and report the RequestId if it "
            + "persists"),
    PBI_REFUSED_FOREIGN_HOST(ErrorCategory.INTERNAL, false, "Power BI pointed at a host other than the configured API root, so "
            + "the token was not sent; check tenants.<alias>.powerBiApiUrl and cloud"),

    // ---- export lifecycle -------------------------------------------------------------------------------
    EXPORT_FAILED(ErrorCategory.EXPORT_FAILED, false, "Power BI reported the export as Failed; check that the report renders in "
            + "the service (data source credentials, RLS identities, bookmarks, filters) and retry"),
    EXPORT_BUSY_RETRIES_EXHAUSTED(ErrorCategory.CAPACITY, true, "The capacity stayed busy through every restart; retry later, "
            + "scale the capacity, or raise limits.busyRetries"),
    EXPORT_TIMEOUT(ErrorCategory.TIMEOUT, true, "The export did not finish within limits.exportTimeout; export fewer pages, "
            + "scale the capacity or raise the limit"),
    /** A paginated export ran into Power BI's 60-minute limit (still running, or Failed, after 60 minutes). */
    EXPORT_PAGINATED_TIME_LIMIT(ErrorCategory.TIMEOUT, false, "A paginated report export may run at most 60 minutes "
            + "(Power BI's limit); export fewer pages (formatSettings StartPage/EndPage), narrow the parameters or "
            + "split the request"),
    REQUEST_EXPIRED(ErrorCategory.EXPIRED, false, "The request's notAfter deadline passed before the export finished; send it "
            + "again with a later notAfter"),
    FILE_EXPIRED(ErrorCategory.EXPIRED, true, "The exported file expired (Power BI keeps it 24 hours) before it was downloaded; "
            + "send the request again"),

    // ---- storage ----------------------------------------------------------------------------------------
    STORAGE_TOO_LARGE(ErrorCategory.INVALID_REQUEST, false, "The file exceeds limits.maxFileBytes; export fewer pages or raise "
            + "the limit"),
    STORAGE_UNAVAILABLE(ErrorCategory.TRANSIENT, true, "The sink could not be written for now; check disk space or the storage "
            + "account's reachability"),
    STORAGE_REJECTED(ErrorCategory.INTERNAL, false, "The sink refused the file; check the sink root's permissions or the "
            + "storage credentials and container"),

    // ---- invalid requests (found by the worker before calling Power BI) ----------------------------------
    INVALID_REQUEST(ErrorCategory.INVALID_REQUEST, false, "Fix the request field named in the message"),
    INVALID_UNKNOWN_TENANT(ErrorCategory.INVALID_REQUEST, false, "Use a tenant alias configured under tenants.<alias>, or add "
            + "the tenant to the worker's configuration"),
    INVALID_GUID(ErrorCategory.INVALID_REQUEST, false, "workspaceId, reportId and profileId must be GUIDs such as "
            + "00000000-0000-0000-0000-000000000000"),
    INVALID_FORMAT(ErrorCategory.INVALID_REQUEST, false, "Use one of PDF, PPTX, PNG, ACCESSIBLEPDF, XLSX, DOCX, CSV, XML, MHTML, "
            + "IMAGE (upper case)"),
    INVALID_FORMAT_FOR_REPORT_TYPE(ErrorCategory.INVALID_REQUEST, false, "Use a format the report type supports: PNG only for "
            + "Power BI reports; IMAGE, XLSX, DOCX, CSV, XML, MHTML, ACCESSIBLEPDF only for paginated ones"),
    INVALID_CONFIGURATION(ErrorCategory.INVALID_REQUEST, false, "Send either powerBIReportConfiguration or "
            + "paginatedReportConfiguration (not both), and a bookmark by name or by state (not both)"),
    INVALID_FILE_NAME(ErrorCategory.INVALID_REQUEST, false, "output.fileName must be 1-200 printable characters without control "
            + "characters (path separators are replaced when the file is stored, never followed)"),
    INVALID_ATTRIBUTES(ErrorCategory.INVALID_REQUEST, false, "attributes must be a small map of short string keys and values"),

    // ---- ours -------------------------------------------------------------------------------------------
    /** The request was in flight at the last crashes of its owners (intake.poisonAfterCrashes): not run again. */
    POISON_REQUEST(ErrorCategory.INTERNAL, false, "Workers crashed while this request was in flight, "
            + "intake.poisonAfterCrashes times in a row, so it is not run again; read its claims in the job-state "
            + "topic (key = requestId) and the worker logs of those times, fix the cause, then send it again with a "
            + "new requestId"),
    INTERNAL_ERROR(ErrorCategory.INTERNAL, false, "A worker bug; report it with the requestId and the worker logs");

    private final ErrorCategory category;
    private final boolean retryable;
    private final String remediation;

    ErrorCode(ErrorCategory category, boolean retryable, String remediation) {
        this.category = category;
        this.retryable = retryable;
        this.remediation = remediation;
    }

    /** Whose problem it is and what kind. */
    public ErrorCategory category() {
        return category;
    }

    /** Whether sending the same request again later may succeed without anyone changing anything. */
    public boolean retryable() {
        return retryable;
    }

    /** One line that names the fix. */
    public String remediation() {
        return remediation;
    }
}
