package com.pbiexport.devstack.powerbi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.devstack.scenario.Capacity;
import com.pbiexport.devstack.scenario.Report;
import com.pbiexport.devstack.scenario.Scenario;
import com.pbiexport.devstack.scenario.Workspace;
import com.pbiexport.devstack.sim.AccessTokens;
import com.pbiexport.devstack.sim.Cloud;
import com.pbiexport.devstack.sim.Counters;
import com.pbiexport.devstack.sim.Faults;
import com.pbiexport.devstack.sim.ForcedAnswers;
import com.pbiexport.devstack.sim.ForeignHosts;
import com.pbiexport.devstack.sim.Realism;
import com.pbiexport.devstack.sim.RealisticDefaults;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static com.pbiexport.devstack.powerbi.HttpAnswers.baseUrl;
import static com.pbiexport.devstack.powerbi.HttpAnswers.readBody;
import static com.pbiexport.devstack.powerbi.HttpAnswers.sendJson;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The simulated Power BI REST API: export to file (start, status, file) in the workspace and "My workspace"
 * forms, Get Groups with OData options, Get Report(s), Get Capacities and the read-only admin API Get Groups As
 * Admin ({@link AdminApiAccess}).
 *
 * <p>Every call goes through, in this order: injected faults (latency, dropped connection, 5xx, forced 429);
 * route (404/405/400 for a non-GUID id); token (401 or 403; expired: 403 TokenExpired); tenant setting for service
 * principals (401); profile header (400/404); My-workspace route used by a service principal (403); request body
 * binding (400); workspace (401 other tenant, 404 unknown or not a member); capacity (403 shared/inactive);
 * report (404); PPU (403 for Power BI reports); format, label, pages, configuration (400/403); PPU rate (429);
 * engine (429 when the capacity is full). The admin route (Get Groups As Admin) takes no profile: after the
 * token and tenant setting it checks the read-only admin API setting (401), the profile header (400), the tenant's
 * admin quota (429) and its OData options (400). The route/condition table is in {@code package-info.java} and
 * the devstack README.
 *
 * <p>Every response carries a fresh {@code RequestId}; only an injected fault answers 5xx. Error answers take the
 * shapes the real service was seen to use ({@link ApiError}): one per situation in the clean profile, a seeded draw
 * among them in the realistic one.
 */
