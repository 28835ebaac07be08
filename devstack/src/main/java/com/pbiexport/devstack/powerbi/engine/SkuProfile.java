package com.pbiexport.devstack.powerbi.engine;

import com.pbiexport.devstack.scenario.Capacity;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Export limits of a capacity SKU, as Microsoft documents them.
 *
 * <ul>
 *   <li>Every current capacity (F, P, A, EM): at most 500 concurrent export requests; more answer 429.</li>
 *   <li>Older SKUs also limited how many report pages render at once across the capacity:
 *       A1/EM1 1, A2/EM2 2, A3/EM3 3, A4/P1 6, A5/P2 12, A6/P3 24 (null here = no capacity-wide page limit,
 *       only the 5-pages-per-export rule).</li>
 *   <li>Premium Per User: paginated export only, at most one request per 5 minutes per user. The REST layer
 *       ({@code PpuLimiter}) enforces that rate; here PPU has the plain concurrency limit.</li>
 * </ul>
 * A scenario's {@code maxConcurrentExports}/{@code concurrentPages} on a capacity override its profile.
 *
 * @param maxConcurrentExports exports (NotStarted or Running) accepted at once on the capacity
 * @param concurrentPages      pages rendered at once across the capacity, or null when unlimited
 */
public record SkuProfile(String sku, int maxConcurrentExports, Integer concurrentPages) {

    /** Documented maximum of concurrent export requests per capacity. */
    public static final int DEFAULT_MAX_CONCURRENT_EXPORTS = 500;

    private static final Map<String, Integer> CONCURRENT_PAGES = Map.ofEntries(
            Map.entry("A1", 1), Map.entry("EM1", 1),
            Map.entry("A2", 2), Map.entry("EM2", 2),
            Map.entry("A3", 3), Map.entry("EM3", 3),
            Map.entry("A4", 6), Map.entry("P1", 6),
            Map.entry("A5", 12), Map.entry("P2", 12),
            Map.entry("A6", 24), Map.entry("P3", 24));

    /** The profile of a SKU name (case-insensitive); unknown SKUs get the current-capacity defaults. */
    public static SkuProfile of(String sku) {
        String s = sku == null ? "" : sku.trim().toUpperCase(Locale.ROOT);
        return new SkuProfile(s, DEFAULT_MAX_CONCURRENT_EXPORTS, CONCURRENT_PAGES.get(s));
    }

    /** The effective limits of a scenario capacity: its SKU profile with the scenario's overrides applied. */
    public static SkuProfile forCapacity(Capacity capacity) {
        SkuProfile p = of(capacity.sku());
        return new SkuProfile(p.sku(),
                Optional.ofNullable(capacity.maxConcurrentExports()).orElse(p.maxConcurrentExports()),
                capacity.concurrentPages() != null ? capacity.concurrentPages() : p.concurrentPages());
    }
}
