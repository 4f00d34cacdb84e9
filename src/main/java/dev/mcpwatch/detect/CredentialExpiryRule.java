package dev.mcpwatch.detect;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Authorizer;
import dev.mcpwatch.probe.Json;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * P3 — a credential that mcpwatch cannot renew by itself expires within 72 hours (PRODUCT.md §1
 * Credentials): a configured bearer token (a JWT's {@code exp}), an OAuth client secret or key (its
 * configured {@code secret_expires}), the refresh token of a login. Access tokens that mcpwatch renews
 * are not warned about. The warning holds until the credential is replaced (another expiry) and is
 * raised again for the replacement only if that one is close too. Reads nothing.
 */
final class CredentialExpiryRule implements Rule {
    static final Duration WITHIN = Duration.ofHours(72);

    @Override
    public String id() {
        return "credentials.expiring";
    }

    @Override
    public Severity severity() {
        return Severity.P3;
    }

    @Override
    public Verdict judge(Context ctx, ObjectNode memory, Map<String, Finding> held) {
        Authorizer.CredentialInfo info = ctx.result().credentials();
        if (info == null) {
            return memory.isEmpty() && held.isEmpty() ? Verdict.UNCHANGED : Verdict.nothing(memory.removeAll());
        }
        Map<String, Finding> now = new HashMap<>();
        for (Authorizer.Expiring e : info.expiring()) {
            long at = e.at().toEpochMilli();
            long left = at - ctx.now();
            if (left > WITHIN.toMillis()) {
                continue;
            }
            String subject = e.what() + "@" + at;
            Finding kept = held.get(subject);
            if (kept != null) {
                now.put(subject, kept);
                continue;
            }
            long hours = Math.floorDiv(left, 3_600_000L);
            String when = left <= 0 ? "expired on " + Words.day(at) : (hours < 1 ? "expires within the hour" : "expires in " + hours
                    + (hours == 1 ? " hour" : " hours")) + ", on " + Words.day(at);
            ObjectNode detail = Json.object().put("credential", e.what()).put("expires_at", at).put("hours_left", Math.floorDiv(left, 3_600_000L));
            now.put(subject, Finding.warning(subject, ctx.now(), "The " + e.what() + " of monitor " + ctx.monitorId() + " " + when
                    + "; mcpwatch cannot renew it by itself: replace it" + (e.what().equals("refresh token")
                    ? " with `mcpwatch auth login " + ctx.monitorId() + "`" : " in the environment"), detail));
        }
        if (now.keySet().equals(held.keySet())) {
            return Verdict.UNCHANGED;
        }
        return Verdict.of(memory, now);
    }
}
