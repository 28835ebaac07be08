package com.pbiexport.worker.diagnose.doctor;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The configured tenant as the doctor sees it (mapped from the configuration by the app layer, so this package
 * does not depend on {@code config}).
 *
 * @param tenantAlias      the configured alias
 * @param cloud            the configured cloud's name, e.g. {@code Public}
 * @param expectedAudience the configured cloud's Power BI audience
 * @param apiRoot          where Power BI calls go
 * @param apiRootCloud     the cloud whose public API host {@code apiRoot} is, when it is one (a loopback
 *                         simulator is none): evidence independent of the configured cloud
 * @param siblingClouds    other clouds served by the same Entra authority: when Power BI refuses the token, a
 *                         token for one of these that it accepts proves the API root belongs to that cloud
 * @param clientId         the app's client id, named where a tenant setting must cover it
 * @param askAdminApi      whether an invisible workspace may be looked up with the read-only admin API
 *                         ({@code diagnose.adminApiProbe})
 */
public record DoctorTarget(String tenantAlias, String cloud, String expectedAudience, URI apiRoot,
                           Optional<CloudAudience> apiRootCloud, List<CloudAudience> siblingClouds, String clientId,
                           boolean askAdminApi) {

    /** A cloud, its Power BI audience and the scope that yields it. */
    public record CloudAudience(String cloud, String audience, String scope) {
        public CloudAudience {
            Objects.requireNonNull(cloud, "cloud");
            Objects.requireNonNull(audience, "audience");
            Objects.requireNonNull(scope, "scope");
        }
    }

    public DoctorTarget {
        Objects.requireNonNull(tenantAlias, "tenantAlias");
        Objects.requireNonNull(cloud, "cloud");
        Objects.requireNonNull(expectedAudience, "expectedAudience");
        Objects.requireNonNull(apiRoot, "apiRoot");
        Objects.requireNonNull(apiRootCloud, "apiRootCloud");
        siblingClouds = List.copyOf(siblingClouds);
        Objects.requireNonNull(clientId, "clientId");
    }
}
