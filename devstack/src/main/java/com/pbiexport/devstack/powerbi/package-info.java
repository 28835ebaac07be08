/**
 * The simulated Power BI REST API ({@link com.pbiexport.devstack.powerbi.PowerBiApi}) and its export engine
 * contract ({@link com.pbiexport.devstack.powerbi.ExportEngine}).
 *
 * <h2>Answers by route and condition</h2>
 * Checked in this order; the first failing check answers. "Info" is the {@code X-PowerBI-Error-Info} header.
 * Every answer carries a fresh {@code RequestId} header. (*) marks codes Microsoft does not publish: the
 * simulator's stable choice.
 * <table>
 * <caption>status / error code per condition</caption>
 * <tr><th>condition</th><th>status</th><th>body error code</th><th>Info</th></tr>
 * <tr><td>fault: dropConnectionRate</td><td>connection closed, no answer</td><td></td><td></td></tr>
 * <tr><td>fault: powerBiErrorRate</td><td>500 / 503</td><td>InternalServerError / ServiceUnavailable</td><td></td></tr>
 * <tr><td>fault: forced429Count</td><td>429 + Retry-After</td><td>TooManyRequests (observed text)</td><td></td></tr>
 * <tr><td>unknown route</td><td>404</td><td>NotFound</td><td></td></tr>
 * <tr><td>known route, other method</td><td>405</td><td>MethodNotAllowed</td><td></td></tr>
 * <tr><td>groupId/reportId not a GUID</td><td>400</td><td>InvalidRequest</td><td></td></tr>
 * <tr><td>no/malformed/foreign bearer token, unknown tenant, nbf in future</td><td>401</td><td>PowerBINotAuthorizedException</td><td></td></tr>
 * <tr><td>audience not this cloud's Power BI (Graph, other cloud)</td><td>401</td><td>PowerBINotAuthorizedException</td><td></td></tr>
 * <tr><td>token expired (injected clock)</td><td>403</td><td>TokenExpired (observed body)</td><td>TokenExpired</td></tr>
 * <tr><td>service principals not allowed / app not in allowed group</td><td>401</td><td>PowerBINotAuthorizedException</td><td>ServicePrincipalIsNotAllowedByTenantAdminSwitch</td></tr>
 * <tr><td>X-PowerBI-Profile-Id not a GUID</td><td>400</td><td>InvalidRequest</td><td></td></tr>
 * <tr><td>profile not owned by the calling app (*)</td><td>404</td><td>PowerBIEntityNotFound</td><td>ProfileNotFound</td></tr>
 * <tr><td>My-workspace route by a service principal</td><td>403</td><td>{@code {"Message":"API is not accessible for application"}}</td><td></td></tr>
 * <tr><td>ExportTo body: malformed/empty JSON; format missing or unknown</td><td>400</td><td>InvalidRequest</td><td></td></tr>
 * <tr><td>workspace of another tenant</td><td>401</td><td>PowerBINotAuthorizedException</td><td></td></tr>
 * <tr><td>workspace unknown, or caller (profile) not a member</td><td>404</td><td>PowerBIEntityNotFound</td><td>WorkspaceNotFound</td></tr>
 * <tr><td>ExportTo: workspace on shared capacity; capacity not Active (*)</td><td>403</td><td>FeatureNotAvailableError</td><td>WorkspaceNotOnDedicatedCapacity / CapacityNotActive</td></tr>
 * <tr><td>report unknown or in another workspace</td><td>404</td><td>PowerBIEntityNotFound</td><td>ReportNotFound</td></tr>
 * <tr><td>ExportTo: Power BI report on PPU (*)</td><td>403</td><td>FeatureNotAvailableError</td><td>PowerBIReportExportNotSupportedOnPremiumPerUser</td></tr>
 * <tr><td>paginated-only format on a Power BI report; PNG on a paginated report</td><td>400</td><td>InvalidRequest</td><td></td></tr>
 * <tr><td>PNG with exportImages off; PDF/PPTX with exportPdfPptx off (*)</td><td>403</td><td>ExportFormatDisabledByTenantAdminSwitch</td><td>same</td></tr>
 * <tr><td>labelled report to PDF/PPTX by a service principal (*)</td><td>403</td><td>ExportSensitivityLabeledReportNotSupportedForServicePrincipal</td><td>same</td></tr>
 * <tr><td>more than 50 pages (pages[] or report pages)</td><td>400</td><td>InvalidRequest</td><td></td></tr>
 * <tr><td>both configurations; configuration of the other report type; bookmark name+state; &gt;1 filter; page without pageName</td><td>400</td><td>InvalidRequest</td><td></td></tr>
 * <tr><td>PPU paginated export within 5 minutes of the last (per principal and capacity)</td><td>429 + Retry-After</td><td>TooManyRequests</td><td></td></tr>
 * <tr><td>engine: capacity at its concurrency limit</td><td>429 + Retry-After</td><td>TooManyRequests</td><td></td></tr>
 * <tr><td>ExportTo accepted</td><td>202</td><td>Export</td><td></td></tr>
 * <tr><td>status: NotStarted/Running | Succeeded/Failed</td><td>202 | 200 (+ Retry-After when the engine gives one)</td><td>Export</td><td></td></tr>
 * <tr><td>status/file: export unknown, of another principal, report or workspace</td><td>404</td><td>PowerBIEntityNotFound</td><td>ExportNotFound</td></tr>
 * <tr><td>file: export not Succeeded (*)</td><td>404</td><td>PowerBIEntityNotFound</td><td>ExportFileNotReady</td></tr>
 * <tr><td>file: expired (*)</td><td>404</td><td>PowerBIEntityNotFound</td><td>ExportFileExpired</td></tr>
 * <tr><td>file ready</td><td>200 + bytes, Content-Type, Content-Disposition (report name + extension)</td><td></td><td></td></tr>
 * <tr><td>file ready, fault: truncatedDownloadRate</td><td>200 + Content-Length, then the connection closes after half the bytes</td><td></td><td></td></tr>
 * </table>
 *
 * <h2>Read-only admin API: {@code GET /v1.0/myorg/admin/groups} (GetGroupsAsAdmin)</h2>
 * Not in the cut Swagger contract; shaped after Microsoft's REST reference. Faults, route (405 for another method,
 * 404 for other admin paths) and the token checks (401; expired: 403 TokenExpired; "Service principals can use
 * Fabric APIs" off: 401 with ServicePrincipalIsNotAllowedByTenantAdminSwitch) answer as above; then:
 * <table>
 * <caption>status / error code per condition, admin route</caption>
 * <tr><th>condition</th><th>status</th><th>body error code</th><th>Info</th></tr>
 * <tr><td>delegated (user) token: the scenario models no Fabric administrators (*)</td><td>401</td><td>PowerBINotAuthorizedException</td><td></td></tr>
 * <tr><td>"Service principals can access read-only admin APIs" ({@code readOnlyAdminApis}) off, or the app not in {@code readOnlyAdminApiMembers}</td><td>401</td><td>PowerBINotAuthorizedException</td><td></td></tr>
 * <tr><td>X-PowerBI-Profile-Id sent: admin APIs do not act as profiles (*)</td><td>400</td><td>InvalidRequest</td><td></td></tr>
 * <tr><td>tenant over 15 admin calls a minute or 50 an hour (sliding, injected clock; admitted calls count)</td><td>429 + Retry-After (seconds until the window frees)</td><td>TooManyRequests</td><td></td></tr>
 * <tr><td>$top missing, not an integer or outside 1..5000; $skip negative; $filter not understood; $expand (not simulated)</td><td>400</td><td>InvalidRequest</td><td></td></tr>
 * <tr><td>accepted</td><td>200</td><td>{@code @odata.context} ({@code .../v1.0/myorg/admin/$metadata#groups}) + {@code value}: every workspace of the caller's tenant, member or not, filtered and paged; never another tenant's</td><td></td></tr>
 * </table>
 * Counters: {@code exportToCalls}, {@code polls}, {@code fileDownloads} (every call to the route, rejected ones
 * included), {@code throttled429}, {@code bytesServed}, {@code http5xxInjected}, {@code connectionsDropped},
 * {@code downloadsTruncated}, {@code adminApiCalls} (every call to the admin route, rejected ones included),
 * {@code adminApiThrottled} (answers of the admin quota, not injected 429s).
 */
package com.pbiexport.devstack.powerbi;
