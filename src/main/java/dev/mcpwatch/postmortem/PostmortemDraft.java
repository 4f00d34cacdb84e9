package dev.mcpwatch.postmortem;

import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.incident.TimelineEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The postmortem draft of an incident, in the incident runbook guide's template, every line that
 * mcpwatch knows filled in from the record: the timeline's real times (detected with the reason,
 * paged on which channels, the first response, the root cause from the {@code identified} status
 * update, each remediation, the recovery), the facts a reader needs (layer, reason, phase, MTTD,
 * MTTA, MTTR) and what changed on the server in the 30 minutes before the onset (a deploy shows as a
 * new tool list or server version). What only people know stays a bracketed prompt. The
 * incident-response guide's five-bullet short form follows, for small teams.
 *
 * <p>No I/O: {@link Postmortems} gathers the facts.
 */
public final class PostmortemDraft {
    /** How far before the onset a change on the server counts as deploy-adjacent. */
    public static final Duration DEPLOY_WINDOW = Duration.ofMinutes(30);
    /** A P2 lasting longer than this gets a postmortem too (the runbook guide). */
    public static final Duration LONG_P2 = Duration.ofMinutes(30);

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** A change on the server shortly before the onset: a new tool list, drift, another server version. */
    public record Change(long at, String what) {}

    /**
     * What the draft is written from.
     *
     * @param timeline the incident's events, oldest first
     * @param changes  changes on the server in the {@link #DEPLOY_WINDOW} before the onset, oldest first
     * @param now      for an incident still open: its duration so far
     */
    public record Facts(Incident incident, String monitorId, String monitorName, List<TimelineEvent> timeline, List<Change> changes,
            long now) {}

    /** The draft: the whole template, and the short form on its own (also the end of the whole). */
    public record Draft(String markdown, String shortForm) {}

    private PostmortemDraft() {}

    /** Whether the guide asks for a postmortem: every P1, and every P2 that lasted over 30 minutes. */
    public static boolean required(Incident i, List<TimelineEvent> timeline, long now) {
        if (i.severity() == Severity.P1 || i.severityNow() == Severity.P1 || reached(timeline, Severity.P1)) {
            return true;
        }
        boolean p2 = i.severity() == Severity.P2 || i.severityNow() == Severity.P2 || reached(timeline, Severity.P2);
        return p2 && end(i, now) - i.onsetAt() > LONG_P2.toMillis();
    }

    /** The highest severity the incident had: its record, or one it rose to. */
    static Severity worst(Incident i, List<TimelineEvent> timeline) {
        if (i.severity() == Severity.P1 || i.severityNow() == Severity.P1 || reached(timeline, Severity.P1)) {
            return Severity.P1;
        }
        return i.severity() != null ? i.severity() : i.severityNow();
    }

