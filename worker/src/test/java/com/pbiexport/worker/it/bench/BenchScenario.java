package com.pbiexport.worker.it.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pbiexport.devstack.scenario.Scenario;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bench's scenario: the default one (realistic profile) with, in tenant contoso, one capacity per measured run
 * (its true limit, render round and Retry-After style from the row), a workspace on it and a report in it, so every
 * run starts on a capacity nobody used before. Tokens live {@link RowMeasure#TOKEN_LIFETIME_SECONDS}.
 */
final class BenchScenario {
    static final String CONTOSO_TENANT_ID = "4a1f0c2e-0000-4000-a000-000000000001";
    static final String SALES_WS = "3d5e0000-0000-4000-a000-000000000001";
    static final String SALES_REPORT = "7e000000-0000-4000-a000-000000000001";

    /** Where one run's exports go. */
    record RowIds(int index, String capacityId, String workspaceId, String reportId) {
        static RowIds of(int index) {
            String n = String.format(Locale.ROOT, "%012d", 900 + index);
            return new RowIds(index, "ca000000-0000-4000-b000-" + n, "3d5e0000-0000-4000-b000-" + n,
                    "7e000000-0000-4000-b000-" + n);
        }
    }

    private BenchScenario() {
    }

    /** The scenario with one capacity per entry of {@code runs} (index i+1 for entry i). */
    static Scenario build(List<BenchRow> runs) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root;
        try (InputStream in = Scenario.class.getResourceAsStream("/scenarios/default.json")) {
            root = (ObjectNode) json.readTree(in);
        }
        root.put("pageRenderMillis", 2000); // the warm-up export's capacity (F64): 1 page = 3 s
        root.put("tokenLifetimeSeconds", RowMeasure.TOKEN_LIFETIME_SECONDS);
        for (var t : root.withArray("tenants")) {
            if (!t.path("id").asText().equals(CONTOSO_TENANT_ID)) {
                continue;
            }
            ArrayNode capacities = ((ObjectNode) t).withArray("capacities");
            ArrayNode workspaces = ((ObjectNode) t).withArray("workspaces");
            ArrayNode reports = ((ObjectNode) t).withArray("reports");
            ObjectNode salesWs = find(workspaces, SALES_WS);
            ObjectNode salesReport = find(reports, SALES_REPORT);
            List<ObjectNode> added = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                BenchRow row = runs.get(i);
                RowIds ids = RowIds.of(i + 1);
                capacities.addObject().put("id", ids.capacityId()).put("displayName", "Bench " + row.name())
                        .put("sku", "F64").put("maxConcurrentExports", row.limit())
                        .put("pageRenderMillis", row.roundMs()).put("throttleRetryAfter", row.retryAfter());
                added.add(salesWs.deepCopy().put("id", ids.workspaceId()).put("name", "Bench " + (i + 1))
                        .put("capacityId", ids.capacityId()));
                reports.add(salesReport.deepCopy().put("id", ids.reportId()).put("workspaceId", ids.workspaceId()));
            }
            added.forEach(workspaces::add);
        }
        return Scenario.read(new ByteArrayInputStream(json.writeValueAsBytes(root))).validated();
    }

    private static ObjectNode find(ArrayNode list, String id) {
        for (var n : list) {
            if (n.path("id").asText().equals(id)) {
                return (ObjectNode) n;
            }
        }
        throw new IllegalStateException("default scenario has no " + id);
    }
}
