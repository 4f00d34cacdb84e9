package dev.mcpwatch.alert;

import dev.mcpwatch.alert.channel.Channel;
import dev.mcpwatch.alert.channel.Channels;
import dev.mcpwatch.config.Section;
import dev.mcpwatch.incident.Severity;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code alerting:}, checking every reference (route → channel, route → policy) and every value by path. */
final class AlertingReader {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Set<String> ALERTING = Set.of("channels", "routes", "escalation_policies", "maintenance", "ack", "delivery");
    private static final Set<String> ROUTE = Set.of("name", "match", "channels", "escalation", "digest", "continue");
    private static final Set<String> MATCH = Set.of("severity", "tags", "monitors");
    private static final Set<String> POLICY = Set.of("steps", "repeat");
    private static final Set<String> STEP = Set.of("after", "channels");
    private static final Set<String> REPEAT = Set.of("every", "times");
    private static final Set<String> DIGEST = Set.of("schedule", "at", "day", "timezone", "every");
    private static final Set<String> WINDOW = Set.of("name", "monitors", "tags", "from", "to", "weekly", "timezone");
    private static final Set<String> WEEKLY = Set.of("days", "from", "to");
    private static final Set<String> ACK = Set.of("secret", "link_ttl");
    private static final Set<String> DELIVERY = Set.of("timeout", "poll", "backoff", "give_up_after", "claim_timeout", "keep_history");
    private static final Set<String> BACKOFF = Set.of("initial", "max");

    private AlertingReader() {}

    static AlertingConfig read(Section s, Set<String> monitorIds) {
        if (s.isMissing()) {
            return AlertingConfig.NONE;
        }
        if (!s.requireObject()) {
            return AlertingConfig.NONE;
        }
        s.allowOnly(ALERTING);
        Map<String, Channel> channels = new LinkedHashMap<>();
        for (var e : s.get("channels").entries().entrySet()) {
            if (!NAME.matcher(e.getKey()).matches()) {
                e.getValue().problem("channel names are lower-case letters, digits, '.', '_' or '-' (at most 64)");
                continue;
            }
            Channel c = Channels.read(e.getKey(), e.getValue());
            if (c != null) {
                channels.put(e.getKey(), c);
            }
        }
        Set<String> channelNames = names(s.get("channels"));
        Map<String, EscalationPolicy> policies = new LinkedHashMap<>();
        for (var e : s.get("escalation_policies").entries().entrySet()) {
            EscalationPolicy p = policy(e.getKey(), e.getValue(), channelNames);
            if (p != null) {
                policies.put(e.getKey(), p);
            }
        }
        Set<String> policyNames = names(s.get("escalation_policies"));
        List<Route> routes = new ArrayList<>();
        Set<String> routeNames = new HashSet<>();
        for (Section r : s.get("routes").items()) {
            Route route = route(r, channels, channelNames, policyNames, monitorIds);
            if (route != null) {
                if (!routeNames.add(route.name())) {
                    r.get("name").problem("duplicate route name '" + route.name() + "'");
                } else {
                    routes.add(route);
                }
            }
        }
        List<MaintenanceWindow> windows = new ArrayList<>();
        for (Section w : s.get("maintenance").items()) {
            MaintenanceWindow window = window(w, monitorIds);
            if (window != null) {
                windows.add(window);
            }
        }
        AlertingConfig.Delivery delivery = delivery(s.get("delivery"));
        for (Channel c : channels.values()) {
            if (c.timeout() != null && c.timeout().plus(DeliveryWorker.HARD_DEADLINE_GRACE).compareTo(delivery.claimTimeout()) >= 0) {
                s.get("channels").get(c.name()).get("timeout").problem("must be shorter than alerting.delivery.claim_timeout ("
                        + pretty(delivery.claimTimeout()) + ") by at least 5s, or deliveries still in flight are taken over");
            }
        }
        return new AlertingConfig(channels, routes, policies, windows, ack(s.get("ack")), delivery);
    }

    private static Set<String> names(Section mapping) {
        if (mapping.isMissing() || mapping.isText()) {
            return Set.of();
        }
        return mapping.entries().keySet();
    }

