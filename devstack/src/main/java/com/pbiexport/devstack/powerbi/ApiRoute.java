package com.pbiexport.devstack.powerbi;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The operations the simulator serves, parsed from method and path. Path segments are matched
 * case-insensitively (the real service accepts {@code exportTo} as well as {@code ExportTo}); ids must be
 * GUIDs except the opaque export id. {@code groupId} is null for the "My workspace" ({@code /v1.0/myorg/reports})
 * forms.
 */
sealed interface ApiRoute {

    Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** True for the "My workspace" forms, which a service principal cannot use. */
    default boolean myWorkspace() {
        return false;
    }

    record ExportTo(String groupId, String reportId, String prefix) implements ApiRoute {
        @Override public boolean myWorkspace() { return groupId == null; }
    }

    record ExportStatus(String groupId, String reportId, String exportId, String prefix) implements ApiRoute {
        @Override public boolean myWorkspace() { return groupId == null; }
    }

    record ExportFileRoute(String groupId, String reportId, String exportId, String prefix) implements ApiRoute {
        @Override public boolean myWorkspace() { return groupId == null; }
    }

    record ListGroups() implements ApiRoute { }

    record ListReports(String groupId) implements ApiRoute { }

    record GetReport(String groupId, String reportId) implements ApiRoute {
        @Override public boolean myWorkspace() { return groupId == null; }
    }

    record ListCapacities() implements ApiRoute { }

    /**
     * Admin - Groups GetGroupsAsAdmin ({@code GET /v1.0/myorg/admin/groups}): every workspace of the caller's
     * tenant, whatever its membership. Not in the cut Swagger contract; shaped after Microsoft's REST reference.
     */
    record AdminGroups() implements ApiRoute { }

    /**
     * Parses a request; throws the 404 (no such route), 405 (route exists, other method) or 400 (an id that is
     * not a GUID) answer.
     */
    static ApiRoute parse(String method, String rawPath) {
        List<String> s = segments(rawPath);
        if (s.size() < 3 || !s.get(0).equalsIgnoreCase("v1.0") || !s.get(1).equalsIgnoreCase("myorg")) {
            throw ApiError.noSuchRoute(rawPath).toFailure();
        }
        List<String> rest = s.subList(2, s.size());
        String groupId = null;
        String prefix = "/v1.0/myorg";
        if (rest.get(0).equalsIgnoreCase("groups")) {
            if (rest.size() == 1) {
                return only(method, "GET", new ListGroups());
            }
            groupId = guid("groupId", rest.get(1));
            prefix += "/groups/" + groupId;
            rest = rest.subList(2, rest.size());
        } else if (rest.size() == 1 && rest.get(0).equalsIgnoreCase("capacities")) {
            return only(method, "GET", new ListCapacities());
        } else if (rest.size() == 2 && rest.get(0).equalsIgnoreCase("admin") && rest.get(1).equalsIgnoreCase("groups")) {
            // the other admin routes (groups/{id}, users, scanner...) exist in the real API but are not simulated
            return only(method, "GET", new AdminGroups());
        }
        if (rest.isEmpty() || !rest.get(0).equalsIgnoreCase("reports")) {
            throw ApiError.noSuchRoute(rawPath).toFailure();
        }
        if (rest.size() == 1) {
            if (groupId == null) {
                // GET /v1.0/myorg/reports exists in the real API (My workspace reports) but is not simulated
                throw ApiError.noSuchRoute(rawPath).toFailure();
            }
            return only(method, "GET", new ListReports(groupId));
        }
        String reportId = guid("reportId", rest.get(1));
        prefix += "/reports/" + reportId;
        List<String> tail = rest.subList(2, rest.size());
        if (tail.isEmpty()) {
            // DELETE exists in the real API; the simulator does not delete reports
            return only(method, "GET", new GetReport(groupId, reportId));
        }
        if (tail.size() == 1 && tail.get(0).equalsIgnoreCase("ExportTo")) {
            return only(method, "POST", new ExportTo(groupId, reportId, prefix));
        }
        if (tail.get(0).equalsIgnoreCase("exports") && tail.size() == 2) {
            return only(method, "GET", new ExportStatus(groupId, reportId, tail.get(1), prefix));
        }
        if (tail.get(0).equalsIgnoreCase("exports") && tail.size() == 3 && tail.get(2).equalsIgnoreCase("file")) {
            return only(method, "GET", new ExportFileRoute(groupId, reportId, tail.get(1), prefix));
        }
        throw ApiError.noSuchRoute(rawPath).toFailure();
    }

    private static ApiRoute only(String method, String allowed, ApiRoute route) {
        if (!allowed.equalsIgnoreCase(method)) {
            throw ApiError.methodNotAllowed(method).toFailure();
        }
        return route;
    }

    private static String guid(String name, String value) {
        if (!GUID.matcher(value).matches()) {
            throw ApiError.invalidRequest("Parameter " + name + " is missing or invalid").toFailure();
        }
        return value.toLowerCase(java.util.Locale.ROOT);
    }

    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String part : rawPath.split("/")) {
            if (!part.isEmpty()) {
                try {
                    out.add(java.net.URLDecoder.decode(part.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8));
                } catch (IllegalArgumentException badEscape) {
                    throw ApiError.noSuchRoute(rawPath).toFailure();
                }
            }
        }
        return out;
    }
}
