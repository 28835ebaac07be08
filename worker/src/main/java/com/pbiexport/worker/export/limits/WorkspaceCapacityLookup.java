package com.pbiexport.worker.export.limits;

import com.pbiexport.worker.export.ExportObserver;
import com.pbiexport.worker.powerbi.ExportApi;
import com.pbiexport.worker.powerbi.GroupInfo;
import com.pbiexport.worker.powerbi.PowerBiException;
import com.pbiexport.worker.powerbi.PowerBiFailure;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The capacity a workspace runs on, asked of Power BI ({@code GET groups?$filter=id eq '...'}); empty on shared
 * capacity. The limits layer owns it and is given only the tenant's {@link ExportApi}, so it never calls back into
 * the export service.
 */
public final class WorkspaceCapacityLookup implements CapacityResolver.Lookup {
    /** No look-up: limits are kept per workspace (for tests that count every call). */
    public static final CapacityResolver.Lookup NONE = (tenant, workspaceId, profileId) -> Optional.empty();

    private final Function<String, ? extends ExportApi> apis;
    private final ExportObserver observer;

    /** @param apis the Power BI API of a tenant alias */
    public WorkspaceCapacityLookup(Function<String, ? extends ExportApi> apis, ExportObserver observer) {
        this.apis = Objects.requireNonNull(apis);
        this.observer = observer == null ? ExportObserver.NONE : observer;
    }

    @Override
    public Optional<String> capacityOf(String tenant, String workspaceId, Optional<String> profileId) {
        String filter = "id eq '" + workspaceId.replace("'", "''") + "'";
        try {
            return apis.apply(tenant).listGroups(filter, profileId).value().stream()
                    .filter(g -> g.id().equalsIgnoreCase(workspaceId) && g.isOnDedicatedCapacity())
                    .map(GroupInfo::capacityId).flatMap(Optional::stream).findFirst();
        } catch (PowerBiException e) {
            // a throttled look-up is a 429 like any other: SREs must see it
            if (e.failure() instanceof PowerBiFailure.Http h && h.status() == 429) {
                observer.throttled(tenant, "lookup", h.retryAfter().orElse(Duration.ZERO));
            }
            throw e;
        }
    }
}
