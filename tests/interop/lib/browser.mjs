// Headless Chromium (Debian's /usr/bin/chromium driven by playwright-core) plus
// a tiny static HTTP server on 127.0.0.1 that serves the test page, the peerjs
// UMD bundle and the in-page harness (lib/page/harness.js, window.H).
//
// One browser process per test file; every PeerJS peer gets its own browser
// context (own page, own permissions, own WebRTC stack instance).

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { INTEROP_DIR, raceTimeout } from './servers.mjs';

const LIB_DIR = path.dirname(fileURLToPath(import.meta.url));

export const CHROMIUM = process.env.INTEROP_CHROMIUM || '/usr/bin/chromium';

// See docs/testing.md for why each flag is there.
export const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
];

const FILES = {
  '/': { file: path.join(LIB_DIR, 'page', 'index.html'), type: 'text/html; charset=utf-8' },
  '/harness.js': { file: path.join(LIB_DIR, 'page', 'harness.js'), type: 'text/javascript; charset=utf-8' },
  '/peerjs.min.js': { file: path.join(INTEROP_DIR, 'node_modules', 'peerjs', 'dist', 'peerjs.min.js'), type: 'text/javascript; charset=utf-8' },
  // peerjs' MsgPack serializer (an ES module exporting MsgPack), imported by H.loadMsgPack()
  '/serializer.msgpack.mjs': { file: path.join(INTEROP_DIR, 'node_modules', 'peerjs', 'dist', 'serializer.msgpack.mjs'), type: 'text/javascript; charset=utf-8' },
};

/** Static server on 127.0.0.1, ephemeral port. */
export function startStaticServer() {
  for (const { file } of Object.values(FILES))
    if (!fs.existsSync(file)) throw new Error(`${file} missing (run 'npm ci' in ${INTEROP_DIR})`);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const f = FILES[url.pathname];
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (!f || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': f.type, 'cache-control': 'no-store' });
    res.end(fs.readFileSync(f.file));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = server.address().port;
      resolve({
        port,
        origin: `http://127.0.0.1:${port}`,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}

/**
 * Launch Chromium; throws (loudly) when it is missing. `extraArgs` come after
 * CHROMIUM_FLAGS, e.g. ['--use-file-for-fake-video-capture=/tmp/red.y4m'] (a
 * per-process flag: one browser per fake camera).
 */
export async function launchBrowser(extraArgs = []) {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's 'chromium' package ` +
      '(or set INTEROP_CHROMIUM); the interop tests cannot run without it');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,           // playwright adds --headless; our --headless=new comes later and wins
    args: [...CHROMIUM_FLAGS, ...extraArgs],
    timeout: 30000,
  });
}

const now = () => Date.now();

/** A page running the harness; node-side wrappers around window.H. */
export class PeerPage {
  constructor(harness, name, context, page) {
    this.h = harness;
    this.name = name;
    this.context = context;
    this.page = page;
  }

  eval(fn, arg) { return this.page.evaluate(fn, arg); }

  /** Current event counter (use as `since` for later waits). */
  seq() { return this.page.evaluate(() => window.H.seq); }

  getLocalStream() { return this.page.evaluate(() => window.H.getLocalStream()); }

  newPeer(name, id, extra = {}) {
    return this.page.evaluate(([n, i, e]) => { window.H.newPeer(n, i, e); }, [name, id ?? null, extra]);
  }

  waitFor(src, ev, opts = {}) {
    return this.page.evaluate(([s, e, o]) => window.H.waitFor(s, e, o), [src, ev, opts]);
  }

  /** Wait for the first of several events of src (seq > since); returns that event. */
  waitAny(src, evs, opts = {}) {
    return this.page.evaluate(([s, e, o]) => window.H.waitAny(s, e, o), [src, evs, opts]);
  }

  /** Wait for `open` of a peer; an `error` first is a failure with its type and message. */
  async waitOpen(peerName, { since = 0, timeout = 10000 } = {}) {
    const e = await this.waitAny(peerName, ['open', 'error'], { since, timeout });
    if (e.ev !== 'open') throw new Error(`${peerName}: expected open, got error ${e.type}: ${e.message}`);
    return e;
  }

  events(src, ev, since = 0) {
    return this.page.evaluate(([s, e, n]) => window.H.eventsOf(s, e, n), [src ?? null, ev ?? null, since]);
  }

