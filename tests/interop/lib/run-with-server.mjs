#!/usr/bin/env node
// Run a command (typically a C test) against a PeerJS signalling server.
//
//   node lib/run-with-server.mjs --kind peer|gst [--allow-discovery]
//        [--alive-timeout MS] [--expire-timeout MS] [--key KEY] [--path PATH]
//        [--server-bin FILE] [--timeout SECONDS] [--verbose] -- <command...>
//
// Starts the server on a free port of 127.0.0.1 and runs the command with
//   PEERJS_SERVER_URI      ws://127.0.0.1:PORT/        (path included)
//   PEERJS_SERVER_PORT     PORT
//   PEERJS_SERVER_KEY      the key (default peerjs)
//   PEERJS_SERVER_KIND     peer | gst
//   PEERJS_SERVER_CONTROL  http://127.0.0.1:CPORT      control endpoint:
//       POST /kill    SIGKILL the server; answers once it is dead
//       POST /stop    SIGTERM, SIGKILL after 2 s
//       POST /start   start it again on the same port; answers once it is ready
//       GET  /peers   proxy of GET <path><key>/peers of the server
//       GET  /status  {"kind","port","running","starts"}
// The exit code is the command's (128+N if it died of signal N; 124 on
// --timeout; 125 if the server could not be started). The server is always
// killed at the end.

import http from 'node:http';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { startPeerServer, handleSignalsYourself } from './servers.mjs';

function usage(msg) {
  if (msg) console.error(`run-with-server: ${msg}`);
  console.error('usage: node lib/run-with-server.mjs --kind peer|gst [--allow-discovery] [--alive-timeout MS] ' +
    '[--expire-timeout MS] [--key KEY] [--path PATH] [--server-bin FILE] [--timeout SECONDS] [--verbose] -- <command...>');
  process.exit(125);
}

function parseArgs(argv) {
  const o = { kind: process.env.INTEROP_SERVER || 'peer', allowDiscovery: false, timeout: 600, verbose: !!process.env.INTEROP_VERBOSE };
  let i = 0;
  const val = (name) => {
    if (i + 1 >= argv.length) usage(`${name} needs a value`);
    return argv[++i];
  };
  const num = (name) => {
    const v = Number(val(name));
    if (!Number.isFinite(v) || v < 0) usage(`${name} needs a number`);
    return v;
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { o.command = argv.slice(i + 1); break; }
    else if (a === '--kind') o.kind = val(a);
    else if (a === '--allow-discovery') o.allowDiscovery = true;
    else if (a === '--alive-timeout') o.aliveTimeout = num(a);
    else if (a === '--expire-timeout') o.expireTimeout = num(a);
    else if (a === '--key') o.key = val(a);
    else if (a === '--path') o.path = val(a);
    else if (a === '--server-bin') o.serverBin = val(a);
    else if (a === '--timeout') o.timeout = num(a);
    else if (a === '--verbose') o.verbose = true;
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!o.command || o.command.length === 0) usage('no command after --');
  if (o.kind !== 'peer' && o.kind !== 'gst') usage(`--kind must be peer or gst, not ${o.kind}`);
  return o;
}

const opts = parseArgs(process.argv.slice(2));
if (opts.serverBin) process.env.GST_PEERJS_SERVER_BIN = opts.serverBin;
const log = (...a) => console.error('[run-with-server]', ...a);

let server = null;
let control = null;
let child = null;
let busy = Promise.resolve();    // serialises control operations

function startControl() {
  const send = (res, status, body, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const status = () => ({ kind: server.kind, port: server.port, running: server.running, starts: server.starts });
  const srv = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    req.resume();
    const op = async () => {
      try {
        if (req.method === 'POST' && path === '/kill') {
          await server.kill();
          if (opts.verbose) log('server killed');
          send(res, 200, status());
        } else if (req.method === 'POST' && path === '/stop') {
          await server.stop();
          send(res, 200, status());
        } else if (req.method === 'POST' && path === '/start') {
          if (server.running) return send(res, 409, { error: 'already running', ...status() });
          await server.start();
          if (opts.verbose) log(`server restarted on port ${server.port}`);
          send(res, 200, status());
        } else if (req.method === 'GET' && path === '/peers') {
          if (!server.running) return send(res, 503, { error: 'server not running' });
          const r = await server.peers();
          send(res, r.status, typeof r.body === 'string' ? r.body : JSON.stringify(r.body), r.contentType || 'text/plain');
        } else if (req.method === 'GET' && path === '/status') {
          send(res, 200, status());
        } else {
          send(res, 404, { error: `no ${req.method} ${path}` });
        }
      } catch (e) {
        send(res, 500, { error: String(e && e.message || e) });
      }
    };
    busy = busy.then(op, op);
  });
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

let exiting = false;
async function cleanup(code) {
  if (exiting) return;
  exiting = true;
  if (child && child.exitCode === null && child.signalCode === null) {
    try { child.kill('SIGTERM'); } catch { /* gone */ }
    const t = setTimeout(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } }, 3000);
    await new Promise((r) => child.once('exit', r));
    clearTimeout(t);
  }
  if (server) await server.kill().catch((e) => log('kill failed:', e.message));
  if (control) { control.closeAllConnections?.(); control.close(); }
  process.exit(code);
}

handleSignalsYourself();
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`got ${sig}, stopping`);
    cleanup(128 + os.constants.signals[sig]);
  });
}

try {
  server = await startPeerServer({
    kind: opts.kind, allowDiscovery: opts.allowDiscovery, aliveTimeout: opts.aliveTimeout,
    expireTimeout: opts.expireTimeout, key: opts.key, path: opts.path, verbose: opts.verbose,
  });
  control = await startControl();
} catch (e) {
  log(`cannot start: ${e.message}`);
  if (server) await server.kill().catch(() => {});
  process.exit(125);
}

const env = {
  ...process.env,
  PEERJS_SERVER_URI: server.url,
  PEERJS_SERVER_PORT: String(server.port),
  PEERJS_SERVER_KEY: server.key,
  PEERJS_SERVER_KIND: server.kind,
  PEERJS_SERVER_CONTROL: `http://127.0.0.1:${control.address().port}`,
};
if (opts.verbose)
  log(`${server.kind} server at ${server.url}, control ${env.PEERJS_SERVER_CONTROL}; running: ${opts.command.join(' ')}`);

const timer = setTimeout(() => {
  log(`command did not finish within ${opts.timeout} s, killing it`);
  cleanup(124);
}, opts.timeout * 1000);

child = spawn(opts.command[0], opts.command.slice(1), { env, stdio: 'inherit' });
child.once('error', (e) => {
  log(`cannot run ${opts.command[0]}: ${e.message}`);
  clearTimeout(timer);
  cleanup(127);
});
child.once('exit', (code, sig) => {
  clearTimeout(timer);
  if (exiting) return;
  const rc = code ?? 128 + (os.constants.signals[sig] ?? 0);
  if (sig) log(`command died of ${sig}`);
  if (rc !== 0) {
    log(`command exited ${rc}; last server output:`);
    console.error(server.tail(30));
  }
  cleanup(rc);
});
