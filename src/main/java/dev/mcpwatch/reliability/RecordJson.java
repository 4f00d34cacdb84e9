package dev.mcpwatch.reliability;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Json;
import java.time.Instant;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The record as JSON, one shape for the API and {@code mcpwatch report --format json}: durations in
 * milliseconds, times ISO-8601, every figure present (null when the period had nothing to make it
 * from). The fields are described in docs/reliability.md.
 */
public final class RecordJson {
    private RecordJson() {}

    public static ObjectNode figures(Figures f, Change change, boolean withIncidents) {
        ObjectNode o = Json.object();
        o.put("period", f.period().label());
        o.put("from", Instant.ofEpochMilli(f.period().start()).toString());
        o.put("to", Instant.ofEpochMilli(f.period().end()).toString());

        Availability a = f.availability();
        ObjectNode av = o.putObject("availability");
        av.put("ratio", a.ratio());
        av.put("probes", a.probes());
        av.put("failures", a.failures());
        ObjectNode m = av.putObject("maintenance");
        m.put("probes", a.maintenanceProbes());
        m.put("failures", a.maintenanceFailures());
        m.put("ms", a.maintenanceMs());
        av.put("pausedMs", a.pausedMs());

        ObjectNode inc = o.putObject("incidents");
        inc.put("count", f.incidents());
        inc.put("inMaintenance", f.inMaintenance());
        ObjectNode sev = inc.putObject("bySeverity");
        for (Severity s : Severity.values()) {
            sev.put(s.wireName(), f.count(s));
        }
        ObjectNode reasons = inc.putObject("byReason");
        f.byReason().forEach((r, n) -> reasons.put(r.wireName(), n));
        ObjectNode layers = inc.putObject("byLayer");
        f.byLayer().forEach((l, n) -> layers.put(l.wireName(), n));
        ObjectNode outcomes = inc.putObject("outcomes");
        for (Outcome out : Outcome.values()) {
            outcomes.put(out.wireName(), f.count(out));
        }

        o.set("mttd", stats(f.mttd()));
        o.set("mtta", stats(f.mtta()));
        ObjectNode mttr = stats(f.mttr());
        ObjectNode byOutcome = mttr.putObject("byOutcome");
        f.mttrByOutcome().forEach((k, v) -> byOutcome.set(k.wireName(), stats(v)));
        o.set("mttr", mttr);

        ObjectNode time = o.putObject("timeInSeverityMs");
        for (Severity s : Severity.values()) {
            time.put(s.wireName(), f.timeIn(s));
        }
        o.set("change", change == null ? null : change(change));
        if (withIncidents) {
            ArrayNode lines = o.putArray("incidentList");
            for (IncidentLine l : f.lines()) {
                if (l.counted() || l.inMaintenance()) {
                    lines.add(line(l));
                }
            }
        }
        return o;
    }

    static ObjectNode stats(DurationStats s) {
        ObjectNode o = Json.object();
        o.put("count", s.count());
        o.put("meanMs", s.meanMs());
        o.put("medianMs", s.medianMs());
        o.put("p90Ms", s.p90Ms());
        return o;
    }

    static ObjectNode change(Change c) {
        ObjectNode o = Json.object();
        o.put("availabilityPoints", c.availabilityPoints());
        o.put("incidents", c.incidents());
        o.put("p1", c.p1());
        o.put("p2", c.p2());
        o.put("mttdMeanMs", c.mttdMeanMs());
        o.put("mttdMedianMs", c.mttdMedianMs());
        o.put("mttaMeanMs", c.mttaMeanMs());
        o.put("mttaMedianMs", c.mttaMedianMs());
        o.put("mttrMeanMs", c.mttrMeanMs());
        o.put("mttrMedianMs", c.mttrMedianMs());
        return o;
    }

    public static ObjectNode line(IncidentLine l) {
        IncidentFacts i = l.incident();
        ObjectNode o = Json.object();
        o.put("id", i.id());
        o.put("monitor", i.monitorId());
        o.put("severity", i.severity() == null ? null : i.severity().wireName());
        o.put("reason", i.reason().wireName());
        o.put("layer", i.layer().wireName());
        o.put("onsetAt", iso(i.onsetAt()));
        o.put("detectedAt", iso(i.detectedAt()));
        o.put("notifiedAt", iso(i.notifiedAt()));
        o.put("acknowledgedAt", iso(i.acknowledgedAt()));
        o.put("resolvedAt", iso(i.resolvedAt()));
        o.put("outcome", i.outcome().wireName());
        o.put("counted", l.counted());
        o.put("inMaintenance", l.inMaintenance());
        o.put("mttdMs", l.mttdMs());
        o.put("mttaMs", l.mttaMs());
        o.put("mttrMs", l.mttrMs());
        return o;
    }

    private static String iso(Long t) {
        return t == null ? null : Instant.ofEpochMilli(t).toString();
    }
}
