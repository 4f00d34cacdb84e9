package dev.mcpwatch.probe;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * What the TLS handshake showed, recorded even when validation failed so that an expired or
 * untrusted certificate can be described. {@code daysLeft} is negative once expired.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TlsInfo(
        String version,
        String cipher,
        String subject,
        String issuer,
        Instant notAfter,
        Long daysLeft,
        Boolean hostnameMatch,
        Boolean chainValid,
        String chainError) {}
