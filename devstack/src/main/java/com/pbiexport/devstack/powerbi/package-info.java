/**
 * The simulated Power BI REST API ({@link com.pbiexport.devstack.powerbi.PowerBiApi}) and its export engine
 * contract ({@link com.pbiexport.devstack.powerbi.ExportEngine}).
 *
 * <h2>Answers by route and condition</h2>
 * Checked in this order; the first failing check answers. "Info" is the {@code X-PowerBI-Error-Info} header: only
 * the four observed values are ever sent. Every answer carries a fresh {@code RequestId} header. The clean profile
 * gives the first answer listed; the realistic profile draws one of them ({@code ErrorShapes},
 * seeded), with Content-Type {@code application/json; charset=utf-8}, {@code application/json} or {@code text/plain}
 * for a body and none for an empty one. Shapes: nested = {@code {"error":{"code","pbi.error":{...}}}},
 * code+message = {@code {"error":{"code","message"}}}, Message = {@code {"Message":"..."}}, empty = Content-Length 0.
 * Sources per answer are in {@link com.pbiexport.devstack.powerbi.ApiError} and the devstack README ("What the
 * realistic profile does, and the source"). (*) marks answers Microsoft does not publish: the simulator's choice.
 * <table>
 * <caption>status / body / Info per condition</caption>
 * <tr><th>condition</th><th>answers (first = clean)</th></tr>
 * <tr><td>fault: dropConnectionRate</td><td>connection closed, no answer</td></tr>
 * <tr><td>fault: powerBiErrorRate</td><td>500 / 503 code+message InternalServerError / ServiceUnavailable (*); empty</td></tr>
 * <tr><td>fault: forced429Count</td><td>429 + Retry-After, code+message TooManyRequests (*) or Unknown, observed text</td></tr>
 * <tr><td>unknown route (*)</td><td>404 code+message NotFound; 404 empty</td></tr>
 * <tr><td>known route, other method (*)</td><td>405 code+message MethodNotAllowed; 405 empty</td></tr>
 * <tr><td>groupId/reportId not a GUID</td><td>400 code+message InvalidRequest</td></tr>
 * <tr><td>no Authorization header, not a bearer, token not a JWT</td><td>401 nested PowerBINotAuthorizedException; 401 empty; 403 empty, Info InvalidToken</td></tr>
 * <tr><td>well-formed JWT not signed by the simulated Entra</td><td>as above; 403 empty, Info TokenExpired</td></tr>
 * <tr><td>audience not this cloud's Power BI (Graph, other cloud)</td><td>401 nested PowerBINotAuthorizedException; 401 empty; 403 empty</td></tr>
 * <tr><td>token expired (injected clock)</td><td>403 code+message TokenExpired (observed body); 403 empty, Info TokenExpired</td></tr>
 * <tr><td>unknown tenant, nbf in future, no exp</td><td>401 nested PowerBINotAuthorizedException; 401 empty</td></tr>
 * <tr><td>service principals not allowed / app not in allowed group</td><td>401 nested PowerBINotAuthorizedException; 401 empty; both Info ServicePrincipalIsNotAllowedByTenantAdminSwitch</td></tr>
 * <tr><td>X-PowerBI-Profile-Id not a GUID</td><td>400 code+message InvalidRequest</td></tr>
 * <tr><td>profile not owned by the calling app (*)</td><td>404 PowerBIEntityNotFound: nested; code+message; empty</td></tr>
 * <tr><td>My-workspace route by a service principal</td><td>403 Message "API is not accessible for application"; 403 empty</td></tr>
 * <tr><td>ExportTo body: malformed/empty JSON; format missing or unknown</td><td>400 code+message InvalidRequest</td></tr>
 * <tr><td>workspace of another tenant</td><td>401 nested PowerBINotAuthorizedException; 401 empty</td></tr>
 * <tr><td>workspace unknown, or caller (profile) not a member: identical answers</td><td>404 PowerBIEntityNotFound: nested; code+message; empty</td></tr>
 * <tr><td>ExportTo: workspace on shared capacity; capacity not Active (no observed code)</td><td>403 nested PowerBINotAuthorizedException; 403 empty</td></tr>
 * <tr><td>report unknown or in another workspace</td><td>404 PowerBIEntityNotFound: nested; code+message; empty</td></tr>
 * <tr><td>ExportTo: Power BI report on PPU (no observed code)</td><td>403 nested PowerBINotAuthorizedException; 403 empty</td></tr>
 * <tr><td>paginated-only format on a Power BI report; PNG on a paginated report</td><td>400 code+message InvalidRequest</td></tr>
 * <tr><td>PNG with exportImages off; PDF/PPTX with exportPdfPptx off (no observed code)</td><td>403 nested PowerBINotAuthorizedException; 403 empty</td></tr>
 * <tr><td>labelled report to PDF/PPTX by a service principal (no observed code)</td><td>403 nested PowerBINotAuthorizedException; 403 empty</td></tr>
 * <tr><td>more than 50 pages (pages[] or report pages)</td><td>400 code+message InvalidRequest</td></tr>
 * <tr><td>both configurations; configuration of the other report type; bookmark name+state; &gt;1 filter; page without pageName</td><td>400 code+message InvalidRequest</td></tr>
 * <tr><td>PPU paginated export within 5 minutes of the last (per principal and capacity)</td><td>429 + Retry-After, as the forced 429</td></tr>
 * <tr><td>engine: capacity at its concurrency limit</td><td>429 + Retry-After, as the forced 429</td></tr>
 * <tr><td>ExportTo accepted</td><td>202 Export</td></tr>
 * <tr><td>status: NotStarted/Running | Succeeded/Failed</td><td>202 | 200 Export (+ Retry-After when the engine gives one)</td></tr>
 * <tr><td>status/file: export unknown, of another principal, report or workspace</td><td>404 PowerBIEntityNotFound: nested; code+message; empty</td></tr>
 * <tr><td>file: export not Succeeded; expired (*)</td><td>404 PowerBIEntityNotFound: nested; code+message; empty</td></tr>
 * <tr><td>file ready</td><td>200 + bytes, Content-Type, Content-Disposition (report name + extension)</td></tr>
 * <tr><td>file ready, fault: truncatedDownloadRate</td><td>200 + Content-Length, then the connection closes after half the bytes</td></tr>
 * </table>
 * Retry-After on a 429, for a wait of n seconds: clean, n; realistic, n, a coarse 30/60 (or the next multiple, never
 * below n), absent, or an RFC 1123 date (GMT) n seconds from now.
 *
 * <h2>Read-only admin API: {@code GET /v1.0/myorg/admin/groups} (GetGroupsAsAdmin)</h2>
 * Not in the cut Swagger contract; shaped after Microsoft's REST reference. Faults, route (405 for another method,
 * 404 for other admin paths) and the token checks (401; expired: 403 TokenExpired; "Service principals can use
 * Fabric APIs" off: 401 with ServicePrincipalIsNotAllowedByTenantAdminSwitch) answer as above, in the same
 * shapes; then:
 * <table>
 * <caption>status / error code per condition, admin route</caption>
 * <tr><th>condition</th><th>status</th><th>body error code</th><th>Info</th></tr>
 * <tr><td>delegated (user) token: the scenario models no Fabric administrators (*)</td><td>401</td><td>PowerBINotAuthorizedException (nested; or empty)</td><td></td></tr>
 * <tr><td>"Service principals can access read-only admin APIs" ({@code readOnlyAdminApis}) off, or the app not in {@code readOnlyAdminApiMembers}</td><td>401</td><td>PowerBINotAuthorizedException (nested; or empty)</td><td></td></tr>
 * <tr><td>X-PowerBI-Profile-Id sent: admin APIs do not act as profiles (*)</td><td>400</td><td>InvalidRequest</td><td></td></tr>
 * <tr><td>tenant over 15 admin calls a minute or 50 an hour (sliding, injected clock; admitted calls count)</td><td>429 + Retry-After (seconds until the window frees; realistic: as Microsoft sends it)</td><td>TooManyRequests (*) or Unknown</td><td></td></tr>
 * <tr><td>$top missing, not an integer or outside 1..5000; $skip negative; $filter not understood; $expand (not simulated)</td><td>400</td><td>InvalidRequest</td><td></td></tr>
 * <tr><td>accepted</td><td>200</td><td>{@code @odata.context} ({@code .../v1.0/myorg/admin/$metadata#groups}) + {@code value}: every workspace of the caller's tenant, member or not, filtered and paged; never another tenant's</td><td></td></tr>
 * </table>
 * Counters: {@code exportToCalls}, {@code polls}, {@code fileDownloads} (every call to the route, rejected ones
 * included), {@code throttled429}, {@code bytesServed}, {@code http5xxInjected}, {@code connectionsDropped},
 * {@code downloadsTruncated}, {@code adminApiCalls} (every call to the admin route, rejected ones included),
 * {@code adminApiThrottled} (answers of the admin quota, not injected 429s).
 */
package com.pbiexport.devstack.powerbi;
