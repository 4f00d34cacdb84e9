package dev.mcpwatch.probe;

import java.util.List;

/**
 * The tools a server listed across all pages, in the server's order, with the fingerprint of the
 * whole list (SHA-256 over the sorted per-tool fingerprints) and the description fingerprint kept
 * apart so that a description-only change is told from a schema change.
 */
public record ToolList(int count, int pages, String fingerprint, String descriptionsFingerprint, List<ToolSnapshot> tools) {

    public ToolList {
        tools = List.copyOf(tools);
    }

    public List<String> names() {
        return tools.stream().map(ToolSnapshot::name).toList();
    }

    public ToolSnapshot find(String name) {
        return tools.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }
}
