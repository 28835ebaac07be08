package com.pbiexport.worker.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Microsoft clouds a tenant can live in. Each has its own Entra authority host, Power BI token audience
 * and API root: a token from one cloud is rejected by another cloud's API.
 */
public enum CloudName {
    PUBLIC("Public", "login.microsoftonline.com", "https://analysis.windows.net/powerbi/api",
            "https://api.powerbi.com"),
    /** GCC. */
    US_GOV("USGov", "login.microsoftonline.com", "https://analysis.usgovcloudapi.net/powerbi/api",
            "https://api.powerbigov.us"),
    /** GCC High. */
    US_GOV_HIGH("USGovHigh", "login.microsoftonline.us", "https://high.analysis.usgovcloudapi.net/powerbi/api",
            "https://api.high.powerbigov.us"),
    /** DoD. */
    US_GOV_DOD("USGovDoD", "login.microsoftonline.us", "https://mil.analysis.usgovcloudapi.net/powerbi/api",
            "https://api.mil.powerbigov.us"),
    CHINA("China", "login.chinacloudapi.cn", "https://analysis.chinacloudapi.cn/powerbi/api",
            "https://api.powerbi.cn");

    private final String displayName;
    private final String authorityHost;
    private final String powerBiResource;
    private final String apiRoot;

    CloudName(String displayName, String authorityHost, String powerBiResource, String apiRoot) {
        this.displayName = displayName;
        this.authorityHost = authorityHost;
        this.powerBiResource = powerBiResource;
        this.apiRoot = apiRoot;
    }

    /** The name used in the config file, e.g. {@code USGovHigh}. */
    public String displayName() {
        return displayName;
    }

    /** Entra ID host, e.g. {@code login.microsoftonline.com}. */
    public String authorityHost() {
        return authorityHost;
    }

    /** The token audience Power BI in this cloud accepts (the resource, without {@code /.default}). */
    public String powerBiResource() {
        return powerBiResource;
    }

    /** The scope to request: the Power BI resource plus {@code /.default} (never a bare {@code .default}). */
    public String powerBiScope() {
        return powerBiResource + "/.default";
    }

    /** The REST API root, e.g. {@code https://api.powerbi.com}. */
    public String apiRoot() {
        return apiRoot;
    }

    /**
     * Parses a cloud name: the display name ({@code USGovHigh}), the enum name ({@code US_GOV_HIGH}) or the
     * common aliases {@code GCC}, {@code GCCHigh}, {@code DoD}; case-insensitive.
     */
    /**
     * The cloud whose Power BI API is served at this URL's host (e.g. {@code api.powerbigov.us} -> USGov), empty
     * for any other host (a proxy, the devstack). The API host, not the configured cloud, decides which token
     * audience Power BI will accept.
     */
    public static Optional<CloudName> forApiUrl(java.net.URI url) {
        if (url == null || url.getHost() == null) {
            return Optional.empty();
        }
        return Arrays.stream(values())
                .filter(c -> java.net.URI.create(c.apiRoot).getHost().equalsIgnoreCase(url.getHost()))
                .findFirst();
    }

    public static Optional<CloudName> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.strip().toLowerCase(Locale.ROOT);
        switch (n) {
            case "gcc": return Optional.of(US_GOV);
            case "gcchigh", "gcc_high", "gcc-high": return Optional.of(US_GOV_HIGH);
            case "dod": return Optional.of(US_GOV_DOD);
            default: break;
        }
        return Arrays.stream(values())
                .filter(c -> c.displayName.equalsIgnoreCase(n) || c.name().equalsIgnoreCase(n))
                .findFirst();
    }

    /** The display names, in declaration order, for error messages and documentation. */
    public static List<String> displayNames() {
        return Arrays.stream(values()).map(CloudName::displayName).toList();
    }
}
