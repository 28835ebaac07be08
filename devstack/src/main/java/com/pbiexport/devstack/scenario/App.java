package com.pbiexport.devstack.scenario;

import java.util.List;

/**
 * An app registration and its service principal in one tenant.
 *
 * @param clientId     application (client) id, the token's {@code appid}/{@code azp}
 * @param objectId     the service principal's object id, the token's {@code oid}
 * @param enabled      false answers AADSTS7000112 (application disabled)
 * @param secrets      client secrets with their expiry
 * @param certificates base64 DER X.509 certificates whose keys may sign client assertions
 * @param federatedAssertions fixed assertion strings accepted as federated credentials (workload identity)
 * @param profiles     service principal profile ids this app owns ({@code X-PowerBI-Profile-Id})
 */
public record App(
        String clientId,
        String displayName,
        String objectId,
        Boolean enabled,
        List<Secret> secrets,
        List<String> certificates,
        List<String> federatedAssertions,
        List<String> profiles) {

    public App {
        displayName = displayName == null ? clientId : displayName;
        objectId = objectId == null ? clientId : objectId;
        enabled = enabled == null || enabled;
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
        federatedAssertions = federatedAssertions == null ? List.of() : List.copyOf(federatedAssertions);
        profiles = profiles == null ? List.of() : List.copyOf(profiles);
    }
}