    private static Route route(Section r, Map<String, Channel> channels, Set<String> channelNames, Set<String> policies,
            Set<String> monitorIds) {
        if (!r.requireObject()) {
            if (r.isMissing()) {
                r.problem("is empty; a route needs a name and channels");
            }
            return null;
        }
        r.allowOnly(ROUTE);
        String name = r.requiredString("name");
        if (name != null && !NAME.matcher(name).matches()) {
            r.get("name").problem("must be lower-case letters, digits, '.', '_' or '-' (at most 64), got '" + name + "'");
        }
        Section match = r.get("match");
        match.requireObject();
        match.allowOnly(MATCH);
        Set<Severity> severities = EnumSet.noneOf(Severity.class);
        for (String sev : match.strings("severity", List.of())) {
            try {
                severities.add(Severity.fromWireName(sev));
            } catch (IllegalArgumentException e) {
                match.get("severity").problem("must be P1, P2 or P3, got '" + sev + "'");
            }
        }
        List<String> monitors = match.strings("monitors", List.of());
        unknownMonitors(match.get("monitors"), monitors, monitorIds);
        List<String> routeChannels = r.strings("channels", List.of());
        if (routeChannels.isEmpty()) {
            r.get("channels").problem("is required: the channels this route notifies");
        }
        unknownChannels(r.get("channels"), routeChannels, channelNames);
        String escalation = r.string("escalation", null);
        if (escalation != null && !policies.contains(escalation)) {
            r.get("escalation").problem("no escalation policy '" + escalation + "'" + known(policies));
        }
        DigestSchedule digest = r.has("digest") ? digest(r.get("digest")) : null;
        if (digest != null) {
            if (escalation != null) {
                r.get("escalation").problem("a digest route does not escalate: digests are for warnings, not pages");
            }
            for (String c : routeChannels) {
                Channel channel = channels.get(c);
                if (channel != null && !channel.accepts("digest")) {
                    r.get("channels").problem("channel '" + c + "' (" + channel.type() + ") does not take digests; "
                            + "send digests to chat, e-mail or a webhook");
                }
            }
        }
        return name == null ? null : new Route(name, severities, match.strings("tags", List.of()), monitors, routeChannels, escalation,
                digest, r.bool("continue", false));
    }

    private static DigestSchedule digest(Section d) {
        if (d.isText()) {
            return switch (d.text()) {
                case "daily" -> DigestSchedule.daily(DigestSchedule.DEFAULT_TIME, ZoneId.of("UTC"));
                case "weekly" -> DigestSchedule.weekly(DayOfWeek.MONDAY, DigestSchedule.DEFAULT_TIME, ZoneId.of("UTC"));
                default -> {
                    d.problem("must be daily, weekly, or a mapping (schedule, at, day, timezone, or every), got '" + d.text() + "'");
                    yield null;
                }
            };
        }
        if (!d.requireObject()) {
            return null;
        }
        d.allowOnly(DIGEST);
        if (d.has("every")) {
            Duration every = d.duration("every", Duration.ofDays(1));
            if (every.compareTo(Duration.ofSeconds(1)) < 0) {
                d.get("every").problem("must be at least 1s");
                return null;
            }
            return DigestSchedule.every(every);
        }
        ZoneId zone = zone(d, "timezone");
        LocalTime at = time(d, "at", DigestSchedule.DEFAULT_TIME);
        String schedule = d.string("schedule", "daily");
        return switch (schedule) {
            case "daily" -> DigestSchedule.daily(at, zone);
            case "weekly" -> DigestSchedule.weekly(day(d.get("day"), d.string("day", "monday")), at, zone);
            default -> {
                d.get("schedule").problem("must be daily or weekly, got '" + schedule + "'");
                yield null;
            }
        };
    }

