package com.pbiexport.worker.diagnose.probe;

import com.pbiexport.worker.config.CloudName;
import com.pbiexport.worker.config.TenantConfig;
import com.pbiexport.worker.diagnose.CloudEvidence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The worker's side of the doctor's cloud check. After Power BI answers a bare 401 to a token of the configured
 * cloud's audience, calls {@code GET capacities} on the configured API root with OUR OWN token and, only when that is
 * refused (401/403), with a token of each sibling cloud (same authority host, e.g. Public and USGov): our token
 * refused and the sibling's accepted on the same call proves the API root is the sibling's. A sibling token accepted
 * where ours is accepted too proves nothing about the cloud (the 401 had another reason), so no claim is made.
 * Bearer tokens never leave the configured Power BI host.
 *
 * <p>At most one probe per tenant runs at a time, and its answer is kept for {@link #TTL}, so a burst of failing
 * jobs costs one extra token request per sibling cloud, not one per job. Skipped when the API host is a known
 * cloud host: then the expected audience is already the host's and the classifier names the cloud without help.
 * The probe runs on {@code executor}; callers chain on the future and never block.
 */
public final class CloudProbe {
    static final Duration TTL = Duration.ofMinutes(10);
    private static final Logger log = LoggerFactory.getLogger(CloudProbe.class);

    /** How the API root answered {@code GET capacities} with a token of one scope. */
    public enum Answer {
        ACCEPTED,
        /** 401 or 403. */
        REJECTED,
        /** Anything else (no token, 5xx, 429, transport): no evidence either way. */
        NO_ANSWER
    }

    /**
     * One {@code GET capacities} on the tenant's configured API root with a token of {@code scope}; blocking.
     * Production: {@code tenant.TenantConnections#capacitiesCall}, which builds the token service and client exactly
     * as the worker builds the tenant's own, with only the scope changed.
     */
    @FunctionalInterface
    public interface CapacitiesCall {
        Answer call(String alias, TenantConfig tenant, String scope);
    }

    private record Cached(Instant at, CompletableFuture<Optional<CloudEvidence>> answer) { }

    private final Map<String, TenantConfig> tenants;
    private final CapacitiesCall capacities;
    private final Clock clock;
    private final Executor executor;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    CloudProbe(Map<String, TenantConfig> tenants, CapacitiesCall capacities, Clock clock, Executor executor) {
        this.tenants = Map.copyOf(tenants);
        this.capacities = capacities;
        this.clock = clock;
        this.executor = executor;
    }

    CompletableFuture<Optional<CloudEvidence>> evidence(String alias) {
        TenantConfig t = tenants.get(alias);
        if (t == null || CloudName.forApiUrl(t.effectivePowerBiApiUrl()).isPresent()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Instant now = clock.instant();
        return cache.compute(alias, (k, old) -> old != null && old.at().plus(TTL).isAfter(now) ? old
                : new Cached(now, CompletableFuture.supplyAsync(() -> probe(alias, t), executor))).answer();
    }

    private Optional<CloudEvidence> probe(String alias, TenantConfig t) {
        Answer ours = capacities.call(alias, t, t.effectiveScope());
        if (ours != Answer.REJECTED) {
            // our own token is accepted here (or the call says nothing): the 401 was not about the cloud
            log.debug("tenant {}: own token {} on GET capacities: no cloud evidence", alias, ours);
            return Optional.empty();
        }
        for (CloudName other : siblings(t.cloud())) {
            if (capacities.call(alias, t, other.powerBiScope()) != Answer.ACCEPTED) {
                continue; // that cloud's token is refused too (or cannot be had): no proof from it
            }
            CloudEvidence e = new CloudEvidence(alias, t.cloud().displayName(), t.cloud().powerBiResource(),
                    other.displayName(), other.powerBiResource());
            log.warn("tenant {}: {}", alias, e.explanation(t.effectivePowerBiApiUrl().toString()));
            return Optional.of(e);
        }
        return Optional.empty();
    }

    /** Clouds served by the same Entra authority as {@code cloud}, whose tokens it can therefore also issue. */
    public static List<CloudName> siblings(CloudName cloud) {
        return Arrays.stream(CloudName.values())
                .filter(c -> c != cloud && c.authorityHost().equalsIgnoreCase(cloud.authorityHost())).toList();
    }
}
