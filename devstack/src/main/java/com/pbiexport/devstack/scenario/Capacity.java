package com.pbiexport.devstack.scenario;

/**
 * A capacity. {@code sku} picks a profile (F/P/A/EM SKUs, PPU); the overrides, when set, replace the
 * profile's values.
 *
 * @param maxConcurrentExports concurrent export requests accepted before 429 (500 on current capacities)
 * @param concurrentPages      pages rendered at once across the capacity (older SKU limits); null = unlimited
 * @param pageRenderMillis     time to render one round of pages on this capacity; null = the scenario's
 *                             {@code pageRenderMillis} (benchmarks: a smaller SKU renders slower; invented)
 * @param throttleRetryAfter   how this capacity's "full" 429 states its Retry-After, whatever the profile draws:
 *                             {@code exact} (the seconds until a slot frees) or {@code coarse} (30 s, or the next
 *                             multiple of 30 never below the exact wait); null = the profile's draw. A benchmark
 *                             knob, never read by the worker
 */
public record Capacity(
        String id,
        String displayName,
        String sku,
        String region,
        String state,
        Integer maxConcurrentExports,
        Integer concurrentPages,
        Long pageRenderMillis,
        String throttleRetryAfter) {

    public Capacity {
        displayName = displayName == null ? id : displayName;
        sku = sku == null ? "F64" : sku;
        region = region == null ? "West Europe" : region;
        state = state == null ? "Active" : state;
        if (throttleRetryAfter != null && !throttleRetryAfter.equals("exact") && !throttleRetryAfter.equals("coarse")) {
            throw new IllegalArgumentException("capacity " + id + ": throttleRetryAfter must be 'exact' or 'coarse', was '"
                    + throttleRetryAfter + "'");
        }
    }

    /** A capacity without the benchmark knobs (render time from the scenario, Retry-After from the profile). */
    public Capacity(String id, String displayName, String sku, String region, String state,
                    Integer maxConcurrentExports, Integer concurrentPages) {
        this(id, displayName, sku, region, state, maxConcurrentExports, concurrentPages, null, null);
    }
}
