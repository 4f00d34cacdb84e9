package dev.mcpwatch.cli;

import dev.mcpwatch.probe.AuthInfo;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.PhaseTiming;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.ServerInfo;
import dev.mcpwatch.probe.TlsInfo;
import dev.mcpwatch.probe.ToolList;
import java.util.List;
import java.util.Locale;

/**
 * The human view of one probe, like httpstat: one line per phase with its time and a bar placed on
 * the probe's timeline (light up to the first byte, solid after), then what the server said and
 * the verdict. Everything that came from the server is stripped of control characters first.
 */
final class Waterfall {
    private static final int WIDTH = 40;

    private Waterfall() {}

    static String render(ProbeResult r) {
        StringBuilder s = new StringBuilder();
        s.append(safe(r.target())).append('\n');
        StringBuilder meta = new StringBuilder("  ").append(r.transport().wireName());
        if (r.era() != null) {
            meta.append(" · ").append(r.era().wireName()).append(" era").append(r.eraDetected() ? " (detected)" : "");
        }
        if (r.protocolVersion() != null) {
            meta.append(" · protocol ").append(safe(r.protocolVersion()));
        }
        if (r.sessionUsed()) {
            meta.append(" · session");
        }
        if (r.resolvedAddress() != null) {
            meta.append(" · ").append(r.resolvedAddress());
        }
        s.append(meta).append("\n\n");

        double total = Math.max(r.totalMs(), 0.001);
        for (PhaseTiming t : r.timings()) {
            s.append(String.format(Locale.ROOT, "  %-12s %10s  %s", t.phase().wireName(), ms(t.durationMs()), bar(t, total)));
            StringBuilder extra = new StringBuilder();
            if (t.httpStatus() != null) {
                extra.append("HTTP ").append(t.httpStatus());
            }
            if (t.contentType() != null) {
                extra.append(extra.isEmpty() ? "" : " ").append(t.contentType());
            }
            if (t.firstByteMs() != null && t.phase() != Phase.CLOSE) {
                extra.append(extra.isEmpty() ? "" : ", ").append("first byte ").append(ms(t.firstByteMs()));
            }
            if (!extra.isEmpty()) {
                s.append("  ").append(extra);
            }
            s.append('\n');
        }
        s.append(String.format(Locale.ROOT, "  %-12s %10s%n%n", "total", ms(r.totalMs())));

        if (r.tls() != null) {
            s.append("  tls      ").append(tls(r.tls())).append('\n');
        }
        ServerInfo server = r.server();
        if (server != null) {
            s.append("  server   ").append(safe(server.name()));
            if (server.title() != null) {
                s.append(" \"").append(safe(server.title())).append('"');
            }
            if (server.version() != null) {
                s.append(' ').append(safe(server.version()));
            }
            s.append('\n');
        }
        ToolList tools = r.tools();
        if (tools != null) {
            s.append("  tools    ").append(tools.count()).append(tools.count() == 1 ? " tool" : " tools");
            if (tools.pages() > 1) {
                s.append(" on ").append(tools.pages()).append(" pages");
            }
            if (tools.count() > 0) {
                s.append(": ").append(safe(String.join(", ", tools.names().stream().limit(30).toList())));
                if (tools.count() > 30) {
                    s.append(", … (").append(tools.count() - 30).append(" more)");
                }
            }
            s.append('\n');
            s.append("  schema   ").append(tools.fingerprint(), 0, 16).append('\n');
        }
        for (var call : r.toolCalls()) {
            s.append("  call     ").append(safe(call.tool())).append(call.ok() ? " ok" : " failed");
            if (call.text() != null) {
                s.append(": ").append(safe(clip(call.text(), 80)));
            }
            s.append('\n');
        }
        if (r.auth() != null) {
            s.append(auth(r.auth()));
        }
        for (String w : r.warnings()) {
            s.append("  warning  ").append(safe(w)).append('\n');
        }
        s.append('\n');
        if (r.healthy()) {
            s.append("  verdict  HEALTHY\n");
        } else {
            var f = r.failure();
            s.append("  verdict  FAILED — ").append(f.reason().wireName()).append(" (").append(f.layer().wireName())
                    .append(" layer, ").append(f.phase().wireName()).append(")\n");
            s.append("           ").append(safe(f.message())).append('\n');
        }
        return s.toString();
    }

    private static String bar(PhaseTiming t, double total) {
        int start = (int) Math.floor(t.startMs() / total * WIDTH);
        int len = Math.max(1, (int) Math.round(t.durationMs() / total * WIDTH));
        start = Math.min(start, WIDTH - 1);
        len = Math.min(len, WIDTH - start);
        int waiting = t.firstByteMs() == null ? 0 : Math.min(len - 1, (int) Math.round(t.firstByteMs() / total * WIDTH));
        return " ".repeat(start) + "░".repeat(Math.max(0, waiting)) + "█".repeat(len - Math.max(0, waiting))
                + " ".repeat(WIDTH - start - len);
    }

    private static String tls(TlsInfo tls) {
        StringBuilder s = new StringBuilder();
        join(s, tls.version());
        join(s, tls.cipher());
        join(s, tls.subject());
        if (tls.issuer() != null) {
            join(s, "issuer " + tls.issuer());
        }
        if (tls.notAfter() != null) {
            long daysLeft = tls.daysLeft() != null ? tls.daysLeft() : TlsInfo.daysLeft(tls.notAfter(), java.time.Instant.now());
            join(s, (daysLeft >= 0 ? "expires " : "expired ") + tls.notAfter() + " (" + TlsInfo.relative(daysLeft) + ")");
        }
        if (tls.hostnameMatch() != null) {
            join(s, tls.hostnameMatch() ? "hostname ok" : "HOSTNAME MISMATCH");
        }
        if (tls.chainValid() != null) {
            join(s, tls.chainValid() ? "chain valid" : "CHAIN INVALID");
        }
        return safe(s.toString());
    }

    private static String auth(AuthInfo a) {
        StringBuilder s = new StringBuilder("  auth     HTTP ").append(a.status()).append(' ').append(a.scheme());
        if (a.scope() != null) {
            s.append(" scope=").append(safe(a.scope()));
        }
        s.append('\n').append("  metadata ").append(safe(a.resourceMetadataUrl()));
        if (a.metadataFound()) {
            s.append('\n');
            if (a.resource() != null) {
                s.append("           resource ").append(safe(a.resource())).append('\n');
            }
            list(s, "authorization servers", a.authorizationServers());
            list(s, "scopes", a.scopesSupported());
        } else {
            s.append(" (not found").append(a.metadataProblem() == null ? "" : ": " + safe(a.metadataProblem())).append(")\n");
        }
        return s.toString();
    }

    private static void list(StringBuilder s, String label, List<String> values) {
        if (values != null && !values.isEmpty()) {
            s.append("           ").append(label).append(' ').append(safe(String.join(", ", values))).append('\n');
        }
    }

    private static void join(StringBuilder s, String part) {
        if (part != null) {
            s.append(s.isEmpty() ? "" : " · ").append(part);
        }
    }

    static String ms(double ms) {
        return ms >= 100 ? String.format(Locale.ROOT, "%.0f ms", ms) : String.format(Locale.ROOT, "%.1f ms", ms);
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    /** Removes control characters (terminal escapes included) from text that came from a server. */
    static String safe(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> out.appendCodePoint(Character.isISOControl(cp) ? ' ' : cp));
        return out.toString();
    }
}