  setAutoAnswer(peerName, withStream = true) {
    return this.page.evaluate(([n, w]) => window.H.setAutoAnswer(n, w), [peerName, withStream]);
  }

  call(from, to, metadata) {
    return this.page.evaluate(([f, t, m]) => window.H.call(f, t, m ?? undefined), [from, to, metadata ?? null]);
  }

  answer(key, withStream = true) {
    return this.page.evaluate(([k, w]) => window.H.answer(k, w), [key, withStream]);
  }

  connect(from, to, opts = {}) {
    return this.page.evaluate(([f, t, o]) => window.H.connect(f, t, o), [from, to, opts]);
  }

  send(key, values) {
    return this.page.evaluate(([k, v]) => window.H.send(k, v), [key, values]);
  }

  close(key) { return this.page.evaluate((k) => window.H.close(k), key); }

  mediaState(key) { return this.page.evaluate((k) => window.H.mediaState(k), key); }

  dataChannelInfo(key) { return this.page.evaluate((k) => window.H.dataChannelInfo(k), key); }

  peerState(name) { return this.page.evaluate((n) => window.H.peerState(n), name); }

  reconnect(name) { return this.page.evaluate((n) => window.H.reconnect(n), name); }

  destroy(name) { return this.page.evaluate((n) => window.H.destroy(n), name); }

