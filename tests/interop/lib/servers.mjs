// Start/stop a PeerJS signalling server for the interop tests.
//
//   kind 'peer': the real `peer@1.0.2` CLI (node_modules/.bin/peerjs)
//   kind 'gst' : our `gst-peerjs-server` (path from $GST_PEERJS_SERVER_BIN)
//
// Both bind 127.0.0.1 and print a ready line
//   Started PeerServer on 127.0.0.1, port: N, path: /
// which we wait for (bounded). The returned handle can be stopped, killed and
// restarted on the same port (for the reconnect tests).
//
// Every child is also SIGKILLed from a process 'exit' hook, so a failing or
// crashing test never leaves a server behind.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const INTEROP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PEER_BIN = path.join(INTEROP_DIR, 'node_modules', '.bin', 'peerjs');

const READY_RE = /Started PeerServer on (\S+), port: (\d+), path: (\S*)/;
const READY_TIMEOUT_MS = 15000;
const STOP_GRACE_MS = 2000;
const EXIT_WAIT_MS = 5000;

// All live children of this node process, SIGKILLed on exit.
const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});
// SIGINT/SIGTERM/SIGHUP (e.g. meson's timeout, which SIGTERMs the process
// group and SIGKILLs it 0.5 s later) exit at once, so that the 'exit' hooks
// run: ours kills the servers, playwright's SIGKILLs its browser (which lives
// in its own process group and would otherwise survive). Playwright's own
// SIGTERM handler only starts a graceful close and does not exit.
// A program with its own cleanup (run-with-server.mjs) calls
// handleSignalsYourself() to turn this off.
let exitOnSignal = true;
export function handleSignalsYourself() { exitOnSignal = false; }
for (const [sig, n] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
  process.on(sig, () => {
    if (exitOnSignal) process.exit(128 + n);
  });
}

/** Which server kind the tests use: env INTEROP_SERVER=peer|gst (default peer). */
export function serverKindFromEnv() {
  const kind = process.env.INTEROP_SERVER || 'peer';
  if (kind !== 'peer' && kind !== 'gst')
    throw new Error(`INTEROP_SERVER must be 'peer' or 'gst', not '${kind}'`);
  return kind;
}

/** Path of our server binary, or throws with a helpful message. */
export function gstServerBin() {
  const bin = process.env.GST_PEERJS_SERVER_BIN;
  if (!bin)
    throw new Error('kind gst needs GST_PEERJS_SERVER_BIN=/path/to/build/tools/gst-peerjs-server');
  if (!fs.existsSync(bin))
    throw new Error(`GST_PEERJS_SERVER_BIN=${bin} does not exist`);
  return bin;
}

function normalisePath(p) {
  let s = p || '/';
  if (!s.startsWith('/')) s = '/' + s;
  return s;
}

