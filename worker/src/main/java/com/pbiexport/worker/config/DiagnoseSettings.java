package com.pbiexport.worker.config;

/**
 * {@code diagnose.*}: the extra evidence the worker and {@code doctor} may gather to name a failure's cause.
 *
 * @param adminApiProbe after a "workspace not found", ask Power BI's read-only admin API whether the workspace
 *                      exists, to tell a missing membership from an unknown workspace
 */
public record DiagnoseSettings(boolean adminApiProbe) {
    public static DiagnoseSettings defaults() {
        return new DiagnoseSettings(true);
    }
}