    private static EscalationPolicy policy(String name, Section p, Set<String> channelNames) {
        if (!p.requireObject()) {
            p.problem("is empty; a policy needs steps");
            return null;
        }
        p.allowOnly(POLICY);
        List<EscalationPolicy.Step> steps = new ArrayList<>();
        for (Section step : p.get("steps").items()) {
            if (!step.requireObject()) {
                step.problem("must be a mapping with after and channels");
                continue;
            }
            step.allowOnly(STEP);
            Duration after = step.duration("after", null);
            if (after != null && after.compareTo(Duration.ofSeconds(1)) < 0) {
                step.get("after").problem("must be at least 1s");
            }
            List<String> channels = step.strings("channels", List.of());
            if (channels.isEmpty()) {
                step.get("channels").problem("is required: the channels this step adds");
            }
            unknownChannels(step.get("channels"), channels, channelNames);
            steps.add(new EscalationPolicy.Step(after, channels));
        }
        Section repeat = p.get("repeat");
        Duration every = null;
        int times = 0;
        if (repeat.requireObject()) {
            repeat.allowOnly(REPEAT);
            every = repeat.duration("every", Duration.ofMinutes(30));
            if (every.compareTo(Duration.ofSeconds(1)) < 0) {
                repeat.get("every").problem("must be at least 1s");
            }
            times = repeat.integer("times", 3, 1, 1000);
        }
        if (steps.isEmpty() && every == null) {
            p.problem("has neither steps nor repeat; it would do nothing");
        }
        return new EscalationPolicy(name, steps, every, times);
    }

    private static MaintenanceWindow window(Section w, Set<String> monitorIds) {
        if (!w.requireObject()) {
            w.problem("is empty; a window needs a name, monitors or tags, and a time");
            return null;
        }
        w.allowOnly(WINDOW);
        String name = w.requiredString("name");
        List<String> monitors = w.strings("monitors", List.of());
        unknownMonitors(w.get("monitors"), monitors, monitorIds);
        List<String> tags = w.strings("tags", List.of());
        if (monitors.isEmpty() && tags.isEmpty()) {
            w.problem("covers no monitor: give monitors (ids) or tags");
        }
        if (w.has("weekly")) {
            if (w.has("from") || w.has("to")) {
                w.problem("give either from/to (once) or weekly (recurring), not both");
            }
            Section weekly = w.get("weekly");
            if (!weekly.requireObject()) {
                return null;
            }
            weekly.allowOnly(WEEKLY);
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            List<String> dayNames = weekly.strings("days", List.of());
            if (dayNames.isEmpty()) {
                days.addAll(EnumSet.allOf(DayOfWeek.class));
            }
            for (String d : dayNames) {
                DayOfWeek day = day(weekly.get("days"), d);
                if (day != null) {
                    days.add(day);
                }
            }
            LocalTime from = time(weekly, "from", null);
            LocalTime to = time(weekly, "to", null);
            ZoneId zone = zone(w, "timezone");
            if (from == null || to == null) {
                if (!weekly.has("from")) {
                    weekly.get("from").problem("is required (a time of day like 02:00)");
                }
                if (!weekly.has("to")) {
                    weekly.get("to").problem("is required (a time of day like 03:30)");
                }
                return null;
            }
            if (from.equals(to)) {
                weekly.get("to").problem("must differ from from");
                return null;
            }
            return name == null ? null : MaintenanceWindow.weekly(name, monitors, tags, days, from, to, zone);
        }
        Instant from = instant(w, "from");
        Instant to = instant(w, "to");
        if (from == null || to == null) {
            if (!w.has("from") && !w.has("to")) {
                w.problem("needs from and to (once, ISO-8601 with a zone) or weekly (days, from, to)");
            }
            return null;
        }
        if (!to.isAfter(from)) {
            w.get("to").problem("must be after from");
            return null;
        }
        return name == null ? null : MaintenanceWindow.once(name, monitors, tags, from, to);
    }

