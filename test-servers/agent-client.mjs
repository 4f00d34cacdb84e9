// An agent's view of mcpwatch's /mcp through the official TypeScript SDK client: connect (legacy
// streamable HTTP era), list the tools, call one, and print what came back as one JSON line.
// Usage: node agent-client.mjs URL TOKEN TOOL ARGUMENTS_JSON
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, token, tool, args] = process.argv.slice(2);
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
const client = new Client({ name: "mcpwatch-agent-test", version: "1.0.0" });
try {
  await client.connect(transport);
  const listed = await client.listTools();
  // callTool checks structuredContent against the tool's outputSchema itself.
  const called = await client.callTool({ name: tool, arguments: JSON.parse(args) });
  console.log(JSON.stringify({
    server: client.getServerVersion(),
    tools: listed.tools.map((t) => ({ name: t.name, readOnly: t.annotations?.readOnlyHint ?? null })),
    isError: called.isError ?? false,
    structuredContent: called.structuredContent ?? null,
  }));
} finally {
  await client.close();
}
