package dev.mcpwatch.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code examples/mcpwatch.yaml}, as shipped — it watches only this machine, so its richer examples
 * (the monitor with every option, several health-check tools, a one-off maintenance window) are
 * commented out — and with those examples enabled, so that tests check every documented option
 * still loads as the comments say.
 */
public final class Examples {
    public static final Path CONFIG = Path.of("examples", "mcpwatch.yaml");
    /** A commented-out list item: "  # - id: weather". */
    private static final Pattern ITEM = Pattern.compile("^( *)# (- (?:id|name): .*)$");

    private Examples() {}

    /**
     * The example with each commented-out list item ({@code # - id: …}, {@code # - name: …}) and its
     * commented lines below it ({@code #   key: …}) uncommented; comments inside them stay comments.
     */
    public static String everyOptionEnabled() {
        List<String> out = new ArrayList<>();
        String indent = null;
        for (String line : lines()) {
            Matcher item = ITEM.matcher(line);
            if (item.matches()) {
                indent = item.group(1);
                out.add(indent + item.group(2));
            } else if (indent != null && line.startsWith(indent + "#   ")) {
                out.add(indent + line.substring(indent.length() + 2));
            } else {
                indent = null;
                out.add(line);
            }
        }
        return String.join("\n", out) + "\n";
    }

    private static List<String> lines() {
        try {
            return Files.readAllLines(CONFIG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