  /** Wait (bounded) for the remote video of a MediaConnection to play n frames. */
  async waitFrames(key, n = 10, timeout = 15000) {
    const deadline = now() + timeout;
    let st;
    for (;;) {
      st = await this.mediaState(key);
      if (st.frames >= n) return st;
      if (now() > deadline)
        throw new Error(`${this.name}: remote video of ${key} did not reach ${n} frames in ${timeout} ms: ${JSON.stringify(st)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  audioState(key) { return this.page.evaluate((k) => window.H.audioState(k), key); }

  /**
   * Wait (bounded) until the remote audio of `key` was heard: at least `above`
   * analyser samples with RMS over the page's threshold and a max RMS of at
   * least `minRms`. Returns the audio snapshot.
   */
  async waitAudio(key, { minRms = 0.02, above = 3, timeout = 15000 } = {}) {
    const deadline = now() + timeout;
    let a;
    for (;;) {
      a = await this.audioState(key);
      if (a && a.maxRms >= minRms && a.above >= above) return a;
      if (now() > deadline)
        throw new Error(`${this.name}: remote audio of ${key} not heard in ${timeout} ms ` +
          `(want maxRms >= ${minRms}, ${above} samples above threshold): ${JSON.stringify(a)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Make Peer `name` a mesh member (see H.joinRoom); returns the calls placed, [{id, key}]. */
  joinRoom(name, { peers, policy = 'lower-id-calls' }) {
    return this.page.evaluate(([n, o]) => window.H.joinRoom(n, o), [name, { peers, policy }]);
  }

  roomState(name) { return this.page.evaluate((n) => window.H.roomState(n), name); }

  leaveRoom(name) { return this.page.evaluate((n) => window.H.leaveRoom(n), name); }

  /**
   * Wait (bounded) until, in room `name`, every remote of `ids` plays video
   * (>= frames rendered) and was heard (audio as in waitAudio). Returns the
   * room state. The error names the members that lag and what they have.
   */
  async waitRoomMedia(name, ids, { frames = 10, minRms = 0.02, above = 3, timeout = 20000 } = {}) {
    const deadline = now() + timeout;
    const ok = (r) => r && r.frames >= frames && r.audio && r.audio.maxRms >= minRms && r.audio.above >= above;
    let st;
    for (;;) {
      st = await this.roomState(name);
      const lag = ids.filter((id) => !ok(st.remotes[id]));
      if (lag.length === 0) return st;
      if (now() > deadline) {
        const brief = (r) => r && { key: r.key, role: r.role, frames: r.frames, ice: r.iceConnectionState,
          audio: r.audio && { maxRms: r.audio.maxRms, above: r.audio.above, ctx: r.audio.contextState },
          inbound: r.inbound, closedAt: r.closedAt };
        throw new Error(`${this.name}: in room ${name}, no video (${frames} frames) and audio from ` +
          `${lag.join(', ')} within ${timeout} ms: ` + JSON.stringify(Object.fromEntries(lag.map((id) => [id, brief(st.remotes[id])]))));
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  /** Wait (bounded) until `n` 'data' events of `key` (seq > since) arrived; returns their values. */
  async waitData(key, n, { since = 0, timeout = 10000 } = {}) {
    const deadline = now() + timeout;
    for (;;) {
      const evs = await this.events(key, 'data', since);
      if (evs.length >= n) return evs.map((e) => e.value);
      if (now() > deadline)
        throw new Error(`${this.name}: ${key} got ${evs.length} of ${n} messages in ${timeout} ms: ` +
          JSON.stringify(evs.map((e) => e.value)).slice(0, 500));
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  // --- data values and track state (room-data.test.mjs; see harness.js) ---

  /** H.newDataPeer: a Peer with the MsgPack serializer, recording every received value. */
  newDataPeer(name, id, extra = {}) {
    return this.page.evaluate(([n, i, e]) => window.H.newDataPeer(n, i, e), [name, id ?? null, extra]);
  }

  /** Open a DataConnection recording its values; returns its key. */
  connectData(from, to, opts = {}) {
    return this.page.evaluate(([f, t, o]) => window.H.connectData(f, t, o), [from, to, opts]);
  }

  /** Record the values of an existing DataConnection. */
  recordValues(key) { return this.page.evaluate((k) => window.H.recordValues(k), key); }

  valueCount(key) { return this.page.evaluate((k) => window.H.valueCount(k), key); }

  valuesOf(key, from = 0) { return this.page.evaluate(([k, f]) => window.H.valuesOf(k, f), [key, from]); }

  /**
   * Wait (bounded) until `key` received `n` values from index `from` on
   * (optionally only counting those `keep(typed)` accepts); returns [{i, t, v}].
   */
  async waitValues(key, n, { from = 0, timeout = 10000, keep = null } = {}) {
    const deadline = now() + timeout;
    for (;;) {
      const count = await this.valueCount(key);
      if (count - from >= n) {
        const vals = await this.valuesOf(key, from);
        const kept = keep ? vals.filter((x) => keep(x.v)) : vals;
        if (kept.length >= n) return kept;
      }
      if (now() > deadline) {
        const vals = await this.valuesOf(key, from);
        throw new Error(`${this.name}: ${key} received ${vals.length} values (want ${n}${keep ? ' kept' : ''}) in ${timeout} ms: ` +
          JSON.stringify(vals.map((x) => x.v)).slice(0, 800));
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Send typed values (H.toTyped form) in order; returns the send times. */
  sendTyped(key, typed) { return this.page.evaluate(([k, v]) => window.H.sendTyped(k, v), [key, typed]); }

  /** Raw frames on the RTCDataChannel: [{hex} | {text}]. */
  sendRawFrames(key, frames) { return this.page.evaluate(([k, f]) => window.H.sendRawFrames(k, f), [key, frames]); }

  dataConns(name, remote = null) { return this.page.evaluate(([n, r]) => window.H.dataConns(n, r), [name, remote]); }

  setLocalTracks(o) { return this.page.evaluate((x) => window.H.setLocalTracks(x), o); }

  announceTrackState(name, remote, state = null) {
    return this.page.evaluate(([n, r, s]) => window.H.announceTrackState(n, r, s), [name, remote, state]);
  }

  speakTrackState(name) { return this.page.evaluate((n) => window.H.speakTrackState(n), name); }

  connectControl(from, to) { return this.page.evaluate(([f, t]) => window.H.connectControl(f, t), [from, to]); }

  videoLuma(key) { return this.page.evaluate((k) => window.H.videoLuma(k), key); }

  /** Luma and RMS sampled over `ms` (H.mediaWindow). */
  mediaWindow(key, ms = 1000) { return this.page.evaluate(([k, m]) => window.H.mediaWindow(k, m), [key, ms]); }

  async closePage() {
    await this.context.close().catch(() => {});
  }
}

/**
 * Browser + static server + the pages of one test file.
 *   const h = await Harness.start();
 *   const a = await h.newPage('alice', server);
 *   ...
 *   await h.close();
 */
export class Harness {
  constructor() {
    this.browser = null;
    this.web = null;
    this.pages = [];
    this.logs = [];
    this.servers = [];       // PeerServerHandles whose output is dumped on failure
    this.t0 = now();
  }

  /** o.chromiumArgs: more Chromium flags for this harness' browser (launchBrowser). */
  static async start(o = {}) {
    const h = new Harness();
    try {
      h.web = await startStaticServer();
      h.browser = await launchBrowser(o.chromiumArgs ?? []);
    } catch (e) {
      await h.close();
      throw e;
    }
    return h;
  }

  log(line) {
    const s = `${String(now() - this.t0).padStart(6)} ${line}`;
    this.logs.push(s);
    if (this.logs.length > 2000) this.logs.shift();
    if (process.env.INTEROP_VERBOSE) console.log(s);
  }

  watchServer(server) { this.servers.push(server); return server; }

  /** Also dump this process's output on failure (anything with label, cmdline, tail(n)). */
  watchProcess(proc) { this.servers.push(proc); return proc; }

  /** Stop dumping it (it is gone and its output no longer interesting). */
  unwatch(proc) { this.servers = this.servers.filter((s) => s !== proc); }

  /** New context + page with the harness loaded, pointed at `server` (a PeerServerHandle or {port,path,key}). */
  async newPage(name, server) {
    const context = await this.browser.newContext({ permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    page.setDefaultTimeout(30000);
    page.on('console', (m) => this.log(`[${name} console.${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => this.log(`[${name} pageerror] ${e.message}`));
    page.on('crash', () => this.log(`[${name}] PAGE CRASHED`));
    if (process.env.INTEROP_WS_FRAMES) {
      page.on('websocket', (ws) => {
        const short = (s) => String(s).replace(/"sdp":"(v=0[^"]*)"/g, (m, sdp) => `"sdp":"<${sdp.length} chars>"`);
        ws.on('framesent', (f) => this.log(`[${name} ws =>] ${short(f.payload)}`));
        ws.on('framereceived', (f) => this.log(`[${name} ws <=] ${short(f.payload)}`));
        ws.on('close', () => this.log(`[${name} ws closed]`));
      });
    }
    await page.goto(`${this.web.origin}/`, { timeout: 15000 });
    await page.waitForFunction(() => window.H && window.peerjs && window.peerjs.Peer, null, { timeout: 10000 });
    if (server) await page.evaluate((s) => window.H.setServer(s), { host: '127.0.0.1', port: server.port, path: server.path ?? '/', key: server.key ?? 'peerjs' });
    const p = new PeerPage(this, name, context, page);
    this.pages.push(p);
    return p;
  }

  /** Point every page (or the given ones) at a server again (after a restart the port is the same). */
  async setServer(server, pages = this.pages) {
    for (const p of pages)
      await p.page.evaluate((s) => window.H.setServer(s), { host: '127.0.0.1', port: server.port, path: server.path ?? '/', key: server.key ?? 'peerjs' });
  }

  /** Print browser console and server output (on failure). */
  dump(reason) {
    console.log(`----- interop diagnostics${reason ? ': ' + reason : ''} -----`);
    for (const s of this.servers) {
      console.log(`--- ${s.label ?? `${s.kind} server`} (${s.cmdline}) output:`);
      console.log(s.tail(s.label ? 120 : 60));
      const log = s.debugTail?.(80);
      if (log) console.log(`--- ${s.label} GStreamer log (${s.debugFile}, last 80 lines):\n${log}`);
    }
    console.log('--- browser log (last 150 lines):');
    console.log(this.logs.slice(-150).join('\n'));
    console.log('----- end of diagnostics -----');
  }

  async close() {
    for (const p of this.pages) await p.closePage();
    this.pages = [];
    if (this.browser) {
      const b = this.browser;
      this.browser = null;
      // browser.close() is bounded here; playwright also SIGKILLs it on process exit.
      await raceTimeout(b.close().catch(() => {}), 10000);
    }
    if (this.web) { await this.web.close(); this.web = null; }
  }
}

/**
 * Wrap a node:test body so that a failure prints the browser log and the
 * server output first. `getHarness` is called at failure time.
 */
export function withDiagnostics(getHarness, fn) {
  return async (t) => {
    try {
      return await fn(t);
    } catch (e) {
      const h = getHarness();
      if (h) h.dump(e && e.message); else console.log('(no harness to dump)');
      throw e;
    }
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
