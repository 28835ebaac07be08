package com.pbiexport.worker.it;

/** Ids of the default devstack scenario (devstack/src/main/resources/scenarios/default.json). */
public final class ScenarioIds {
    public static final String SALES_WS = "3d5e0000-0000-4000-a000-000000000001";
    public static final String FINANCE_WS = "3d5e0000-0000-4000-a000-000000000002";
    public static final String TEAM_WS = "3d5e0000-0000-4000-a000-000000000003";
    public static final String PPU_WS = "3d5e0000-0000-4000-a000-000000000004";
    public static final String OPS_A1_WS = "3d5e0000-0000-4000-a000-000000000005";
    public static final String FABRIKAM_WS = "3d5e0000-0000-4000-a000-000000000011";
    public static final String NORTHWIND_WS = "3d5e0000-0000-4000-a000-000000000021";

    /** Sales Overview: Power BI report, 3 pages, Sales workspace (F64). */
    public static final String SALES_REPORT = "7e000000-0000-4000-a000-000000000001";
    /** Invoice: paginated report, 2 pages, Sales workspace. */
    public static final String INVOICE_PAGINATED = "7e000000-0000-4000-a000-000000000002";
    /** Board Pack: sensitivity-labelled Power BI report. */
    public static final String BOARD_PACK_LABELLED = "7e000000-0000-4000-a000-000000000003";
    /** Everything: 60 pages. */
    public static final String SIXTY_PAGES = "7e000000-0000-4000-a000-000000000004";
    /** Ops Daily: 2 pages on the A1 capacity (at most 2 concurrent exports). */
    public static final String OPS_A1_REPORT = "7e000000-0000-4000-a000-000000000005";
    public static final String FINANCE_REPORT = "7e000000-0000-4000-a000-000000000006";
    public static final String TEAM_REPORT = "7e000000-0000-4000-a000-000000000007";
    public static final String PPU_REPORT = "7e000000-0000-4000-a000-000000000008";
    public static final String FABRIKAM_REPORT = "7e000000-0000-4000-a000-000000000011";
    public static final String NORTHWIND_REPORT = "7e000000-0000-4000-a000-000000000021";

    public static final String CONTOSO_TENANT_ID = "4a1f0c2e-0000-4000-a000-000000000001";
    public static final String CONTOSO_APP = "c11e7700-0000-4000-a000-000000000001";
    public static final String CONTOSO_DISABLED_APP = "c11e7700-0000-4000-a000-000000000003";
    public static final String CONTOSO_SECRET = "devstack-secret-not-for-production";
    public static final String A1_CAPACITY = "ca000000-0000-4000-a000-000000000003";

    private ScenarioIds() {
    }
}
