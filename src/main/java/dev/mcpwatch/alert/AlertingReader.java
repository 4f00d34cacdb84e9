package dev.mcpwatch.alert;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mcpwatch.alert.channel.Channel;
import dev.mcpwatch.alert.channel.Channels;
import dev.mcpwatch.config.Section;
import dev.mcpwatch.incident.Severity;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads {@code alerting:} once its shape has passed the schema ({@link #SCHEMA}): binds each part and
 * checks what a schema cannot — that every route and policy names channels, policies and monitors
 * that exist, that a digest route does not page, that time zones and dates are real, and that the
 * delivery timings fit together.
 */
final class AlertingReader {
    private AlertingReader() {}

    /** A route as written. */
    record RouteSettings(String name, Match match, List<String> channels, String escalation, JsonNode digest,
            @JsonProperty("continue") boolean continueMatching) {}

    record Match(List<String> severity, List<String> tags, List<String> monitors) {
        static final Match ANY = new Match(List.of(), List.of(), List.of());
    }

    record DigestSettings(String schedule, String at, String day, String timezone, Duration every) {}

    record PolicySettings(List<StepSettings> steps, Repeat repeat) {}

    record StepSettings(Duration after, List<String> channels) {}

    record Repeat(Duration every, int times) {
        static final Repeat DEFAULT = new Repeat(Duration.ofMinutes(30), 3);
    }

    record WindowSettings(String name, List<String> monitors, List<String> tags, String from, String to, Weekly weekly, String timezone) {}

    record Weekly(List<String> days, String from, String to) {}

    record DeliverySettings(Duration timeout, Duration poll, Backoff backoff, Duration giveUpAfter, Duration claimTimeout,
            Duration keepHistory) {
        static final DeliverySettings DEFAULT = of(AlertingConfig.Delivery.DEFAULT);

        static DeliverySettings of(AlertingConfig.Delivery d) {
            return new DeliverySettings(d.timeout(), d.poll(), new Backoff(d.backoffInitial(), d.backoffMax()), d.giveUpAfter(),
                    d.claimTimeout(), d.keepHistory());
        }
    }

    record Backoff(Duration initial, Duration max) {}

    static final String SCHEMA = """
            {
              "type": "object", "additionalProperties": false,
              "description": "alerting (optional): channels, routes by severity and tags, escalation, digests, maintenance; every secret from the environment",
              "properties": {
                "channels": {
                  "type": "object", "description": "where alerts go, by name; a channel whose secret is empty is disabled (config check lists it, routes skip it)",
                  "propertyNames": {
                    "pattern": "^[a-z0-9][a-z0-9._-]{0,63}$",
                    "errorMessage": "channel names are lower-case letters, digits, '.', '_' or '-' (at most 64)"
                  },
                  "additionalProperties": {"$ref": "#/$defs/channel"}
                },
                "routes": {
                  "type": "array", "items": {"$ref": "#/$defs/route"},
                  "description": "tried in order; the first that matches an alert takes it (continue: true goes on matching)"
                },
                "escalation_policies": {
                  "type": "object", "additionalProperties": {"$ref": "#/$defs/escalation_policy"},
                  "description": "while nobody acknowledges: steps with delays (from the previous step), then optional reminders"
                },
                "maintenance": {
                  "type": "array", "items": {"$ref": "#/$defs/maintenance_window"},
                  "description": "windows that hold alerts for the monitors they cover (by id or tag); probes still run"
                },
                "ack": {
                  "type": "object", "additionalProperties": false,
                  "description": "signed, expiring acknowledgement links in every alert",
                  "properties": {
                    "secret": {"$ref": "#/$defs/secret", "description": "at least 16 characters; empty leaves links out of alerts; changing it revokes every link"},
                    "link_ttl": {"$ref": "#/$defs/duration", "description": "how long a link stays valid (1m to 30d)"}
                  }
                },
                "delivery": {
                  "type": "object", "additionalProperties": false,
                  "description": "how the outbox is worked: alerts are delivered from it with retries",
                  "properties": {
                    "timeout": {"$ref": "#/$defs/duration", "description": "default deadline of one delivery attempt"},
                    "poll": {"$ref": "#/$defs/duration", "description": "how often the outbox is checked (new alerts are picked at once)"},
                    "backoff": {
                      "type": "object", "additionalProperties": false,
                      "description": "exponential with jitter between attempts; Retry-After is honoured",
                      "properties": {"initial": {"$ref": "#/$defs/duration"}, "max": {"$ref": "#/$defs/duration"}}
                    },
                    "give_up_after": {"$ref": "#/$defs/duration", "description": "a delivery still failing this long after the alert is marked failed"},
                    "claim_timeout": {
                      "$ref": "#/$defs/duration",
                      "description": "a delivery claimed by a node that stopped is taken over after this (longer than timeout by more than 5s)"
                    },
                    "keep_history": {"$ref": "#/$defs/duration", "description": "finished deliveries and their attempts are kept this long"}
                  }
                }
              },
              "$defs": {
                "severity": {"enum": ["P1", "P2", "P3"], "errorMessage": "must be P1, P2 or P3"},
                "time_of_day": {
                  "type": "string", "pattern": "^([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$|[$][{]",
                  "errorMessage": "must be a time of day like 09:00 or 23:30"
                },
                "route": {
                  "type": "object", "additionalProperties": false, "required": ["name", "channels"],
                  "x-missing": "is empty; a route needs a name and channels",
                  "properties": {
                    "name": {
                      "type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{0,63}$",
                      "errorMessage": "must be lower-case letters, digits, '.', '_' or '-' (at most 64)"
                    },
                    "match": {
                      "type": "object", "additionalProperties": false, "description": "all optional; all given must match",
                      "properties": {
                        "severity": {
                          "type": ["array", "string"], "pattern": "^P[1-3]$", "items": {"$ref": "#/$defs/severity"},
                          "errorMessage": "must be P1, P2 or P3"
                        },
                        "tags": {"$ref": "#/$defs/texts", "description": "any of these monitor tags"},
                        "monitors": {"$ref": "#/$defs/texts", "description": "monitor ids"}
                      }
                    },
                    "channels": {"$ref": "#/$defs/texts", "minItems": 1, "x-missing": "is required: the channels this route notifies"},
                    "escalation": {"$ref": "#/$defs/text", "description": "an escalation policy, followed while nobody acknowledges"},
                    "digest": {"$ref": "#/$defs/digest"},
                    "continue": {"$ref": "#/$defs/boolean", "description": "true: the routes after this one may take the alert too"}
                  }
                },
                "digest": {
                  "type": ["string", "object"], "pattern": "^(daily|weekly)$", "additionalProperties": false,
                  "errorMessage": "must be daily, weekly, or a mapping (schedule, at, day, timezone, or every)",
                  "description": "one digest of the matching alerts instead of one message each (09:00 UTC, Mondays for weekly, unless given)",
                  "properties": {
                    "schedule": {"enum": ["daily", "weekly"], "errorMessage": "must be daily or weekly"},
                    "at": {"$ref": "#/$defs/time_of_day"},
                    "day": {"$ref": "#/$defs/text", "description": "weekly: mon, tue, … or monday, tuesday, …"},
                    "timezone": {"$ref": "#/$defs/text", "description": "UTC, Europe/Paris, America/New_York, …"},
                    "every": {"$ref": "#/$defs/duration", "description": "instead of a schedule: a fixed period"}
                  }
                },
                "escalation_policy": {
                  "type": "object", "additionalProperties": false, "x-missing": "is empty; a policy needs steps",
                  "properties": {
                    "steps": {"type": "array", "items": {"$ref": "#/$defs/escalation_step"}},
                    "repeat": {
                      "type": "object", "additionalProperties": false, "description": "reminders to the last step's channels",
                      "properties": {
                        "every": {"$ref": "#/$defs/duration", "default": "30m"},
                        "times": {"$ref": "#/$defs/integer", "minimum": 1, "maximum": 1000, "default": 3}
                      }
                    }
                  }
                },
                "escalation_step": {
                  "type": "object", "additionalProperties": false, "required": ["channels"],
                  "errorMessage": "must be a mapping with after and channels", "x-missing": "must be a mapping with after and channels",
                  "properties": {
                    "after": {"$ref": "#/$defs/duration", "description": "the delay from the previous step; unset: 5m for a P1, 30m for a P2"},
                    "channels": {"$ref": "#/$defs/texts", "minItems": 1, "x-missing": "is required: the channels this step adds"}
                  }
                },
                "maintenance_window": {
                  "type": "object", "additionalProperties": false, "required": ["name"],
                  "x-missing": "is empty; a window needs a name, monitors or tags, and a time",
                  "properties": {
                    "name": {"$ref": "#/$defs/text"},
                    "monitors": {"$ref": "#/$defs/texts", "description": "monitor ids"},
                    "tags": {"$ref": "#/$defs/texts"},
                    "from": {"$ref": "#/$defs/text", "description": "once: an ISO-8601 time with a zone, like 2026-12-01T22:00:00Z (quote it)"},
                    "to": {"$ref": "#/$defs/text", "description": "once: an ISO-8601 time with a zone"},
                    "weekly": {
                      "type": "object", "additionalProperties": false, "required": ["from", "to"],
                      "description": "recurring: to before from crosses midnight",
                      "properties": {
                        "days": {"$ref": "#/$defs/texts", "description": "mon, tue, … or monday, tuesday, …; all days when not given"},
                        "from": {"$ref": "#/$defs/time_of_day", "x-missing": "is required (a time of day like 02:00)"},
                        "to": {"$ref": "#/$defs/time_of_day", "x-missing": "is required (a time of day like 03:30)"}
                      }
                    },
                    "timezone": {"$ref": "#/$defs/text", "default": "UTC"}
                  }
                }
              }
            }
            """;

    /** The {@code alerting} schema, with the union of the channel types' settings. */
    static ObjectNode schema() {
        ObjectNode schema = (ObjectNode) dev.mcpwatch.probe.Json.MAPPER.readTree(SCHEMA);
        ((ObjectNode) schema.get("$defs")).set("channel", Channels.schema());
        return schema;
    }

    static AlertingConfig read(Section s, Set<String> monitorIds) {
        if (s.isMissing()) {
            return AlertingConfig.NONE;
        }
        Map<String, Section> channelSections = s.at("channels").entries();
        Map<String, Channel> channels = new LinkedHashMap<>();
        channelSections.forEach((name, at) -> {
            Channel c = Channels.create(name, at);
            if (c != null) {
                channels.put(name, c);
            }
        });
        Set<String> channelNames = channelSections.keySet();
        Map<String, Section> policySections = s.at("escalation_policies").entries();
        Map<String, EscalationPolicy> policies = new LinkedHashMap<>();
        policySections.forEach((name, at) -> {
            EscalationPolicy p = policy(name, at, channelNames);
            if (p != null) {
                policies.put(name, p);
            }
        });
        List<Route> routes = new ArrayList<>();
        Set<String> routeNames = new HashSet<>();
        for (Section r : s.at("routes").items()) {
            Route route = route(r, channels, channelNames, policySections.keySet(), monitorIds);
            if (route == null) {
                continue;
            }
            if (!routeNames.add(route.name())) {
                r.at("name").problem("duplicate route name '" + route.name() + "'");
            } else {
                routes.add(route);
            }
        }
        List<MaintenanceWindow> windows = new ArrayList<>();
        for (Section w : s.at("maintenance").items()) {
            MaintenanceWindow window = window(w, monitorIds);
            if (window != null) {
                windows.add(window);
            }
        }
        AlertingConfig.Delivery delivery = delivery(s.at("delivery"));
        for (Channel c : channels.values()) {
            if (c.timeout() != null && c.timeout().plus(DeliveryWorker.HARD_DEADLINE_GRACE).compareTo(delivery.claimTimeout()) >= 0) {
                s.at("channels").at(c.name()).at("timeout").problem("must be shorter than alerting.delivery.claim_timeout ("
                        + pretty(delivery.claimTimeout()) + ") by at least 5s, or deliveries still in flight are taken over");
            }
        }
        return new AlertingConfig(channels, routes, policies, windows, ack(s.at("ack")), delivery);
    }

    private static Route route(Section r, Map<String, Channel> channels, Set<String> channelNames, Set<String> policies,
            Set<String> monitorIds) {
        RouteSettings route = r.bind(RouteSettings.class);
        if (route == null || route.name() == null) {
            return null;
        }
        Match match = route.match() == null ? Match.ANY : route.match();
        Set<Severity> severities = EnumSet.noneOf(Severity.class);
        present(match.severity()).forEach(sev -> severities.add(Severity.fromWireName(sev)));
        List<String> monitors = present(match.monitors());
        unknownMonitors(r.at("match").at("monitors"), monitors, monitorIds);
        List<String> routeChannels = present(route.channels());
        unknownChannels(r.at("channels"), routeChannels, channelNames);
        String escalation = route.escalation();
        if (escalation != null && !policies.contains(escalation)) {
            r.at("escalation").problem("no escalation policy '" + escalation + "'" + known(policies));
        }
        DigestSchedule digest = route.digest() == null || route.digest().isNull() ? null : digest(r.at("digest"));
        if (digest != null) {
            if (escalation != null) {
                r.at("escalation").problem("a digest route does not escalate: digests are for warnings, not pages");
            }
            for (String c : routeChannels) {
                Channel channel = channels.get(c);
                if (channel != null && !channel.accepts("digest")) {
                    r.at("channels").problem("channel '" + c + "' (" + channel.type() + ") does not take digests; "
                            + "send digests to chat, e-mail or a webhook");
                }
            }
        }
        return new Route(route.name(), severities, present(match.tags()), monitors, routeChannels, escalation, digest,
                route.continueMatching());
    }

    private static DigestSchedule digest(Section d) {
        String text = d.text();
        if (text != null) {
            return text.equals("weekly") ? DigestSchedule.weekly(DayOfWeek.MONDAY, DigestSchedule.DEFAULT_TIME, ZoneId.of("UTC"))
                    : DigestSchedule.daily(DigestSchedule.DEFAULT_TIME, ZoneId.of("UTC"));
        }
        DigestSettings s = d.bind(DigestSettings.class);
        if (s == null) {
            return null;
        }
        if (s.every() != null) {
            if (s.every().compareTo(Duration.ofSeconds(1)) < 0) {
                d.at("every").problem("must be at least 1s");
                return null;
            }
            return DigestSchedule.every(s.every());
        }
        ZoneId zone = zone(d.at("timezone"), s.timezone());
        LocalTime at = s.at() == null ? DigestSchedule.DEFAULT_TIME : time(s.at());
        if ("weekly".equals(s.schedule())) {
            DayOfWeek day = s.day() == null ? DayOfWeek.MONDAY : day(d.at("day"), s.day());
            return DigestSchedule.weekly(day == null ? DayOfWeek.MONDAY : day, at, zone);
        }
        return DigestSchedule.daily(at, zone);
    }

    private static EscalationPolicy policy(String name, Section p, Set<String> channelNames) {
        PolicySettings policy = p.bind(PolicySettings.class);
        if (policy == null) {
            return null;
        }
        List<EscalationPolicy.Step> steps = new ArrayList<>();
        for (Section at : p.at("steps").items()) {
            StepSettings step = at.bind(StepSettings.class);
            if (step == null) {
                continue;
            }
            if (step.after() != null && step.after().compareTo(Duration.ofSeconds(1)) < 0) {
                at.at("after").problem("must be at least 1s");
            }
            List<String> channels = present(step.channels());
            unknownChannels(at.at("channels"), channels, channelNames);
            steps.add(new EscalationPolicy.Step(step.after(), channels));
        }
        Repeat repeat = p.at("repeat").bind(Repeat.class, Repeat.DEFAULT);
        boolean repeats = p.written("repeat") && repeat != null;
        if (repeats && repeat.every().compareTo(Duration.ofSeconds(1)) < 0) {
            p.at("repeat").at("every").problem("must be at least 1s");
        }
        if (steps.isEmpty() && !repeats) {
            p.problem("has neither steps nor repeat; it would do nothing");
        }
        return new EscalationPolicy(name, steps, repeats ? repeat.every() : null, repeats ? repeat.times() : 0);
    }

    private static MaintenanceWindow window(Section w, Set<String> monitorIds) {
        WindowSettings window = w.bind(WindowSettings.class);
        if (window == null) {
            return null;
        }
        List<String> monitors = present(window.monitors());
        unknownMonitors(w.at("monitors"), monitors, monitorIds);
        List<String> tags = present(window.tags());
        if (monitors.isEmpty() && tags.isEmpty()) {
            w.problem("covers no monitor: give monitors (ids) or tags");
        }
        if (window.weekly() != null) {
            if (w.written("from") || w.written("to")) {
                w.problem("give either from/to (once) or weekly (recurring), not both");
            }
            Weekly weekly = window.weekly();
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            List<String> dayNames = present(weekly.days());
            if (dayNames.isEmpty()) {
                days.addAll(EnumSet.allOf(DayOfWeek.class));
            }
            for (String d : dayNames) {
                DayOfWeek day = day(w.at("weekly").at("days"), d);
                if (day != null) {
                    days.add(day);
                }
            }
            ZoneId zone = zone(w.at("timezone"), window.timezone());
            if (weekly.from() == null || weekly.to() == null) {
                return null;
            }
            LocalTime from = time(weekly.from());
            LocalTime to = time(weekly.to());
            if (from.equals(to)) {
                w.at("weekly").at("to").problem("must differ from from");
                return null;
            }
            return window.name() == null ? null : MaintenanceWindow.weekly(window.name(), monitors, tags, days, from, to, zone);
        }
        if (window.from() == null && window.to() == null) {
            w.problem("needs from and to (once, ISO-8601 with a zone) or weekly (days, from, to)");
            return null;
        }
        if (window.from() == null || window.to() == null) {
            w.at(window.from() == null ? "from" : "to").problem("is required with " + (window.from() == null ? "to" : "from")
                    + " (an ISO-8601 time with a zone)");
            return null;
        }
        Instant from = instant(w.at("from"), window.from());
        Instant to = instant(w.at("to"), window.to());
        if (from == null || to == null) {
            return null;
        }
        if (!to.isAfter(from)) {
            w.at("to").problem("must be after from");
            return null;
        }
        return window.name() == null ? null : MaintenanceWindow.once(window.name(), monitors, tags, from, to);
    }

    private static AlertingConfig.Ack ack(Section a) {
        AlertingConfig.Ack ack = a.bind(AlertingConfig.Ack.class, AlertingConfig.Ack.NONE);
        if (ack == null) {
            return AlertingConfig.Ack.NONE;
        }
        String secret = ack.secret();
        if (secret != null && !secret.isEmpty() && secret.length() < 16) {
            a.at("secret").problem("must be at least 16 characters (the value is not shown)");
        }
        Duration ttl = ack.linkTtl();
        if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(Duration.ofDays(30)) > 0) {
            a.at("link_ttl").problem("must be between 1m and 30d");
        }
        return new AlertingConfig.Ack(secret == null || secret.isEmpty() ? null : secret, ttl);
    }

    private static AlertingConfig.Delivery delivery(Section d) {
        AlertingConfig.Delivery def = AlertingConfig.Delivery.DEFAULT;
        DeliverySettings s = d.bind(DeliverySettings.class, DeliverySettings.DEFAULT);
        if (s == null) {
            return def;
        }
        Duration timeout = positive(d, "timeout", s.timeout(), def.timeout());
        Duration poll = positive(d, "poll", s.poll(), def.poll());
        Section backoff = d.at("backoff");
        Duration initial = positive(backoff, "initial", s.backoff().initial(), def.backoffInitial());
        Duration max = positive(backoff, "max", s.backoff().max(), def.backoffMax());
        if (max.compareTo(initial) < 0) {
            backoff.at("max").problem("must be at least initial (" + pretty(initial) + ")");
        }
        Duration giveUp = positive(d, "give_up_after", s.giveUpAfter(), def.giveUpAfter());
        Duration claim = positive(d, "claim_timeout", s.claimTimeout(), def.claimTimeout());
        if (claim.compareTo(timeout.plus(DeliveryWorker.HARD_DEADLINE_GRACE)) <= 0) {
            d.at("claim_timeout").problem("must be longer than the delivery timeout (" + pretty(timeout)
                    + ") by more than 5s, or deliveries still in flight are taken over");
        }
        Duration keep = positive(d, "keep_history", s.keepHistory(), def.keepHistory());
        if (keep.compareTo(giveUp.plus(Duration.ofDays(1))) < 0) {
            d.at("keep_history").problem("must be at least a day longer than give_up_after (" + pretty(giveUp) + ")");
        }
        return new AlertingConfig.Delivery(timeout, poll, initial, max, giveUp, claim, keep);
    }

    private static String pretty(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 != 0 ? ms + "ms" : ms % 60_000 != 0 ? ms / 1000 + "s" : ms % 3_600_000 != 0 ? ms / 60_000 + "m" : ms / 3_600_000 + "h";
    }

    private static Duration positive(Section s, String key, Duration value, Duration fallback) {
        if (value.isZero() || value.isNegative()) {
            s.at(key).problem("must be more than 0");
            return fallback;
        }
        return value;
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
        return names.isEmpty() ? " (none defined)" : " (defined: " + String.join(", ", new TreeSet<>(names)) + ")";
    }

    private static ZoneId zone(Section at, String z) {
        if (z == null) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(z);
        } catch (DateTimeException e) {
            at.problem("is not a time zone (examples: UTC, Europe/Paris, America/New_York), got '" + z + "'");
            return ZoneId.of("UTC");
        }
    }

    /** A time of day the schema accepted: {@code 9:00}, {@code 09:00} or {@code 09:00:30}. */
    private static LocalTime time(String t) {
        return LocalTime.parse(t.indexOf(':') == 1 ? "0" + t : t);
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

    private static Instant instant(Section at, String t) {
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            at.problem("must be an ISO-8601 time with a zone, like 2026-12-01T22:00:00Z or 2026-12-01T23:00:00+01:00, got '" + t + "'");
            return null;
        }
    }

    /** A list as bound, without the items the schema refused. */
    private static <T> List<T> present(List<T> list) {
        return list == null ? List.of() : list.stream().filter(Objects::nonNull).toList();
    }
}
