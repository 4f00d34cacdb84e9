// Preloaded with `node --require ./loopback-only.cjs` so that a third-party server which calls
// listen(port) with no host binds to 127.0.0.1 instead of every interface. Tests also check the
// bound address, so a server that slips past this fails loudly instead of listening on the network.
'use strict';
const net = require('node:net');
const originalListen = net.Server.prototype.listen;

net.Server.prototype.listen = function (...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    if (first.path === undefined) {
      args[0] = { ...first, host: '127.0.0.1' };
    }
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof args[1] === 'string') {
      args[1] = '127.0.0.1';
    } else {
      args.splice(1, 0, '127.0.0.1');
    }
  }
  return originalListen.apply(this, args);
};
