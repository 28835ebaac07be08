package com.pbiexport.worker.diagnose;

import com.pbiexport.contracts.ErrorCode;

/**
 * Generates the reference table of every {@link ErrorCode} (for the README / troubleshooting documents), so
 * the published list of codes, categories and fixes cannot drift from the enum.
 */
public final class ErrorCodeDocs {

    private ErrorCodeDocs() {
    }

    /** Markdown table: code, category, retryable, remediation, in declaration order. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| Code | Category | Retryable | Fix |\n|---|---|---|---|\n");
        for (ErrorCode c : ErrorCode.values()) {
            sb.append("| `").append(c.name()).append("` | ").append(c.category().wireValue()).append(" | ")
                    .append(c.retryable() ? "yes" : "no").append(" | ")
                    .append(c.remediation().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    public static void main(String[] args) {
        System.out.print(markdownTable());
    }
}
