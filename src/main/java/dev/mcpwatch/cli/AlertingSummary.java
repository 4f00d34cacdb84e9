package dev.mcpwatch.cli;

import dev.mcpwatch.alert.AlertingConfig;
import dev.mcpwatch.alert.channel.Channel;
import java.io.PrintWriter;

/** What {@code config check} says about alerting: channels (and why any is disabled), routes, windows. */
final class AlertingSummary {
    private AlertingSummary() {}

    static void print(AlertingConfig a, PrintWriter out) {
        if (a.isEmpty()) {
            return;
        }
        long disabled = a.channels().values().stream().filter(c -> !c.enabled()).count();
        out.println("  alerting: " + a.channels().size() + " channels (" + disabled + " disabled), " + a.routes().size() + " routes, "
                + a.policies().size() + " escalation policies, " + a.maintenance().size() + " maintenance windows, ack links "
                + (a.ack().linksEnabled() ? "on" : "off"));
        for (Channel c : a.channels().values()) {
            if (!c.enabled()) {
                out.println("    channel " + c.name() + " (" + c.type() + ") is disabled: " + c.disabledBecause());
            }
        }
    }
}
