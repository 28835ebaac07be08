package com.pbiexport.devstack.sim;

import java.util.Arrays;
import java.util.Optional;

/**
 * The Microsoft clouds: each has its own authority host, Power BI resource (token audience) and API root.
 * The simulator only issues and accepts tokens with these exact audiences.
 */
public enum Cloud {
    PUBLIC("Public", "login.microsoftonline.com", "https://analysis.windows.net/powerbi/api", "https://api.powerbi.com"),
    US_GOV("USGov", "login.microsoftonline.com", "https://analysis.usgovcloudapi.net/powerbi/api", "https://api.powerbigov.us"),
    US_GOV_HIGH("USGovHigh", "login.microsoftonline.us", "https://high.analysis.usgovcloudapi.net/powerbi/api", "https://api.high.powerbigov.us"),
    US_GOV_DOD("USGovDoD", "login.microsoftonline.us", "https://mil.analysis.usgovcloudapi.net/powerbi/api", "https://api.mil.powerbigov.us"),
    CHINA("China", "login.chinacloudapi.cn", "https://analysis.chinacloudapi.cn/powerbi/api", "https://api.powerbi.cn");

    /** Audience of Microsoft Graph tokens (what a bare {@code .default} or a Graph scope yields). */
    public static final String GRAPH_AUDIENCE = "https://graph.microsoft.com";
    /** The Graph app id, which real Graph tokens sometimes carry as {@code aud}. */
    public static final String GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

    private final String displayName;
    private final String authorityHost;
    private final String powerBiResource;
    private final String apiRoot;

    Cloud(String displayName, String authorityHost, String powerBiResource, String apiRoot) {
        this.displayName = displayName;
        this.authorityHost = authorityHost;
        this.powerBiResource = powerBiResource;
        this.apiRoot = apiRoot;
    }

    public String displayName() { return displayName; }
    public String authorityHost() { return authorityHost; }
    /** The token audience Power BI in this cloud accepts. */
    public String powerBiResource() { return powerBiResource; }
    /** The scope a client must request: the resource plus {@code /.default}. */
    public String powerBiScope() { return powerBiResource + "/.default"; }
    public String apiRoot() { return apiRoot; }

    public static Optional<Cloud> byName(String name) {
        return Arrays.stream(values()).filter(c -> c.displayName.equalsIgnoreCase(name) || c.name().equalsIgnoreCase(name)).findFirst();
    }

    /** The cloud whose Power BI resource is this audience, if any. */
    public static Optional<Cloud> byPowerBiAudience(String aud) {
        return Arrays.stream(values()).filter(c -> c.powerBiResource.equalsIgnoreCase(aud)).findFirst();
    }
}
