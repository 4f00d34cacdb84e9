package dev.mcpwatch.monitor;

import dev.mcpwatch.incident.Degradation;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What detection made of one recorded probe: the degradation in force (null when none), notes
 * for the incident's timeline (a degradation condition starting or ending), which the recorder
 * writes to whichever incident is open once it has decided, and whether a rule is part-way through
 * confirming a condition or its end (the monitor is then re-probed at its retry interval).
 */
public record Assessment(Degradation degradation, List<JsonNode> timeline, boolean confirming) {
    public static final Assessment NONE = new Assessment(null, List.of(), false);

    public Assessment {
        timeline = List.copyOf(timeline);
    }
}
