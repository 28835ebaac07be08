package com.pbiexport.devstack.powerbi;

import com.pbiexport.devstack.scenario.Tenant;
import com.pbiexport.devstack.scenario.Workspace;

/**
 * Who is calling, as established from a verified token (and the profile header).
 *
 * @param clientId         the token's {@code appid}/{@code azp}
 * @param objectId         the token's {@code oid}
 * @param servicePrincipal app-only token (no {@code scp} claim)
 * @param profileId        the {@code X-PowerBI-Profile-Id} the call acts as, or null
 */
record Caller(Tenant tenant, String clientId, String objectId, boolean servicePrincipal, String profileId) {

    /** The identity that owns exports and whose membership counts: the profile when one is used. */
    String principal() {
        return profileId != null ? profileId : clientId;
    }

    /** With a profile, only the profile's own membership counts (that is the point of profiles). */
    boolean isMemberOf(Workspace w) {
        if (profileId != null) {
            return w.hasMember(profileId);
        }
        return w.hasMember(clientId) || w.hasMember(objectId);
    }

    Caller withProfile(String profile) {
        return new Caller(tenant, clientId, objectId, servicePrincipal, profile);
    }
}
