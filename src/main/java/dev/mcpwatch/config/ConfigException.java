package dev.mcpwatch.config;

import java.util.List;

/** A configuration that cannot be used, with every problem found in it (not only the first). */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    public ConfigException(List<Problem> problems) {
        super(problems.size() == 1 ? problems.getFirst().toString()
                : problems.size() + " problems:\n  " + String.join("\n  ", problems.stream().map(Problem::toString).toList()));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
