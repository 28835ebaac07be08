package com.pbiexport.devstack.powerbi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.devstack.scenario.Capacity;
import com.pbiexport.devstack.scenario.Report;
import com.pbiexport.devstack.scenario.Tenant;
import com.pbiexport.devstack.scenario.Workspace;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The response bodies, shaped after the Swagger definitions (and the real service's extra OData fields). */
final class JsonViews {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** What the service sends as expirationTime before the file exists (seen in a public thread). */
    static final String NO_TIME = "0001-01-01T00:00:00Z";
    private static final String APP_URL = "https://app.powerbi.com";

    private JsonViews() { }

    /**
     * Swagger {@code Export}. {@code resourceLocation} and {@code ResourceFileExtension} (capital R, as in the
     * Swagger and .NET SDK) only once the file exists; {@code expirationTime} is the zero date until then.
     *
     * @param baseUrl scheme and authority of THIS server, from the request's Host header
     * @param prefix  the route prefix the client used ({@code /v1.0/myorg/groups/{g}/reports/{r}} or the My-workspace one)
     */
    static ObjectNode export(ExportEngine.ExportJob job, String baseUrl, String prefix) {
        return export(job, baseUrl, prefix, false);
    }

    /**
     * @param lowerCaseExtension spell it {@code resourceFileExtension}, as Microsoft's documentation examples do
     *                           (the Swagger and .NET SDK spell it with a capital R)
     */
    static ObjectNode export(ExportEngine.ExportJob job, String baseUrl, String prefix, boolean lowerCaseExtension) {
        ObjectNode n = JSON.objectNode();
        n.put("@odata.context", baseUrl + prefix + "/$metadata#exports/$entity");
        n.put("id", job.id());
        n.put("createdDateTime", time(job.createdDateTime()));
        n.put("lastActionDateTime", time(job.lastActionDateTime() != null ? job.lastActionDateTime() : job.createdDateTime()));
        n.put("reportId", job.reportId());
        n.put("reportName", job.reportName());
        n.put("status", job.status());
        n.put("percentComplete", Math.max(0, Math.min(100, job.percentComplete())));
        boolean done = "Succeeded".equals(job.status());
        if (done) {
            // the id is one path segment: a base64 id's '/', '+' and '=' are percent-encoded
            n.put("resourceLocation", baseUrl + prefix + "/exports/" + pathSegment(job.id()) + "/file");
            if (job.resourceFileExtension() != null) {
                n.put(lowerCaseExtension ? "resourceFileExtension" : "ResourceFileExtension", job.resourceFileExtension());
            }
        }
        n.put("expirationTime", done && job.expirationTime() != null ? time(job.expirationTime()) : NO_TIME);
        return n;
    }

    /** Swagger {@code Groups}: {@code @odata.context} + {@code value}. */
    static ObjectNode groups(String baseUrl, List<Workspace> workspaces) {
        ObjectNode n = odata(baseUrl + "/v1.0/myorg/$metadata#groups");
        ArrayNode value = n.putArray("value");
        for (Workspace w : workspaces) {
            ObjectNode g = value.addObject();
            g.put("id", w.id());
            g.put("isReadOnly", false);
            g.put("isOnDedicatedCapacity", w.capacityId() != null);
            if (w.capacityId() != null) {
                g.put("capacityId", w.capacityId());
                g.put("defaultDatasetStorageFormat", "Small");
            }
            g.put("name", w.name());
        }
        return n;
    }

    /**
     * Get Groups As Admin ({@code AdminGroups} in Microsoft's REST reference, not in the cut Swagger): the admin
     * OData context and, per workspace, {@code type} and {@code state}; {@code capacityId} only on dedicated
     * capacity. Every simulated workspace is an active workspace, never read-only.
     */
    static ObjectNode adminGroups(String baseUrl, List<Workspace> workspaces) {
        ObjectNode n = odata(baseUrl + "/v1.0/myorg/admin/$metadata#groups");
        ArrayNode value = n.putArray("value");
        for (Workspace w : workspaces) {
            ObjectNode g = value.addObject();
            g.put("id", w.id());
            g.put("name", w.name());
            g.put("type", "Workspace");
            g.put("state", "Active");
            g.put("isReadOnly", false);
            g.put("isOnDedicatedCapacity", w.capacityId() != null);
            if (w.capacityId() != null) {
                g.put("capacityId", w.capacityId());
            }
        }
        return n;
    }

    /** Swagger {@code Report} (the subset Get Report returns). */
    static ObjectNode report(String baseUrl, Report r) {
        ObjectNode n = odata(baseUrl + "/v1.0/myorg/groups/" + r.workspaceId() + "/$metadata#reports/$entity");
        fillReport(n, r);
        return n;
    }

    /** Swagger {@code Reports}. */
    static ObjectNode reports(String baseUrl, String groupId, List<Report> reports) {
        ObjectNode n = odata(baseUrl + "/v1.0/myorg/groups/" + groupId + "/$metadata#reports");
        ArrayNode value = n.putArray("value");
        reports.forEach(r -> fillReport(value.addObject(), r));
        return n;
    }

    /**
     * Swagger {@code Capacities}. The scenario has no capacity admins; a member of a workspace on a capacity is
     * shown with {@code Assign} rights, and the tenant's admin account as admin.
     */
    static ObjectNode capacities(String baseUrl, Tenant tenant, List<Capacity> capacities) {
        ObjectNode n = odata(baseUrl + "/v1.0/myorg/$metadata#capacities");
        ArrayNode value = n.putArray("value");
        for (Capacity c : capacities) {
            ObjectNode o = value.addObject();
            o.put("id", c.id());
            o.put("displayName", c.displayName());
            o.putArray("admins").add("admin@" + tenant.domain());
            o.put("sku", c.sku());
            o.put("state", c.state());
            o.put("capacityUserAccessRight", "Assign");
            o.put("region", c.region());
        }
        return n;
    }

    private static void fillReport(ObjectNode n, Report r) {
        n.put("id", r.id());
        n.put("reportType", r.paginated() ? "PaginatedReport" : "PowerBIReport");
        n.put("name", r.name());
        n.put("webUrl", APP_URL + (r.paginated() ? "/groups/" + r.workspaceId() + "/rdlreports/" : "/groups/" + r.workspaceId() + "/reports/") + r.id());
        n.put("embedUrl", APP_URL + (r.paginated() ? "/rdlEmbed" : "/reportEmbed") + "?reportId=" + r.id() + "&groupId=" + r.workspaceId());
        n.put("isFromPbix", !r.paginated());
        n.put("isOwnedByMe", false);
        if (r.datasetId() != null) {
            n.put("datasetId", r.datasetId());
        }
        n.putArray("users");
        n.putArray("subscriptions");
    }

    private static ObjectNode odata(String context) {
        ObjectNode n = JSON.objectNode();
        n.put("@odata.context", context);
        return n;
    }

    /** Percent-encodes a path segment (RFC 3986: everything but unreserved characters). */
    static String pathSegment(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String time(Instant t) {
        return t == null ? NO_TIME : DateTimeFormatter.ISO_INSTANT.format(t);
    }
}
