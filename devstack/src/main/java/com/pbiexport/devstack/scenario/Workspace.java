package com.pbiexport.devstack.scenario;

import java.util.List;

/**
 * A workspace (a "group" in the REST API).
 *
 * @param capacityId null: shared capacity (Pro), where service principals cannot export
 * @param members    client ids, object ids or profile ids with Member/Contributor/Admin access
 */
public record Workspace(String id, String name, String capacityId, List<String> members) {
    public Workspace {
        name = name == null ? id : name;
        members = members == null ? List.of() : List.copyOf(members);
    }

    public boolean hasMember(String principalId) {
        return principalId != null && members.stream().anyMatch(principalId::equalsIgnoreCase);
    }
}
