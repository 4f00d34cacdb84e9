package dev.mcpwatch.monitor;

import dev.mcpwatch.incident.Degradation;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What detection made of one recorded probe: the degradation in force (null when none), and notes
 * for the incident's timeline (a degradation condition starting or ending), which the recorder
 * writes to whichever incident is open once it has decided.
 */
public record Assessment(Degradation degradation, List<JsonNode> timeline) {
    public static final Assessment NONE = new Assessment(null, List.of());

    public Assessment {
        timeline = List.copyOf(timeline);
    }
}
