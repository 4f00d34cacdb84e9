package dev.mcpwatch.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.store.MonitorStore;
import org.junit.jupiter.api.Test;

/**
 * The command on the incident page reproduces the monitor's probe with its options, and carries
 * header and environment values only as {@code ${VAR}} references: never the secret.
 */
class ProbeCommandLineTest {
    private static MonitorConfig monitor(String yaml) throws Exception {
        return new ConfigLoader(k -> "s3cret-" + k).loadText(yaml, "t.yaml").monitors().getFirst();
    }

    @Test
    void anHttpMonitorsOptionsAreOnTheCommandAndItsSecretsAreNot() throws Exception {
        MonitorConfig m = monitor("""
                monitors:
                  - id: crm
                    url: https://crm.example.com/mcp?key=${KEY}
                    transport: sse
                    protocol: 2025-06-18
                    headers: {Authorization: "Bearer ${TOKEN}", X-Tenant: "${TENANT}"}
                    timeout: 45s
                    initialize_timeout: 20s
                    expect:
                      min_tools: 3
                      tools: [search]
                      call: {tool: get-sum, arguments: {a: 1, b: 2}, contains: "3"}
                """);
        ProbeCommandLine.Command c = ProbeCommandLine.of(MonitorStore.describe(m));
        assertThat(c.line()).isEqualTo("mcpwatch probe --transport sse --protocol 2025-06-18 -H 'Authorization: ${AUTHORIZATION}' "
                + "-H 'X-Tenant: ${X_TENANT}' --timeout 45s --initialize-timeout 20s --min-tools 3 --require-tool search --call get-sum "
                + "--args '{\"a\":1,\"b\":2}' --expect 3 'https://crm.example.com/mcp?key=(redacted)'");
        assertThat(c.variables()).containsExactly("AUTHORIZATION", "X_TENANT");
        assertThat(c.notes()).anyMatch(n -> n.contains("redacted"));
        assertThat(c.line()).doesNotContain("s3cret");
    }

    @Test
    void aStdioMonitorPassesItsEnvironmentByReference() throws Exception {
        MonitorConfig m = monitor("""
                monitors:
                  - id: local
                    transport: stdio
                    command: [npx, -y, "@modelcontextprotocol/server-everything", stdio]
                    env: {API_KEY: "${API_KEY}"}
                """);
        ProbeCommandLine.Command c = ProbeCommandLine.of(MonitorStore.describe(m));
        assertThat(c.line()).isEqualTo("mcpwatch probe --stdio --env \"API_KEY=${API_KEY}\" -- npx -y @modelcontextprotocol/server-everything stdio");
        assertThat(c.line()).doesNotContain("s3cret");
    }

    @Test
    void aMonitorAtItsDefaultsIsJustItsUrl() throws Exception {
        MonitorConfig m = monitor("monitors:\n  - id: plain\n    url: http://127.0.0.1:3001/mcp\n");
        assertThat(ProbeCommandLine.of(MonitorStore.describe(m)).line()).isEqualTo("mcpwatch probe http://127.0.0.1:3001/mcp");
    }
}
