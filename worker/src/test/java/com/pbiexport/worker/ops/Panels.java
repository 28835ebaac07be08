package com.pbiexport.worker.ops;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The Prometheus queries of a Grafana dashboard JSON, panels inside collapsed rows included. */
final class Panels {
    private Panels() {
    }

    record Query(String panel, String refId, String expr) { }

    static List<Query> queries(JsonNode dashboard) {
        List<Query> out = new ArrayList<>();
        collect(dashboard.path("panels"), out);
        return out;
    }

    private static void collect(JsonNode panels, List<Query> out) {
        for (JsonNode p : panels) {
            collect(p.path("panels"), out);
            for (JsonNode t : p.path("targets")) {
                if (t.hasNonNull("expr")) {
                    out.add(new Query(p.path("title").asText(), t.path("refId").asText(), t.path("expr").asText()));
                }
            }
        }
    }

    /** Replaces Grafana variables, longest name first (so {@code $__rate_interval} wins over a shorter prefix). */
    static String substitute(String expr, Map<String, String> values) {
        String s = expr;
        for (String k : values.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            s = s.replace("${" + k.substring(1) + "}", values.get(k)).replace(k, values.get(k));
        }
        return s;
    }
}
