package dev.mcpwatch.detect;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.Reason;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * P2 — flapping: the monitor alternates between passing and failing. A change is a probe whose
 * verdict (healthy or not) differs from the previous probe's, at that probe's start. Flapping starts when {@code changes}
 * (4) changes fall within {@code window} (30 min) — two failure episodes, each too short to confirm
 * an outage, or two outages in quick succession — and ends once the monitor went a whole
 * {@code window} without a change. A single failed probe among successes makes two changes and
 * never flaps. Memory: the last verdict, the change times within the window, the last failure.
 */
final class FlappingRule implements Rule {

    /** {@code detection.flapping} in the configuration. */
    record Settings(boolean enabled, int changes, Duration window) implements Rules.Settings {}

    static final Block<Settings> SETTINGS = Block.of("flapping", Settings.class, new Settings(true, 4, Duration.ofMinutes(30)), """
            {
              "description": "P2: alternating between passing and failing",
              "properties": {
                "changes": {"$ref": "#/$defs/integer", "minimum": 2, "maximum": 1000, "description": "changes between passing and failing ..."},
                "window": {"$ref": "#/$defs/duration", "description": "... within this; ends after this long without a change"}
              }
            }
            """).checkedBy((s, at) -> RuleChecks.positive(at, "window", s.window()));

    @Override
    public String id() {
        return "flapping";
    }

    @Override
    public Severity severity() {
        return Severity.P2;
    }

    @Override
    public Block<Settings> settings() {
        return SETTINGS;
    }

    @Override
    public Verdict judge(Context ctx, ObjectNode memory, Map<String, Finding> held) {
        Settings s = ctx.settings(SETTINGS);
        long now = ctx.now();
        long startedAt = ctx.result().startedAt().toEpochMilli();
        boolean healthy = ctx.result().healthy();
        ArrayNode changes = memory.has("changes") ? (ArrayNode) memory.get("changes") : memory.putArray("changes");
        if (memory.has("healthy") && memory.get("healthy").asBoolean() != healthy) {
            changes.add(startedAt);
        }
        memory.put("healthy", healthy);
        while (!changes.isEmpty() && changes.get(0).asLong() < now - s.window().toMillis()) {
            changes.remove(0);
        }
        Failure failure = ctx.result().failure();
        if (failure != null) {
            memory.putObject("failure").put("reason", failure.reason().wireName()).put("phase", failure.phase().wireName())
                    .put("message", failure.message());
        }
        boolean holding = held.containsKey("");
        if (holding) {
            return changes.isEmpty() ? Verdict.nothing(memory) : Verdict.of(memory, held);
        }
        if (changes.size() < s.changes()) {
            return Verdict.of(memory, held);
        }
        ObjectNode last = (ObjectNode) memory.get("failure");
        String sentence = "Flapping: " + changes.size() + " changes between passing and failing within " + Words.duration(s.window())
                + "; last failure: " + last.path("message").asString();
        Failure headline = new Failure(Reason.fromWireName(last.get("reason").asString()), Phase.fromWireName(last.get("phase").asString()),
                sentence);
        return Verdict.of(memory, Map.of("", Finding.degradation("", changes.get(0).asLong(), headline, 0)));
    }
}