    private static AlertingConfig.Ack ack(Section a) {
        if (!a.requireObject()) {
            return AlertingConfig.Ack.NONE;
        }
        a.allowOnly(ACK);
        String secret = a.string("secret", null);
        if (secret != null && !secret.isEmpty() && secret.length() < 16) {
            a.get("secret").problem("must be at least 16 characters (the value is not shown)");
        }
        Duration ttl = a.duration("link_ttl", AlertingConfig.Ack.NONE.linkTtl());
        if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(Duration.ofDays(30)) > 0) {
            a.get("link_ttl").problem("must be between 1m and 30d");
        }
        return new AlertingConfig.Ack(secret == null || secret.isEmpty() ? null : secret, ttl);
    }

    private static AlertingConfig.Delivery delivery(Section d) {
        AlertingConfig.Delivery def = AlertingConfig.Delivery.DEFAULT;
        if (!d.requireObject()) {
            return def;
        }
        d.allowOnly(DELIVERY);
        Duration timeout = positive(d, "timeout", def.timeout());
        Duration poll = positive(d, "poll", def.poll());
        Section backoff = d.get("backoff");
        Duration initial = def.backoffInitial();
        Duration max = def.backoffMax();
        if (backoff.requireObject()) {
            backoff.allowOnly(BACKOFF);
            initial = positive(backoff, "initial", initial);
            max = positive(backoff, "max", max);
            if (max.compareTo(initial) < 0) {
                backoff.get("max").problem("must be at least initial (" + pretty(initial) + ")");
            }
        }
        Duration giveUp = positive(d, "give_up_after", def.giveUpAfter());
        Duration claim = positive(d, "claim_timeout", def.claimTimeout());
        if (claim.compareTo(timeout.plus(DeliveryWorker.HARD_DEADLINE_GRACE)) <= 0) {
            d.get("claim_timeout").problem("must be longer than the delivery timeout (" + pretty(timeout)
                    + ") by more than 5s, or deliveries still in flight are taken over");
        }
        Duration keep = positive(d, "keep_history", def.keepHistory());
        if (keep.compareTo(giveUp.plus(Duration.ofDays(1))) < 0) {
            d.get("keep_history").problem("must be at least a day longer than give_up_after (" + pretty(giveUp) + ")");
        }
        return new AlertingConfig.Delivery(timeout, poll, initial, max, giveUp, claim, keep);
    }

    private static String pretty(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 != 0 ? ms + "ms" : ms % 60_000 != 0 ? ms / 1000 + "s" : ms % 3_600_000 != 0 ? ms / 60_000 + "m" : ms / 3_600_000 + "h";
    }

    private static Duration positive(Section s, String key, Duration fallback) {
        Duration d = s.duration(key, fallback);
        if (d.isZero() || d.isNegative()) {
            s.get(key).problem("must be more than 0");
            return fallback;
        }
        return d;
    }

    private static void unknownChannels(Section where, List<String> names, Set<String> channels) {
        for (String n : names) {
            if (!channels.contains(n)) {
                where.problem("no channel '" + n + "'" + known(channels));
            }
        }
    }

    private static void unknownMonitors(Section where, List<String> ids, Set<String> monitorIds) {
        for (String id : ids) {
            if (!monitorIds.contains(id)) {
                where.problem("no monitor '" + id + "'" + known(monitorIds));
            }
        }
    }

    private static String known(Set<String> names) {
        return names.isEmpty() ? " (none defined)" : " (defined: " + String.join(", ", new java.util.TreeSet<>(names)) + ")";
    }

    private static ZoneId zone(Section s, String key) {
        String z = s.string(key, "UTC");
        try {
            return ZoneId.of(z);
        } catch (DateTimeException e) {
            s.get(key).problem("is not a time zone (examples: UTC, Europe/Paris, America/New_York), got '" + z + "'");
            return ZoneId.of("UTC");
        }
    }

    private static LocalTime time(Section s, String key, LocalTime fallback) {
        String t = s.string(key, null);
        if (t == null) {
            return fallback;
        }
        try {
            return LocalTime.parse(t.length() == 4 ? "0" + t : t);
        } catch (DateTimeParseException e) {
            s.get(key).problem("must be a time of day like 09:00 or 23:30, got '" + t + "'");
            return fallback;
        }
    }

    private static DayOfWeek day(Section where, String d) {
        String n = d.strip().toLowerCase(Locale.ROOT);
        for (DayOfWeek day : DayOfWeek.values()) {
            String full = day.name().toLowerCase(Locale.ROOT);
            if (n.equals(full) || n.equals(full.substring(0, 3))) {
                return day;
            }
        }
        where.problem("'" + d + "' is not a day (mon, tue, … or monday, tuesday, …)");
        return null;
    }

    private static Instant instant(Section s, String key) {
        String t = s.string(key, null);
        if (t == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            s.get(key).problem("must be an ISO-8601 time with a zone, like 2026-12-01T22:00:00Z or 2026-12-01T23:00:00+01:00, got '"
                    + t + "'");
            return null;
        }
    }
}
