// A legacy-era (2025-11-25) stdio MCP server written by hand, with one common flaw: it logs plain
// text on stdout, where only JSON-RPC belongs, before it answers. It answers initialize,
// tools/list and tools/call; server/discover and anything else get "Method not found", as SDK
// servers of that era answer unknown methods.
//
// Tool `whereami` reports the working directory and $FIXTURE_GREETING, so a test can see that the
// environment and working directory it configured reached the process.
'use strict';
const readline = require('node:readline');

const send = (message) => process.stdout.write(JSON.stringify(message) + '\n');
const log = (text) => process.stdout.write(text + '\n'); // the flaw: this belongs on stderr

const tools = [
  {
    name: 'whereami',
    description: 'Reports the working directory and the greeting from the environment',
    inputSchema: { type: 'object', properties: {} },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'echo',
    description: 'Echoes the message back',
    inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
    annotations: { readOnlyHint: true },
  },
];

function answer(request) {
  switch (request.method) {
    case 'initialize':
      log('legacy-stdio-fixture: client says hello, answering initialize');
      return {
        protocolVersion: '2025-11-25',
        capabilities: { tools: {} },
        serverInfo: { name: process.env.FIXTURE_SERVER_NAME || 'legacy-stdio-fixture', version: '1.0.0' },
      };
    case 'tools/list':
      return { tools };
    case 'tools/call': {
      const { name, arguments: args = {} } = request.params || {};
      if (name === 'whereami') {
        return { content: [{ type: 'text', text: `cwd=${process.cwd()} greeting=${process.env.FIXTURE_GREETING || ''}` }] };
      }
      if (name === 'echo') {
        return { content: [{ type: 'text', text: `echo: ${args.message}` }] };
      }
      return { content: [{ type: 'text', text: `unknown tool ${name}` }], isError: true };
    }
    default:
      return null;
  }
}

log('legacy-stdio-fixture 1.0.0 starting (logging to stdout by mistake)');

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let request;
  try {
    request = JSON.parse(line);
  } catch {
    return;
  }
  if (request.id === undefined || request.id === null) {
    return; // a notification
  }
  const result = answer(request);
  if (result === null) {
    send({ jsonrpc: '2.0', id: request.id, error: { code: -32601, message: `Method not found: ${request.method}` } });
  } else {
    send({ jsonrpc: '2.0', id: request.id, result });
  }
}).on('close', () => process.exit(0));
