package com.pbiexport.worker.config;

import java.util.stream.Collectors;

/**
 * Generates the configuration reference table from the catalogue ({@link Settings}), so the documentation
 * cannot drift from the code: a test fails when {@code docs/CONFIGURATION.md} does not contain it verbatim.
 * Regenerate with {@code java -cp ... com.pbiexport.worker.config.ConfigDocs}.
 */
public final class ConfigDocs {

    private ConfigDocs() {
    }

    /** The Markdown table of every setting: path, environment variable, type, default, description. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("| Setting | Environment variable | Type | Default | Description |\n");
        sb.append("|---|---|---|---|---|\n");
        for (Setting s : Settings.all()) {
            String checks = s.checks().stream().map(Check::describe).filter(d -> !d.isEmpty())
                    .collect(Collectors.joining(", "));
            String type = s.type().docName() + (checks.isEmpty() ? "" : " (" + checks + ")");
            String def = s.required() ? "**required**" : s.defaultText().isEmpty() ? "" : "`" + s.defaultText() + "`";
            sb.append("| `").append(s.path()).append("` | ")
                    .append(s.envVar().map(e -> "`" + e + "`").orElse("")).append(" | ")
                    .append(escape(type)).append(" | ")
                    .append(escape(def)).append(" | ")
                    .append(escape(s.documentation())).append(s.sensitive() ? " *Secret: never echoed.*" : "")
                    .append(" |\n");
        }
        return sb.toString();
    }

    private static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    /** Prints the table (to paste into docs/CONFIGURATION.md). */
    public static void main(String[] args) {
        System.out.print(markdownTable());
    }
}
