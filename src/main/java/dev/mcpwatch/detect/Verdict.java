package dev.mcpwatch.detect;

import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a rule answers for one probe: its new memory and the conditions it holds now, by subject;
 * or {@link #UNCHANGED} when the probe changed none of its inputs (nothing is read or written).
 */
record Verdict(ObjectNode memory, Map<String, Finding> held) {
    static final Verdict UNCHANGED = new Verdict(null, null);

    Verdict {
        held = held == null ? null : Map.copyOf(held);
    }

    static Verdict of(ObjectNode memory, Map<String, Finding> held) {
        return new Verdict(memory, held);
    }

    static Verdict nothing(ObjectNode memory) {
        return new Verdict(memory, Map.of());
    }

    boolean unchanged() {
        return memory == null;
    }
}
