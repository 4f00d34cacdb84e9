package dev.mcpwatch.alert.channel;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.config.Section;
import dev.mcpwatch.probe.Json;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * A generic webhook: the {@link Alert} as a JSON body, POSTed to {@code url}. With a {@code secret},
 * each request is signed so that the receiver can check it came from this mcpwatch and is fresh:
 *
 * <pre>
 * X-Mcpwatch-Timestamp: 1763719203                      (Unix seconds when this attempt was sent)
 * X-Mcpwatch-Signature: sha256=HEX(HMAC-SHA256(secret, timestamp + "." + body))
 * </pre>
 *
 * The receiver recomputes the HMAC over the timestamp header, a dot and the raw body bytes, compares
 * in constant time, and rejects a timestamp more than 5 minutes from its clock (a replay). Every
 * attempt is signed afresh. {@code X-Mcpwatch-Delivery} is the same on every retry of one delivery
 * and {@code dedup_key} the same for every event of one incident, so a receiver can drop repeats.
 */
final class WebhookChannel implements Channel {
    record Settings(String url, String secret, Map<String, String> headers) {}

    static final Block<Settings> SETTINGS = Block.of("webhook", Settings.class, new Settings(null, null, Map.of()), """
            {
              "description": "a generic webhook: the alert as JSON, signed with an HMAC of the secret when one is given",
              "required": ["url"],
              "properties": {
                "url": {"$ref": "#/$defs/secret", "description": "where the alert is POSTed (a secret: it may hold a token)"},
                "secret": {"$ref": "#/$defs/secret", "description": "signs every request (X-Mcpwatch-Signature); optional"},
                "headers": {"$ref": "#/$defs/headers", "description": "sent with every request; values never shown"}
              }
            }
            """);
    public static final String SIGNATURE = "X-Mcpwatch-Signature";
    public static final String TIMESTAMP = "X-Mcpwatch-Timestamp";

    private final Channels.Common common;
    private final String url;
    private final String secret;
    private final Map<String, String> headers;

    private WebhookChannel(Channels.Common common, String url, String secret, Map<String, String> headers) {
        this.common = common;
        this.url = url;
        this.secret = secret;
        this.headers = Map.copyOf(headers);
    }

    static WebhookChannel create(Channels.Common common, Settings s, Section at) {
        String url = Channels.secretUrl(s.url(), at.at("url"));
        String secret = s.secret();
        return new WebhookChannel(common, url, secret == null || secret.isBlank() ? null : secret, s.headers());
    }

    /** {@code sha256=} and the hex HMAC-SHA256 of {@code timestamp + "." + body} under {@code secret}. */
    public static String signature(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    @Override
    public Result send(Alert alert, Attempt attempt) {
        byte[] body = Json.MAPPER.writeValueAsBytes(alert);
        long timestamp = attempt.at().getEpochSecond();
        Request.Builder r = new Request.Builder().url(url).post(RequestBody.create(body, Http.JSON));
        headers.forEach(r::header);
        r.header("User-Agent", Http.USER_AGENT)
                .header("X-Mcpwatch-Event", alert.event())
                .header("X-Mcpwatch-Delivery", Long.toString(attempt.deliveryId()))
                .header(TIMESTAMP, Long.toString(timestamp));
        if (secret != null) {
            r.header(SIGNATURE, signature(secret, timestamp, body));
        }
        return Http.exchange(r.build(), attempt.timeout());
    }

    @Override
    public Channels.Common common() {
        return common;
    }

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public String disabledBecause() {
        return Channels.emptyBecause("url", url);
    }

    @Override
    public String toString() {
        return "webhook channel " + name() + (secret != null ? " (signed)" : "");
    }
}
