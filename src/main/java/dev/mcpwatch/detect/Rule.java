package dev.mcpwatch.detect;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.store.Resolution;
import java.sql.SQLException;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * One detection rule (docs/detection.md has them all in one table): judges a recorded probe from
 * its own memory and the stored history, and says which conditions hold now. A rule of severity P2
 * is a degradation, which heads or joins the monitor's incident; a P3 rule raises warnings. Rules
 * know nothing of each other; the {@link Detector} runs them, keeps their memory and turns what they
 * hold into warnings, timeline notes and the degradation.
 *
 * <p>Rules run after every recorded probe, in its transaction: a rule whose inputs did not change
 * answers {@link Verdict#UNCHANGED} without reading anything, and reads rollups rather than raw
 * results when it must read.
 *
 * <p>A rule owns its settings: a {@code Settings} record and the {@link Block} that declares it
 * ({@code SETTINGS}), next to the rule. Listing the rule in {@link Rules} is all it takes for the
 * configuration to read, check and publish them (regenerate {@code schema/mcpwatch.schema.json}).
 */
interface Rule {
    /** The rule's id: its warning's event type for P3 rules ({@code certificate.expiring}), a cause name for P2. */
    String id();

    Severity severity();

    /**
     * The rule's settings: the key under {@code detection:}, the record, its defaults, its schema and
     * checks; null for a rule that has none and always runs.
     */
    default Block<? extends Rules.Settings> settings() {
        return null;
    }

    /** Whether the rule runs for this monitor: its {@code enabled} setting. */
    default boolean enabled(Context ctx) {
        return settings() == null || ctx.settings(settings()).enabled();
    }

    /**
     * @param memory a copy of the rule's memory for this monitor (empty the first time), to change and return
     * @param held the conditions the rule held after the previous probe, by subject
     */
    Verdict judge(Context ctx, ObjectNode memory, Map<String, Finding> held) throws SQLException;

    /**
     * Whether the rule, after a probe, is part-way through confirming a condition or its end (a tool
     * failed once, not yet {@code failures} times in a row): the monitor is then re-probed at its
     * retry interval, as a suspect monitor is, so that the condition pages within about
     * {@code interval + (threshold − 1) × retry_interval}. Rules that count nothing say no.
     *
     * @param memory the rule's memory after the probe
     * @param held the conditions it holds after the probe
     * @param ctx the probe, and the monitor's settings for the rule
     */
    default boolean confirming(ObjectNode memory, Map<String, Finding> held, Context ctx) {
        return false;
    }

    /**
     * For rules that judge hourly rollups: true once per clock hour (noting it in {@code memory}),
     * false for every other probe of that hour, which then changes nothing.
     */
    static boolean firstProbeOfTheHour(Context ctx, ObjectNode memory) {
        long hour = Resolution.HOUR.bucketStart(ctx.now());
        if (memory.path("hour").asLong(-1) == hour) {
            return false;
        }
        memory.put("hour", hour);
        return true;
    }
}