function withSlash(p) {
  return p.endsWith('/') ? p : p + '/';
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolve with the promise's value, or with `fallback` after `ms` (the timer never outlives the race). */
export function raceTimeout(promise, ms, fallback) {
  let timer;
  const t = new Promise((r) => { timer = setTimeout(() => r(fallback), ms); });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

class PeerServerHandle {
  constructor(opts) {
    this.kind = opts.kind ?? 'peer';
    if (this.kind !== 'peer' && this.kind !== 'gst')
      throw new Error(`unknown server kind '${this.kind}'`);
    this.host = '127.0.0.1';
    this.port = opts.port ?? 0;
    this.path = normalisePath(opts.path);
    this.key = opts.key ?? 'peerjs';
    this.allowDiscovery = !!opts.allowDiscovery;
    this.aliveTimeout = opts.aliveTimeout;
    this.expireTimeout = opts.expireTimeout;
    // more command-line options, in the spelling of the server kind
    this.extraArgs = opts.extraArgs ?? [];
    this.logPrefix = opts.logPrefix ?? `[${this.kind}-server]`;
    this.verbose = opts.verbose ?? !!process.env.INTEROP_VERBOSE;
    this.child = null;
    this.output = [];            // last lines of stdout/stderr, for diagnostics
    this.starts = 0;
  }

  get url() { return `ws://${this.host}:${this.port}${withSlash(this.path)}`; }
  get httpBase() { return `http://${this.host}:${this.port}${withSlash(this.path)}`; }
  get running() { return !!this.child && this.child.exitCode === null && this.child.signalCode === null; }
  get pid() { return this.child?.pid; }

  _args(port) {
    const a = ['--host', this.host];
    if (this.kind === 'peer') {
      // peer@1.0.2: --port 0 means "not given"; PORT=0 in the env instead (protocol doc 2.1).
      if (port) a.push('--port', String(port));
      a.push('--path', this.path, '--key', this.key);
      if (this.allowDiscovery) a.push('--allow_discovery');
      if (this.aliveTimeout != null) a.push('--alive_timeout', String(this.aliveTimeout));
      if (this.expireTimeout != null) a.push('--expire_timeout', String(this.expireTimeout));
    } else {
      a.push('--port', String(port || 0), '--path', this.path, '--key', this.key);
      if (this.allowDiscovery) a.push('--allow-discovery');
      if (this.aliveTimeout != null) a.push('--alive-timeout', String(this.aliveTimeout));
      if (this.expireTimeout != null) a.push('--expire-timeout', String(this.expireTimeout));
    }
    a.push(...this.extraArgs);
    return a;
  }

  _note(line) {
    this.output.push(line);
    if (this.output.length > 200) this.output.shift();
    if (this.verbose) console.log(`${this.logPrefix} ${line}`);
  }

  /** Start (or restart on the same port). Resolves once the ready line was printed. */
  async start() {
    if (this.running) throw new Error('server already running');
    // A restart right after a kill can race with the old socket; retry a few times.
    const attempts = this.port ? 5 : 1;
    let lastErr;
    for (let i = 0; i < attempts; i++) {
      try {
        await this._spawnOnce();
        this.starts++;
        return this;
      } catch (e) {
        lastErr = e;
        await sleep(300);
      }
    }
    throw lastErr;
  }

  _spawnOnce() {
    const env = { ...process.env };
    let cmd, args;
    if (this.kind === 'peer') {
      if (!fs.existsSync(PEER_BIN))
        throw new Error(`${PEER_BIN} missing: run 'npm ci' in ${INTEROP_DIR}`);
      cmd = process.execPath;
      args = [PEER_BIN, ...this._args(this.port)];
      delete env.PEERSERVER_PATH;
      if (this.port) delete env.PORT; else env.PORT = '0';
    } else {
      cmd = gstServerBin();
      args = this._args(this.port);
    }
    this.cmdline = [cmd, ...args].join(' ');
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    this.child = child;
    const exited = new Promise((resolve) => child.once('exit', (code, sig) => {
      live.delete(child);
      this._note(`(exited code=${code} signal=${sig})`);
      resolve({ code, sig });
    }));
    child.exitPromise = exited;

    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (err, port) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (err) {
          try { child.kill('SIGKILL'); } catch { /* gone */ }
          reject(err);
        } else {
          resolve(port);
        }
      };
      const onLine = (stream) => {
        let buf = '';
        child[stream].setEncoding('utf8');
        child[stream].on('data', (chunk) => {
          buf += chunk;
          let nl;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).replace(/\r$/, '');
            buf = buf.slice(nl + 1);
            this._note(`${stream}: ${line}`);
            const m = stream === 'stdout' && READY_RE.exec(line);
            if (m) {
              const port = Number(m[2]);
              if (this.port && port !== this.port) {
                finish(new Error(`server said port ${port}, asked for ${this.port}`));
              } else {
                this.port = port;
                finish(null, port);
              }
            }
          }
        });
      };
      onLine('stdout');
      onLine('stderr');
      child.once('error', (e) => finish(new Error(`cannot start ${cmd}: ${e.message}`)));
      exited.then(({ code, sig }) => finish(new Error(
        `server exited before ready (code=${code} signal=${sig}): ${this.cmdline}\n` +
        this.output.slice(-20).join('\n'))));
      const timer = setTimeout(() => finish(new Error(
        `no ready line within ${READY_TIMEOUT_MS} ms: ${this.cmdline}\n` +
        this.output.slice(-20).join('\n'))), READY_TIMEOUT_MS);
    });
  }

  async _waitExit(child, ms) {
    if (child.exitCode !== null || child.signalCode !== null) return true;
    return raceTimeout(child.exitPromise.then(() => true), ms, false);
  }

  /** SIGKILL and wait for the exit. */
  async kill() {
    const child = this.child;
    if (!child) return;
    if (child.exitCode === null && child.signalCode === null) {
      try { child.kill('SIGKILL'); } catch { /* gone */ }
      if (!(await this._waitExit(child, EXIT_WAIT_MS)))
        throw new Error(`server pid ${child.pid} did not die on SIGKILL`);
    }
  }

  /** SIGTERM, then SIGKILL after a grace period (peer does not exit on SIGTERM while clients are connected). */
  async stop() {
    const child = this.child;
    if (!child) return;
    if (child.exitCode === null && child.signalCode === null) {
      try { child.kill('SIGTERM'); } catch { /* gone */ }
      if (!(await this._waitExit(child, STOP_GRACE_MS)))
        await this.kill();
    }
  }

  /** Kill (if running) and start again on the same port. */
  async restart() {
    await this.kill();
    return this.start();
  }

  /** GET {path}{key}/peers (needs allowDiscovery). Returns {status, body}. */
  async peers() {
    const res = await fetch(`${this.httpBase}${encodeURIComponent(this.key)}/peers`,
      { signal: AbortSignal.timeout(5000) });
    const text = await res.text();
    let body = text;
    try { body = JSON.parse(text); } catch { /* not JSON (401 body) */ }
    return { status: res.status, body, contentType: res.headers.get('content-type') };
  }

  /** Recent server output, for assertion messages. */
  tail(n = 30) { return this.output.slice(-n).join('\n'); }
}

/**
 * Start a server and wait until it is ready.
 * @param {object} o
 * @param {'peer'|'gst'} [o.kind]   default: env INTEROP_SERVER or 'peer'
 * @param {number} [o.port]         0 (default) = ephemeral
 * @param {string} [o.path]         default '/'
 * @param {string} [o.key]          default 'peerjs'
 * @param {boolean} [o.allowDiscovery]
 * @param {number} [o.aliveTimeout] ms
 * @param {number} [o.expireTimeout] ms
 * @returns {Promise<PeerServerHandle>} handle with port, url, httpBase, stop(), kill(), restart(), start(), peers()
 */
export async function startPeerServer(o = {}) {
  const h = new PeerServerHandle({ ...o, kind: o.kind ?? serverKindFromEnv() });
  await h.start();
  return h;
}
