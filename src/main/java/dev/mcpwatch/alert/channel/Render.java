package dev.mcpwatch.alert.channel;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The one reading of an {@link Alert} for people, shared by the chat, push and e-mail channels so
 * that every channel says the same thing: a title, the message, labelled facts, links, and for a
 * digest one line per warning. Each channel only lays these out in its own format.
 */
final class Render {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    record Fact(String label, String value) {}

    record Link(String label, String url) {}

    private Render() {}

    static String title(Alert a) {
        return a.summary();
    }

    static List<Fact> facts(Alert a) {
        List<Fact> out = new ArrayList<>();
        if (a.severity() != null) {
            out.add(new Fact("Severity", a.previousSeverity() == null ? a.severity() : a.severity() + " (was " + a.previousSeverity() + ")"));
        }
        if (a.monitor() != null) {
            String name = a.monitor().name() == null || a.monitor().name().equals(a.monitor().id())
                    ? a.monitor().id() : a.monitor().name() + " (" + a.monitor().id() + ")";
            out.add(new Fact("Monitor", name));
            if (a.monitor().url() != null) {
                out.add(new Fact("URL", a.monitor().url()));
            }
        }
        if (a.failure() != null) {
            out.add(new Fact("Failure", a.failure().reason() + " (" + a.failure().layer() + " layer, in " + a.failure().phase() + ")"));
        }
        if (a.consecutiveFailures() != null) {
            out.add(new Fact("Consecutive failures", Integer.toString(a.consecutiveFailures())));
        }
        if (a.locations() != null && !a.locations().isEmpty()) {
            out.add(new Fact("Locations failing", String.join(", ", a.locations())));
        }
        addTime(out, "Started", a.startedAt());
        addTime(out, "Detected", a.detectedAt());
        if (a.acknowledgedAt() != null) {
            out.add(new Fact("Acknowledged", time(a.acknowledgedAt()) + (a.acknowledgedBy() == null ? "" : " by " + a.acknowledgedBy())));
        }
        addTime(out, "Resolved", a.resolvedAt());
        if (a.durationMs() != null && a.incidentId() != null) {
            out.add(new Fact("Duration", duration(a.durationMs())));
        }
        if (a.escalation() != null) {
            Alert.Escalation e = a.escalation();
            out.add(new Fact("Escalation", e.reminder() > 0 ? "reminder " + e.reminder() + " (policy " + e.policy() + ")"
                    : "step " + e.step() + " of " + e.steps() + " (policy " + e.policy() + ")"));
        }
        if (a.resolution() != null) {
            out.add(new Fact("Resolution", a.resolution()));
        }
        return out;
    }

    static List<Link> links(Alert a) {
        List<Link> out = new ArrayList<>();
        if (a.ackUrl() != null && "open".equals(a.status())) {
            out.add(new Link("Acknowledge", a.ackUrl()));
        }
        if (a.runbookUrl() != null) {
            out.add(new Link("Runbook", a.runbookUrl()));
        }
        if (a.dashboardUrl() != null) {
            out.add(new Link("Dashboard", a.dashboardUrl()));
        }
        if (a.statusPageUrl() != null) {
            out.add(new Link("Status page", a.statusPageUrl()));
        }
        return out;
    }

    /** One line per warning of a digest. */
    static List<String> digestLines(Alert a) {
        List<String> out = new ArrayList<>();
        if (a.items() != null) {
            for (Alert item : a.items()) {
                out.add(item.summary() + (item.message() == null ? "" : ": " + item.message()) + " (" + time(item.at()) + ")");
            }
        }
        return out;
    }

    /** The whole alert as plain text: title, message, facts, digest lines, links. */
    static String plain(Alert a) {
        StringBuilder s = new StringBuilder(title(a)).append("\n\n");
        if (a.message() != null) {
            s.append(a.message()).append("\n\n");
        }
        for (Fact f : facts(a)) {
            s.append(f.label()).append(": ").append(f.value()).append('\n');
        }
        for (String line : digestLines(a)) {
            s.append("- ").append(line).append('\n');
        }
        List<Link> links = links(a);
        if (!links.isEmpty()) {
            s.append('\n');
            for (Link l : links) {
                s.append(l.label()).append(": ").append(l.url()).append('\n');
            }
        }
        return s.toString();
    }

    /** A colour for the event: red P1, orange P2, yellow P3 and warnings, blue acknowledged, green resolved. */
    static int color(Alert a) {
        if ("resolved".equals(a.status())) {
            return 0x2EB67D;
        }
        if ("acknowledged".equals(a.status())) {
            return 0x3B82F6;
        }
        if ("test".equals(a.status())) {
            return 0x6B7280;
        }
        return switch (a.severity() == null ? "P3" : a.severity()) {
            case "P1" -> 0xE01E5A;
            case "P2" -> 0xF2994A;
            default -> 0xECB22E;
        };
    }

    static String hex(int color) {
        return String.format("#%06X", color);
    }

    static String time(String iso) {
        if (iso == null) {
            return "";
        }
        try {
            return TIME.format(Instant.parse(iso));
        } catch (RuntimeException e) {
            return iso;
        }
    }

    static String duration(long ms) {
        Duration d = Duration.ofMillis(ms);
        if (d.toHours() > 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m " + d.toSecondsPart() + "s";
        }
        return d.toSeconds() + "s";
    }

    private static void addTime(List<Fact> out, String label, String iso) {
        if (iso != null) {
            out.add(new Fact(label, time(iso)));
        }
    }
}
