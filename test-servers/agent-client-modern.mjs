// An agent's view of mcpwatch's /mcp through the official TypeScript SDK 2.x client, pinned to the
// 2026-07-28 era (server/discover, stateless): connect, list the tools, call one, and print what
// came back as one JSON line. Pinning instead of 'auto' makes the connect fail loudly rather than
// fall back to the legacy initialize handshake, so a pass proves the modern era answered.
// Usage: node agent-client-modern.mjs URL TOKEN TOOL ARGUMENTS_JSON
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

const [url, token, tool, args] = process.argv.slice(2);
// What went over the wire, as the server saw it: each POST's Mcp-Method header (null if absent),
// JSON-RPC method and answer status.
const wire = [];
const recording = async (input, init) => {
  const response = await fetch(input, init);
  const headers = new Headers(init?.headers);
  let method = null;
  try {
    method = JSON.parse(init?.body ?? "null")?.method ?? null;
  } catch {}
  wire.push({ httpMethod: init?.method ?? "GET", mcpMethod: headers.get("mcp-method"), method, status: response.status });
  return response;
};
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
  fetch: recording,
});
const client = new Client(
  { name: "mcpwatch-agent-test", version: "1.0.0" },
  { versionNegotiation: { mode: { pin: "2026-07-28" } } },
);
try {
  await client.connect(transport);
  const listed = await client.listTools();
  // callTool checks structuredContent against the tool's outputSchema itself.
  const called = await client.callTool({ name: tool, arguments: JSON.parse(args) });
  console.log(JSON.stringify({
    era: client.getProtocolEra() ?? null,
    protocolVersion: client.getNegotiatedProtocolVersion() ?? null,
    server: client.getServerVersion() ?? null,
    tools: listed.tools.map((t) => ({ name: t.name, readOnly: t.annotations?.readOnlyHint ?? null })),
    isError: called.isError ?? false,
    structuredContent: called.structuredContent ?? null,
    wire,
  }));
} finally {
  await client.close();
}