    public static Draft write(Facts f) {
        Incident i = f.incident();
        List<TimelineEvent> t = f.timeline();
        Severity severity = worst(i, t);
        long end = end(i, f.now());
        String server = f.monitorName() == null || f.monitorName().equals(f.monitorId()) ? "`" + f.monitorId() + "`"
                : f.monitorName() + " (`" + f.monitorId() + "`)";
        String reason = i.headline().reason().wireName();
        String layer = i.headline().layer().wireName();
        String phase = i.headline().phase().wireName();
        TimelineEvent ack = first(t, "acknowledged");
        TimelineEvent identified = firstUpdate(t, "identified");
        List<TimelineEvent> remediations = all(t, "remediation");
        Long mtta = i.acknowledgedAt() == null ? null : i.acknowledgedAt() - (i.notifiedAt() != null ? i.notifiedAt() : i.detectedAt());

        StringBuilder md = new StringBuilder();
        md.append("## MCP Server Incident Postmortem\n\n");
        md.append("**Date:** ").append(DATE.format(Instant.ofEpochMilli(i.onsetAt()))).append('\n');
        md.append("**Severity:** ").append(severity == null ? "[P1 / P2]" : severity.wireName()).append('\n');
        md.append("**Duration:** ").append(minutes(end - i.onsetAt())).append(i.resolvedAt() == null ? " so far (still open)" : "").append('\n');
        md.append("**Affected server(s):** ").append(server).append('\n');
        md.append("**Author(s):** [names]\n\n");

        md.append("### Incident summary\n");
        md.append(server).append(' ').append(severity == Severity.P1 ? "was down" : "was degraded").append(" for ")
                .append(minutes(end - i.onsetAt())).append(", from ").append(clock(i.onsetAt())).append(" UTC")
                .append(i.resolvedAt() == null ? " (still open)" : " to " + clock(i.resolvedAt()) + " UTC").append(": `").append(reason)
                .append("` in the ").append(layer).append(" layer (").append(phase).append(" phase). [User impact: which agents and tools]\n\n");

        md.append("### Timeline\n");
        line(md, i.onsetAt(), "First failing probe (onset): " + i.headline().message());
        line(md, i.detectedAt(), "mcpwatch detected failure: `" + reason + "` (" + layer + " layer, " + phase + " phase), after "
                + i.failingProbes() + " failing probes");
        List<TimelineEvent> paged = t.stream().filter(e -> e.kind().equals("notified")
                && e.detail().path("event").asString("").equals("incident.opened")).toList();
        if (paged.isEmpty()) {
            md.append("- --:--:-- UTC — On-call paged via [no alert delivery recorded]\n");
        } else {
            Set<String> channels = new LinkedHashSet<>();
            paged.forEach(e -> channels.add(e.detail().path("channel").asString("?")));
            line(md, paged.getFirst().at(), "On-call paged via " + String.join(", ", channels));
        }
        for (TimelineEvent e : t) {
            if (e.kind().equals("severity_changed") || e.kind().equals("severity")) {
                line(md, e.at(), "Severity " + e.detail().path("from").asString("?") + " → " + e.detail().path("to").asString("?")
                        + (e.detail().has("why") ? ": " + e.detail().path("why").asString() : ""));
            }
        }
        if (ack != null) {
            String by = ack.detail().path("by").asString(null);
            String via = ack.detail().path("via").asString(null);
            line(md, ack.at(), "First response: acknowledged" + (by == null ? "" : " by " + by) + (via == null ? "" : " (" + via + ")")
                    + ". [what they did first]");
        } else {
            md.append("- --:--:-- UTC — First response: [who, what action] (no acknowledgement recorded)\n");
        }
        if (identified != null) {
            line(md, identified.at(), "Root cause identified: " + identified.detail().path("message").asString(""));
        } else {
            md.append("- --:--:-- UTC — Root cause identified: [what it was] (no \"identified\" status update was posted)\n");
        }
        if (remediations.isEmpty()) {
            md.append("- --:--:-- UTC — Fix applied: [what was done]\n");
        } else {
            for (TimelineEvent r : remediations) {
                line(md, r.at(), "Fix applied by mcpwatch's remediation: " + r.detail().path("summary").asString(r.detail().toString()));
            }
        }
        if (i.resolvedAt() != null) {
            line(md, i.resolvedAt(), "recovered".equals(i.resolution()) ? "mcpwatch confirmed recovery"
                    : "Incident closed: " + i.resolution());
        } else {
            md.append("- --:--:-- UTC — mcpwatch confirmed recovery: [not yet: the incident is open]\n");
        }
        md.append('\n');

        md.append("### Facts from mcpwatch\n");
        md.append("- Failure: `").append(reason).append("` in the ").append(layer).append(" layer, ").append(phase).append(" phase: ")
                .append(i.headline().message()).append('\n');
        md.append("- MTTD (onset to first alert): ").append(minutes(i.mttdMs())).append('\n');
        md.append("- MTTA (alert to acknowledgement): ").append(mtta == null ? "not acknowledged" : minutes(mtta)).append('\n');
        md.append("- MTTR (detection to recovery): ").append(i.mttrMs() == null ? "still open" : minutes(i.mttrMs())).append('\n');
        if (!remediations.isEmpty()) {
            md.append("- Automatic remediation ran ").append(remediations.size()).append(remediations.size() == 1 ? " time" : " times").append('\n');
        }
        if (f.changes().isEmpty()) {
            md.append("- Changes on the server in the 30 minutes before the onset: none seen (same tool list and server version)\n");
        } else {
            md.append("- Changes on the server in the 30 minutes before the onset (a deploy?):\n");
            for (Change c : f.changes()) {
                md.append("  - ").append(clock(c.at())).append(" UTC — ").append(c.what()).append('\n');
            }
        }
        md.append('\n');

        md.append("### Root cause\n");
        md.append(identified != null ? identified.detail().path("message").asString("") + "\n\n[Technical description]\n\n"
                : "[Technical description of what caused the failure]\n\n");
        md.append("### Contributing factors\n[What made this failure mode possible: missing validation, insufficient capacity, no circuit breaker…]\n\n");
        md.append("### What went well\n");
        md.append("- Detected ").append(minutes(i.mttdMs())).append(" after the first failing probe\n");
        md.append("- [Things that worked: good runbook, quick escalation…]\n\n");
        md.append("### What went poorly\n[Things that did not work: missing credentials, runbook out of date, no access from a phone…]\n\n");
        md.append("### Action items\n");
        md.append("| Action | Owner | Due date |\n|--------|-------|----------|\n");
        md.append("| [Specific fix] | [Name] | [Date] |\n| [Runbook update] | [Name] | [Date] |\n| [Monitoring improvement] | [Name] | [Date] |\n\n");

        String shortForm = shortForm(f, server, reason, layer, end, identified, mtta);
        md.append("### Short form\n").append(shortForm);
        return new Draft(md.toString(), shortForm);
    }

