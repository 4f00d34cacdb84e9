package dev.mcpwatch.monitor;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mcpwatch.config.ConfigStatus;
import java.util.Map;

/**
 * The monitor's own health: {@code ok}, or {@code degraded} while its database cannot be written
 * (probing goes on from memory and results wait, up to a bound, in the order they came) or while
 * the configuration file on disk does not load ({@code config.lastError} says why; the previous
 * configuration stays in force).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HealthReport(String status, String version, String node, long uptimeSeconds, Database database, Probing probing,
        ConfigStatus config) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Database(String kind, StoreHealth store, Long freeBytes) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Probing(String mode, int monitors, Map<String, Long> byStatus, Lateness.Summary latenessMs) {}

    public boolean ok() {
        return "ok".equals(status);
    }
}
