package com.pbiexport.worker.diagnose;

import java.util.Objects;

/**
 * Proof that a tenant's Power BI API root belongs to another cloud than the configured one: Power BI refused a
 * token of the configured cloud's audience and accepted one of {@code apiCloud}'s. Nothing on the wire of a bare
 * 401 says "other cloud"; only such a second, accepted token does. Gathered by the worker (once per tenant, after a
 * 401) and by {@code doctor}, so both name the same cause with the same code.
 *
 * @param tenantAlias     the configured alias
 * @param configuredCloud e.g. {@code Public}
 * @param configuredAudience the audience of the refused token
 * @param apiCloud        the cloud whose token the API root accepted, e.g. {@code USGov}
 * @param apiAudience     that cloud's Power BI audience
 */
public record CloudEvidence(String tenantAlias, String configuredCloud, String configuredAudience, String apiCloud,
                            String apiAudience) {
    public CloudEvidence {
        Objects.requireNonNull(tenantAlias, "tenantAlias");
        Objects.requireNonNull(configuredCloud, "configuredCloud");
        Objects.requireNonNull(configuredAudience, "configuredAudience");
        Objects.requireNonNull(apiCloud, "apiCloud");
        Objects.requireNonNull(apiAudience, "apiAudience");
    }

    /** One sentence for an event or a checklist: what was refused, what was accepted, which setting is wrong. */
    public String explanation(String apiRoot) {
        return "Power BI at " + apiRoot + " refused the " + configuredCloud + " token (aud " + configuredAudience
                + ") but accepted a " + apiCloud + " token (aud " + apiAudience + "): this API root is " + apiCloud
                + "'s, while tenants." + tenantAlias + ".cloud is " + configuredCloud;
    }
}