public final class PowerBiApi implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PowerBiApi.class);

    private final Scenario scenario;
    private final Cloud cloud;
    private final ExportEngine engine;
    private final Faults faults;
    private final Counters counters;
    private final Clock clock;
    private final Sleeper sleeper;
    private final BearerAuth auth;
    private final WorkspaceAccess access;
    private final PpuLimiter ppu;
    private final AdminApiAccess adminAccess;
    private final ForeignHosts foreignHosts;
    private final HttpAnswers answers;
    private final Realism realism;
    private final FileSender fileSender;

    /**
     * @param realism      the profile and seeded source of the answers' shapes, Retry-After, latency and faults
     * @param foreignHosts opt-in hostile file locations (off unless a test stages one)
     * @param forced       a test hook that picks the error answers (a diagnosis matrix), off by default
     */
    public PowerBiApi(Scenario scenario, Cloud cloud, AccessTokens tokens, ExportEngine engine, Faults faults,
                      Counters counters, Clock clock, ForeignHosts foreignHosts, Realism realism, ForcedAnswers forced) {
        this(scenario, cloud, tokens, engine, faults, counters, clock, Sleeper.SYSTEM, foreignHosts, realism, forced);
    }

    /** Tests: a sleeper of their own. */
    PowerBiApi(Scenario scenario, Cloud cloud, AccessTokens tokens, ExportEngine engine, Faults faults,
               Counters counters, Clock clock, Sleeper sleeper, ForeignHosts foreignHosts, Realism realism) {
        this(scenario, cloud, tokens, engine, faults, counters, clock, sleeper, foreignHosts, realism,
                new ForcedAnswers());
    }

    private PowerBiApi(Scenario scenario, Cloud cloud, AccessTokens tokens, ExportEngine engine, Faults faults,
                       Counters counters, Clock clock, Sleeper sleeper, ForeignHosts foreignHosts, Realism realism,
                       ForcedAnswers forced) {
        this.foreignHosts = foreignHosts;
        this.realism = realism;
        this.answers = new HttpAnswers(new ErrorShapes(realism, clock, forced), cloud);
        this.fileSender = new FileSender(faults, counters, sleeper, realism, HttpAnswers::commonHeaders);
        this.scenario = scenario;
        this.cloud = cloud;
        this.engine = engine;
        this.faults = faults;
        this.counters = counters;
        this.clock = clock;
        this.sleeper = sleeper;
        this.auth = new BearerAuth(scenario, cloud, tokens, clock);
        this.access = new WorkspaceAccess(scenario, counters);
        this.ppu = new PpuLimiter(clock);
        this.adminAccess = new AdminApiAccess(new AdminApiQuota(clock), counters);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        if (StalledConnections.stall(ex, faults, counters)) {
            return;  // closed later without a byte; no thread waits
        }
        try {
            serve(ex);
        } catch (CutConnection cut) {
            throw cut;
        } catch (IOException clientGone) {
            LOG.debug("Power BI simulator: client connection ended early: {}", clientGone.toString());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException bug) {
            // a simulator bug must still answer (and be visible): a 500 the tests catch, never a hang
            LOG.error("Power BI simulator failed on {} {}", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), bug);
            try {
                answers.sendError(ex, ApiError.injectedServerError(500));
            } catch (IOException | RuntimeException ignored) {
                // headers may already be out; closing the exchange below ends the answer
            }
        } finally {
            ex.close();
        }
    }

    private void serve(HttpExchange ex) throws IOException, InterruptedException {
        ApiRoute route = null;
        ApiError routeError = null;
        try {
            route = ApiRoute.parse(ex.getRequestMethod(), ex.getRequestURI().getRawPath());
            countCall(route);
        } catch (ApiError.Failure f) {
            routeError = f.error();
        }
        if (injectedFault(ex)) {
            return;
        }
        try {
            if (routeError != null) {
                throw routeError.toFailure();
            }
            dispatch(ex, route);
        } catch (ApiError.Failure f) {
            if (f.error().status() == 429) {
                counters.increment("throttled429");
            }
            answers.sendError(ex, f.error());
        }
    }

    private void countCall(ApiRoute route) {
        if (route instanceof ApiRoute.ExportTo) {
            counters.increment("exportToCalls");
        } else if (route instanceof ApiRoute.ExportStatus) {
            counters.increment("polls");
        } else if (route instanceof ApiRoute.ExportFileRoute) {
            counters.increment("fileDownloads");
        } else if (route instanceof ApiRoute.AdminGroups) {
            counters.increment(AdminApiAccess.CALLS);
        }
    }

    /** True when a fault answered (or dropped) the call. */
    private boolean injectedFault(HttpExchange ex) throws IOException, InterruptedException {
        long latency = faults.current().powerBiLatencyMillis() + (realism.realistic()
                ? realism.longTail(RealisticDefaults.API_LATENCY_MIN_MILLIS, RealisticDefaults.API_LATENCY_MAX_MILLIS) : 0);
        if (latency > 0) {
            sleeper.sleep(Duration.ofMillis(latency));
        }
        if (faults.dropConnection()) {
            // Closing the exchange before sendResponseHeaders makes the JDK server close the socket: the client
            // sees the connection end without a status line, as with a real network drop.
            counters.increment("connectionsDropped");
            return true;
        }
        if (faults.powerBiError()) {
            counters.increment("http5xxInjected");
            answers.sendError(ex, ApiError.injectedServerError(ThreadLocalRandom.current().nextBoolean() ? 500 : 503));
            return true;
        }
        if (faults.takeForced429()) {
            counters.increment("throttled429");
            answers.sendError(ex, ApiError.tooManyRequests(faults.current().forced429RetryAfterSeconds()));
            return true;
        }
        return false;
    }

    private void dispatch(HttpExchange ex, ApiRoute route) throws IOException, InterruptedException {
        if (route instanceof ApiRoute.AdminGroups) {
            adminGroups(ex);  // admin APIs never act as a profile: their own checks after the token
            return;
        }
        Caller caller = caller(ex, route);
        if (route instanceof ApiRoute.ExportTo r) {
            exportTo(ex, caller, r);
        } else if (route instanceof ApiRoute.ExportStatus r) {
            exportStatus(ex, caller, r);
        } else if (route instanceof ApiRoute.ExportFileRoute r) {
            exportFile(ex, caller, r);
        } else if (route instanceof ApiRoute.ListGroups) {
            listGroups(ex, caller);
        } else if (route instanceof ApiRoute.ListReports r) {
            listReports(ex, caller, r);
        } else if (route instanceof ApiRoute.GetReport r) {
            getReport(ex, caller, r);
        } else if (route instanceof ApiRoute.ListCapacities) {
            listCapacities(ex, caller);
        }
    }

    /** Token, tenant setting, profile, My-workspace: the checks every route shares, in the service's order. */
    private Caller caller(HttpExchange ex, ApiRoute route) {
        Caller caller = auth.authenticate(ex.getRequestHeaders().getFirst("Authorization"));
        BearerAuth.requireTenantAllowsServicePrincipal(caller);
        caller = BearerAuth.applyProfile(caller, ex.getRequestHeaders().getFirst("X-PowerBI-Profile-Id"));
        if (route.myWorkspace() && caller.servicePrincipal()) {
            // A service principal has no "My workspace" (reference section 1)
            throw ApiError.apiNotAccessibleForApplication().toFailure();
        }
        return caller;
    }

    // ---- export to file --------------------------------------------------------------------------

    private void exportTo(HttpExchange ex, Caller caller, ApiRoute.ExportTo r) throws IOException {
        ExportRequestCheck.Parsed req = ExportRequestCheck.parse(readBody(ex));
        Workspace w = myWorkspaceHasNothing(r.groupId(), r.reportId(), caller);
        Capacity capacity = access.exportCapacity(caller, w);
        Report report = access.report(caller, w, r.reportId());
        boolean ppuCapacity = WorkspaceAccess.isPpu(capacity);
        if (ppuCapacity && !report.paginated()) {
            throw ApiError.exportNotAllowed("Export to file of Power BI reports is not supported on Premium Per User")
                    .toFailure();
        }
        int pages = ExportRequestCheck.check(req, report, caller.tenant().settings(), caller.servicePrincipal());
        ExportEngine.StartResult result;
        if (ppuCapacity) {
            synchronized (ppu) {  // check-then-record must be atomic per limiter
                long wait = ppu.secondsUntilAllowed(capacity.id(), caller.principal());
                if (wait > 0) {
                    throw ApiError.tooManyRequests((int) Math.min(Integer.MAX_VALUE, wait)).toFailure();
                }
                result = start(caller, capacity, w, report, req, pages);
                if (result instanceof ExportEngine.Started) {
                    ppu.recordStart(capacity.id(), caller.principal());
                }
            }
        } else {
            result = start(caller, capacity, w, report, req, pages);
        }
        if (result instanceof ExportEngine.Throttled t) {
            throw ApiError.tooManyRequests(t.retryAfterSeconds(), capacity.throttleRetryAfter()).toFailure();
        }
        if (faults.loseExportToAnswer()) {
            // the export runs and holds its capacity slot, but the caller never learns its id
            counters.increment("exportToAnswersLost");
            throw new CutConnection("fault: ExportTo answer lost after starting export "
                    + ((ExportEngine.Started) result).job().id());
        }
        sendJson(ex, 202, exportView(((ExportEngine.Started) result).job(), baseUrl(ex), r.prefix()), Map.of());
    }

    private ExportEngine.StartResult start(Caller caller, Capacity capacity, Workspace w, Report report,
                                           ExportRequestCheck.Parsed req, int pages) {
        return engine.start(caller.tenant().id(), capacity, w.id(), report, req.format(), pages, caller.principal(),
                req.body());
    }

    private void exportStatus(HttpExchange ex, Caller caller, ApiRoute.ExportStatus r) throws IOException {
        ExportEngine.ExportJob job = job(caller, r.groupId(), r.reportId(), r.exportId());
        Map<String, String> headers = new LinkedHashMap<>();
        job.retryAfterSeconds().ifPresent(s -> headers.put("Retry-After", String.valueOf(s)));
        boolean running = "NotStarted".equals(job.status()) || "Running".equals(job.status())
                || "Undefined".equals(job.status());
        sendJson(ex, running ? 202 : 200, exportView(job, baseUrl(ex), r.prefix()), headers);
    }

    /** The Export body; its resourceLocation points elsewhere only when a test staged {@link ForeignHosts}. */
    private ObjectNode exportView(ExportEngine.ExportJob job, String baseUrl, String prefix) {
        // either casing of ResourceFileExtension, per export (reference section 1)
        ObjectNode view = JsonViews.export(job, baseUrl, prefix,
                realism.chance(job.id() + "#extension-case", RealisticDefaults.LOWER_CASE_EXTENSION_SHARE));
        if (view.has("resourceLocation")) {
            String own = view.get("resourceLocation").asText();
            String shown = foreignHosts.resourceLocation(own);
            if (!shown.equals(own)) {
                counters.increment("foreignResourceLocations");
                view.put("resourceLocation", shown);
            }
        }
        return view;
    }

    private void exportFile(HttpExchange ex, Caller caller, ApiRoute.ExportFileRoute r)
            throws IOException, InterruptedException {
        ExportEngine.ExportJob job = job(caller, r.groupId(), r.reportId(), r.exportId());
        // Microsoft documents no answer for these; 404 keeps "the file resource does not exist (yet/any more)".
        // No header tells the two apart: the real service has none (the status call does).
        if (!"Succeeded".equals(job.status())) {
            throw ApiError.entityNotFound("The export file is not available: export status is " + job.status())
                    .toFailure();
        }
        boolean expired = job.expirationTime() != null && !clock.instant().isBefore(job.expirationTime());
        ExportEngine.ExportFile file = expired ? null : engine.file(job.id()).orElse(null);
        if (file == null) {
            throw ApiError.entityNotFound("The export file expired at " + JsonViews.time(job.expirationTime()))
                    .toFailure();
        }
        var redirect = foreignHosts.downloadRedirect(baseUrl(ex) + ex.getRequestURI().getRawPath());
        if (redirect.isPresent()) {
            counters.increment("foreignRedirects");
            HttpAnswers.commonHeaders(ex);
            ex.getResponseHeaders().set("Location", redirect.get().location());
            ex.sendResponseHeaders(redirect.get().status(), -1);
            return;
        }
        fileSender.send(ex, job, file);
    }

    /** The caller's export on that route; exports of other principals, reports or workspaces are "not found". */
    private ExportEngine.ExportJob job(Caller caller, String groupId, String reportId, String exportId) {
        Workspace w = myWorkspaceHasNothing(groupId, reportId, caller);
        access.report(caller, w, reportId);
        return engine.get(exportId)
                .filter(j -> caller.tenant().id().equalsIgnoreCase(j.tenantId())
                        && w.id().equalsIgnoreCase(j.workspaceId())
                        && reportId.equalsIgnoreCase(j.reportId())
                        && caller.principal().equalsIgnoreCase(j.principal()))
                .orElseThrow(() -> ApiError.entityNotFound("Export " + exportId + " was not found").toFailure());
    }

    /**
     * The workspace of a workspace route; for the My-workspace form (only users get this far) the simulator has
     * no My-workspace content, so the report is not found.
     */
    private Workspace myWorkspaceHasNothing(String groupId, String reportId, Caller caller) {
        if (groupId == null) {
            throw ApiError.entityNotFound("Report " + reportId + " was not found").toFailure();
        }
        return access.workspace(caller, groupId);
    }

    // ---- metadata --------------------------------------------------------------------------------

    private void listGroups(HttpExchange ex, Caller caller) throws IOException {
        ODataQuery query = ODataQuery.parse(ex.getRequestURI().getRawQuery());
        List<Workspace> visible = caller.tenant().workspaces().stream().filter(caller::isMemberOf).toList();
        sendJson(ex, 200, JsonViews.groups(baseUrl(ex), query.apply(visible)), Map.of());
    }

    private void listReports(HttpExchange ex, Caller caller, ApiRoute.ListReports r) throws IOException {
        Workspace w = access.workspace(caller, r.groupId());
        List<Report> reports = caller.tenant().reports().stream()
                .filter(rep -> rep.workspaceId().equalsIgnoreCase(w.id())).toList();
        sendJson(ex, 200, JsonViews.reports(baseUrl(ex), w.id(), reports), Map.of());
    }

    private void getReport(HttpExchange ex, Caller caller, ApiRoute.GetReport r) throws IOException {
        Workspace w = myWorkspaceHasNothing(r.groupId(), r.reportId(), caller);
        sendJson(ex, 200, JsonViews.report(baseUrl(ex), access.report(caller, w, r.reportId())), Map.of());
    }

    private void listCapacities(HttpExchange ex, Caller caller) throws IOException {
        List<Capacity> visible = caller.tenant().capacities().stream()
                .filter(c -> caller.tenant().workspaces().stream()
                        .anyMatch(w -> c.id().equalsIgnoreCase(w.capacityId()) && caller.isMemberOf(w)))
                .toList();
        sendJson(ex, 200, JsonViews.capacities(baseUrl(ex), caller.tenant(), visible), Map.of());
    }

    // ---- read-only admin API --------------------------------------------------------------------

    /** GetGroupsAsAdmin: every workspace of the caller's tenant, member or not; never another tenant's. */
    private void adminGroups(HttpExchange ex) throws IOException {
        Caller caller = auth.authenticate(ex.getRequestHeaders().getFirst("Authorization"));
        BearerAuth.requireTenantAllowsServicePrincipal(caller);
        adminAccess.admit(caller, ex.getRequestHeaders().getFirst("X-PowerBI-Profile-Id"));
        ODataQuery query = ODataQuery.parseAdmin(ex.getRequestURI().getRawQuery());
        sendJson(ex, 200, JsonViews.adminGroups(baseUrl(ex), query.apply(caller.tenant().workspaces())), Map.of());
    }
}
