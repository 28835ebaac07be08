package com.pbiexport.devstack.scenario;

/**
 * A capacity. {@code sku} picks a profile (F/P/A/EM SKUs, PPU); the overrides, when set, replace the
 * profile's values.
 *
 * @param maxConcurrentExports concurrent export requests accepted before 429 (500 on current capacities)
 * @param concurrentPages      pages rendered at once across the capacity (older SKU limits); null = unlimited
 */
public record Capacity(
        String id,
        String displayName,
        String sku,
        String region,
        String state,
        Integer maxConcurrentExports,
        Integer concurrentPages) {

    public Capacity {
        displayName = displayName == null ? id : displayName;
        sku = sku == null ? "F64" : sku;
        region = region == null ? "West Europe" : region;
        state = state == null ? "Active" : state;
    }
}
