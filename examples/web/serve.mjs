#!/usr/bin/env node
// A tiny static server for the example page (node 20, no dependencies):
//   node examples/web/serve.mjs [--port 8080] [--host 127.0.0.1]
// serves index.html and app.js from this directory and peerjs.min.js from
// tests/interop/node_modules/peerjs/dist (stock `peerjs` from npm, installed
// by scripts/setup.sh). --port 0 picks a free port. Prints one line,
//   serving http://127.0.0.1:8080/
// once it listens. Open the page on 127.0.0.1 or localhost: browsers give
// the camera (getUserMedia) only to secure contexts, which plain http is
// only there.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PEERJS_DIST = path.resolve(HERE, '..', '..', 'tests', 'interop', 'node_modules', 'peerjs', 'dist');

const JS = 'text/javascript; charset=utf-8';
const FILES = {
  '/': [path.join(HERE, 'index.html'), 'text/html; charset=utf-8'],
  '/index.html': [path.join(HERE, 'index.html'), 'text/html; charset=utf-8'],
  '/app.js': [path.join(HERE, 'app.js'), JS],
  '/peerjs.min.js': [path.join(PEERJS_DIST, 'peerjs.min.js'), JS],
  '/peerjs.min.js.map': [path.join(PEERJS_DIST, 'peerjs.min.js.map'), 'application/json'],
};

function option(name, fallback) {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return argv[i + 1] ?? fallback;
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
  }
  return fallback;
}

const host = option('host', '127.0.0.1');
const port = Number(option('port', '8080'));
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve.mjs: bad --port ${option('port')}`);
  process.exit(2);
}
if (!fs.existsSync(FILES['/peerjs.min.js'][0])) {
  console.error(`serve.mjs: ${FILES['/peerjs.min.js'][0]} is missing: run scripts/setup.sh ` +
    '(or `npm ci` in tests/interop) to install peerjs');
  process.exit(1);
}

const server = http.createServer((req, res) => {
  const pathname = new URL(req.url, 'http://x').pathname;
  if (pathname === '/favicon.ico') {          // none; say so without a 404 in the console
    res.writeHead(204);
    res.end();
    return;
  }
  const f = FILES[pathname];
  if (!f || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
    return;
  }
  fs.readFile(f[0], (err, body) => {
    if (err) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`${err.message}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': f[1], 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
});
server.on('error', (e) => {
  console.error(`serve.mjs: cannot listen on ${host}:${port}: ${e.message}`);
  process.exit(1);
});
server.listen(port, host, () => {
  const a = server.address();
  console.log(`serving http://${a.address}:${a.port}/`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
