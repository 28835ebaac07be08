package com.pbiexport.worker.config;

import java.util.List;

/**
 * The configuration is unusable. Lists every problem at once, each naming the setting (and its environment
 * variable) and what to do, so one start-up attempt is enough to fix them all.
 */
public final class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(format(problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    /** Each problem as one line, in the order found. */
    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        StringBuilder sb = new StringBuilder("Invalid configuration (")
                .append(problems.size()).append(problems.size() == 1 ? " problem):" : " problems):");
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