    /** The incident-response guide's five bullets, the first three filled in. */
    private static String shortForm(Facts f, String server, String reason, String layer, long end, TimelineEvent identified, Long mtta) {
        Incident i = f.incident();
        StringBuilder s = new StringBuilder();
        s.append("- **What happened:** ").append(server).append(" failed with `").append(reason).append("` (").append(layer)
                .append(" layer) at ").append(clock(i.onsetAt())).append(" UTC")
                .append(i.resolvedAt() == null ? " and is not recovered yet" : " and recovered at " + clock(i.resolvedAt()) + " UTC")
                .append(", ").append(minutes(end - i.onsetAt())).append(". [Users affected]\n");
        s.append("- **Why it happened:** ").append(identified != null ? identified.detail().path("message").asString("")
                : "[Root cause, one level down]").append('\n');
        s.append("- **Why we didn't catch it sooner:** mcpwatch alerted ").append(minutes(i.mttdMs())).append(" after the first failing probe")
                .append(mtta == null ? "; nobody acknowledged" : "; acknowledged " + minutes(mtta) + " later")
                .append(f.changes().isEmpty() ? "" : "; the server changed " + f.changes().size() + " time(s) in the 30 minutes before")
                .append(". [Detection gap, if any]\n");
        s.append("- **What we're changing:** [Prevention]\n");
        s.append("- **When we'll verify the changes are in place:** [Deadline]\n");
        return s.toString();
    }

    private static long end(Incident i, long now) {
        return i.resolvedAt() != null ? i.resolvedAt() : now;
    }

    private static boolean reached(List<TimelineEvent> timeline, Severity s) {
        return timeline.stream().anyMatch(e -> (e.kind().equals("severity_changed") || e.kind().equals("severity"))
                && s.wireName().equals(e.detail().path("to").asString(null)));
    }

    private static TimelineEvent first(List<TimelineEvent> t, String kind) {
        return t.stream().filter(e -> e.kind().equals(kind)).findFirst().orElse(null);
    }

    private static List<TimelineEvent> all(List<TimelineEvent> t, String kind) {
        return new ArrayList<>(t.stream().filter(e -> e.kind().equals(kind)).toList());
    }

    private static TimelineEvent firstUpdate(List<TimelineEvent> t, String status) {
        return t.stream().filter(e -> e.kind().equals("status_update") && status.equals(e.detail().path("status").asString(null)))
                .findFirst().orElse(null);
    }

    private static void line(StringBuilder md, long at, String what) {
        md.append("- ").append(clock(at)).append(" UTC — ").append(what).append('\n');
    }

    static String clock(long at) {
        return CLOCK.format(Instant.ofEpochMilli(at));
    }

    /** A duration as people write it in a postmortem: "47 s", "12 min", "2 h 5 min". */
    static String minutes(long ms) {
        long s = Math.max(0, ms) / 1000;
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min" + (s % 60 == 0 || s >= 600 ? "" : " " + s % 60 + " s");
        }
        return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
    }
}
