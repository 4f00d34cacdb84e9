package dev.mcpwatch.detect;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mcpwatch.config.Block;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.TlsInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import tools.jackson.databind.node.ObjectNode;

/**
 * P3 — the TLS certificate expires soon: a reminder when its days left reach each of
 * {@code reminders} (30, 14, 7, 1 days), once per certificate and threshold. A certificate is its
 * subject, issuer and expiry, so a renewed one starts its reminders over and the old one's warning
 * clears; a monitor whose servers take turns with two certificates is reminded once for each.
 * Crossing several thresholds at once (a first probe 5 days before expiry) gives one reminder, the
 * most urgent. An expired certificate fails the probe ({@code cert_expired}), which is a P1 outage.
 * Reads nothing; judges only when the certificate or its threshold changed.
 */
final class CertificateExpiryRule implements Rule {

    /** {@code detection.certificate} in the configuration. */
    record Settings(boolean enabled, @JsonProperty("reminders") List<Integer> reminderDays) implements Rules.Settings {
        /** Most days first, each once. */
        Settings {
            reminderDays = List.copyOf(new TreeSet<>(reminderDays).descendingSet());
        }
    }

    static final Block<Settings> SETTINGS = Block.of("certificate", Settings.class, new Settings(true, List.of(30, 14, 7, 1)), """
            {
              "description": "P3: reminders before the TLS certificate expires",
              "properties": {
                "reminders": {
                  "type": "array", "description": "days left; once per certificate and threshold",
                  "items": {
                    "$ref": "#/$defs/integer", "minimum": 0, "maximum": 3650, "errorMessage": "must be a number of days between 0 and 3650"
                  }
                }
              }
            }
            """);

    @Override
    public String id() {
        return "certificate.expiring";
    }

    @Override
    public Severity severity() {
        return Severity.P3;
    }

    @Override
    public Block<Settings> settings() {
        return SETTINGS;
    }

    @Override
    public Verdict judge(Context ctx, ObjectNode memory, Map<String, Finding> held) {
        TlsInfo tls = ctx.result().tls();
        if (tls == null || tls.notAfter() == null) {
            return Verdict.UNCHANGED; // no handshake this time (or plain http): nothing new about the certificate
        }
        long notAfter = tls.notAfter().toEpochMilli();
        long daysLeft = TlsInfo.daysLeft(tls.notAfter(), java.time.Instant.ofEpochMilli(ctx.now()));
        Integer reminder = null;
        for (int d : ctx.settings(SETTINGS).reminderDays()) {
            if (daysLeft <= d && (reminder == null || d < reminder)) {
                reminder = d;
            }
        }
        String certificate = key(tls);
        if (certificate.equals(memory.path("certificate").asString(null)) && Integer.valueOf(memory.path("reminder").asInt(-1))
                .equals(reminder == null ? -1 : reminder)) {
            return Verdict.UNCHANGED;
        }
        memory.put("certificate", certificate).put("reminder", reminder == null ? -1 : reminder);
        if (reminder == null) {
            return Verdict.nothing(memory);
        }
        String subject = certificate + ":" + reminder;
        String message = "TLS certificate " + tls.subject() + " " + TlsInfo.expiry(daysLeft) + ", on " + Words.day(notAfter) + " (reminder at " + reminder
                + (reminder == 1 ? " day)" : " days)");
        ObjectNode detail = Json.object();
        detail.put("subject", tls.subject());
        detail.put("issuer", tls.issuer());
        detail.put("not_after", notAfter);
        detail.put("days_left", daysLeft);
        detail.put("reminder_days", reminder);
        return Verdict.of(memory, Map.of(subject, Finding.warning(subject, ctx.now(), message, detail).givenOnce()));
    }

    private static String key(TlsInfo tls) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((tls.subject() + "\n" + tls.issuer() + "\n"
                    + tls.notAfter().toEpochMilli()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
