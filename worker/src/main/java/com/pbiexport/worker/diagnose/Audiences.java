package com.pbiexport.worker.diagnose;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Token audiences the classifier recognises. Kept here rather than borrowed from {@code config} so that
 * {@code diagnose} depends on nothing but the failure types.
 */
public final class Audiences {

    /** Power BI's token audience in each cloud (public, GCC, GCC High, DoD, China). */
    public static final List<String> POWER_BI = List.of(
            "https://analysis.windows.net/powerbi/api",
            "https://analysis.usgovcloudapi.net/powerbi/api",
            "https://high.analysis.usgovcloudapi.net/powerbi/api",
            "https://mil.analysis.usgovcloudapi.net/powerbi/api",
            "https://analysis.chinacloudapi.cn/powerbi/api");

    /** Microsoft Graph: what a bare {@code .default} or a Graph scope yields (URL and app-id forms, all clouds). */
    public static final List<String> GRAPH = List.of(
            "https://graph.microsoft.com",
            "00000003-0000-0000-c000-000000000000",
            "https://graph.microsoft.us",
            "https://dod-graph.microsoft.us",
            "https://microsoftgraph.chinacloudapi.cn");

    private Audiences() {
    }

    public static boolean isGraph(String aud) {
        return aud != null && GRAPH.contains(normalise(aud));
    }

    public static boolean isPowerBi(String aud) {
        return aud != null && POWER_BI.contains(normalise(aud));
    }

    /** Same audience, ignoring case and a trailing slash. */
    public static boolean same(String a, String b) {
        return a != null && b != null && normalise(a).equals(normalise(b));
    }

    /** The expected audience for a scope ({@code <resource>/.default} becomes {@code <resource>}). */
    public static Optional<String> fromScope(String scope) {
        if (scope == null || !scope.endsWith("/.default")) {
            return Optional.empty();
        }
        return Optional.of(scope.substring(0, scope.length() - "/.default".length()));
    }

    static String normalise(String aud) {
        String a = aud.strip().toLowerCase(Locale.ROOT);
        return a.endsWith("/") ? a.substring(0, a.length() - 1) : a;
    }
}
