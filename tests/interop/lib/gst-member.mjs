// GStreamer mesh members for the interop tests (node side).
//
//   startGstMember({server, peerId, peers, callPolicy, ...})
//       runs lib/gst-member.py (PyGObject): a `peerjsroom` with test sources
//       whose remote pads are counted with pad probes; it prints JSON lines
//       (see the .py). The handle keeps every event and offers bounded waits.
//   startGstLaunch(server, description)
//       runs `gst-launch-1.0 -m <description>` and parses its element
//       messages (`Got message #N from element "r" (element): peerjs-…, …`).
//
// Both need the built plugin: GST_PEERJS_PLUGIN_DIR (meson sets it; by hand
// it defaults to ../../build/ext/peerjs). Every child is SIGKILLed from a
// process 'exit' hook, so a failing test never leaves a pipeline behind.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { INTEROP_DIR, raceTimeout } from './servers.mjs';

const LIB_DIR = path.dirname(fileURLToPath(import.meta.url));
export const GST_MEMBER_PY = path.join(LIB_DIR, 'gst-member.py');
// The system python has gi + Gst; a `python3` on PATH may be another one.
export const PYTHON = process.env.INTEROP_PYTHON || '/usr/bin/python3';

const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch { /* gone */ }
  }
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The plugin directory, or throws saying how to set it. */
export function pluginDir() {
  const dir = process.env.GST_PEERJS_PLUGIN_DIR || path.resolve(INTEROP_DIR, '..', '..', 'build', 'ext', 'peerjs');
  if (!fs.existsSync(dir))
    throw new Error(`GST_PEERJS_PLUGIN_DIR=${dir} does not exist: build the plugin (ninja -C build) ` +
      'and set GST_PEERJS_PLUGIN_DIR to build/ext/peerjs');
  return dir;
}

// Each member's GStreamer log (warnings, our INFO lines: which connection
// opened when) goes to a file of its own, printed by the failure dump: a
// rare interop failure is then explained by its first run. INTEROP_GST_DEBUG
// overrides the levels; GST_DEBUG set by the caller wins (then to stderr).
const DEBUG_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'interop-gst-'));
process.on('exit', () => fs.rmSync(DEBUG_DIR, { recursive: true, force: true }));
let debugFiles = 0;

function gstEnv(label) {
  const env = { ...process.env, GST_PLUGIN_PATH: pluginDir() };
  let debugFile = null;
  if (!env.GST_DEBUG) {
    debugFile = path.join(DEBUG_DIR, `${++debugFiles}-${label.replace(/[^\w.-]/g, '_')}.log`);
    env.GST_DEBUG = env.INTEROP_GST_DEBUG || '*:2,video-scaler:1,audio-resampler:1,peerjs*:4';
    env.GST_DEBUG_FILE = debugFile;
    env.GST_DEBUG_NO_COLOR = '1';
  }
  // meson's test env empties the system path for the check tests; these
  // pipelines need the system plugins (vp8, opus, nice, webrtc, level…).
  if (!env.GST_PLUGIN_SYSTEM_PATH_1_0) delete env.GST_PLUGIN_SYSTEM_PATH_1_0;
  return { env, debugFile };
}

// Does `fields` satisfy `match` ({field: value | RegExp | predicate})?
function fieldsMatch(fields, match) {
  if (!match) return true;
  for (const [k, want] of Object.entries(match)) {
    const v = fields?.[k];
    if (want instanceof RegExp) { if (!want.test(String(v))) return false; }
    else if (typeof want === 'function') { if (!want(v)) return false; }
    else if (v !== want) return false;
  }
  return true;
}

class GstProcess {
  constructor(label, cmd, args, { verbose } = {}) {
    this.label = label;
    this.cmdline = [cmd, ...args].map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ');
    this.verbose = verbose ?? !!process.env.INTEROP_VERBOSE;
    this.events = [];           // parsed events, in order: {seq, t, ev, ...}
    this.output = [];           // last raw lines (stdout + stderr), for diagnostics
    this.criticals = [];        // GLib CRITICAL/WARNING lines (g_critical, g_warning, g_return_if_fail)
    this.seq = 0;
    this.exit = null;
    const { env, debugFile } = gstEnv(label);
    this.debugFile = debugFile;
    this.child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(this.child);
    this.child.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => this.child.once('exit', (code, sig) => {
      live.delete(this.child);
      this.exit = { code, sig, t: Date.now() };
      this._note(`(exited code=${code} signal=${sig})`);
      resolve(this.exit);
    }));
    this.child.once('error', (e) => this._note(`(spawn error: ${e.message})`));
    for (const stream of ['stdout', 'stderr']) {
      let buf = '';
      this.child[stream].setEncoding('utf8');
      this.child[stream].on('data', (chunk) => {
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).replace(/\r$/, '');
          buf = buf.slice(nl + 1);
          this._line(stream, line);
        }
      });
    }
  }

  get pid() { return this.child.pid; }
  get running() { return this.exit === null; }
  get kind() { return this.label; }       // for Harness.dump()

  _note(line) {
    if (/-CRITICAL \*\*|-WARNING \*\*/.test(line)) this.criticals.push(line);
    this.output.push(line);
    if (this.output.length > 400) this.output.shift();
    if (this.verbose) console.log(`[${this.label}] ${line}`);
  }

  _push(e) {
    e.seq = ++this.seq;
    e.t ??= Date.now();
    this.events.push(e);
    if (this.events.length > 20000) this.events.splice(0, 5000);
    return e;
  }

  _line(stream, line) { this._note(`${stream}: ${line}`); }

  /** Events after `since` (optionally of one kind). */
  eventsOf(ev, since = 0) { return this.events.filter((e) => e.seq > since && (!ev || e.ev === ev)); }

  /** First event (seq > since) satisfying pred, waiting up to `timeout` ms. */
  async waitEvent(pred, { since = 0, timeout = 10000, what = 'event' } = {}) {
    const end = Date.now() + timeout;
    for (;;) {
      const e = this.events.find((x) => x.seq > since && pred(x));
      if (e) return e;
      if (this.exit) throw new Error(`${this.label} exited (${JSON.stringify(this.exit)}) before ${what}; output:\n${this.tail(40)}`);
      if (Date.now() > end) throw new Error(`${this.label}: no ${what} within ${timeout} ms; output:\n${this.tail(40)}`);
      await sleep(25);
    }
  }

  /** Element message `name` whose fields match `match` (values, RegExps or predicates). */
  waitMsg(name, match = null, opts = {}) {
    return this.waitEvent((e) => e.ev === 'msg' && e.name === name && fieldsMatch(e.fields, match),
      { what: `message ${name} ${match ? JSON.stringify(match, (k, v) => (v instanceof RegExp ? String(v) : v)) : ''}`, ...opts });
  }

  /** All messages `name` (seq > since) whose fields match. */
  msgs(name, match = null, since = 0) {
    return this.events.filter((e) => e.seq > since && e.ev === 'msg' && (!name || e.name === name) && fieldsMatch(e.fields, match));
  }

  waitOpen(timeout = 10000) {
    return this.waitEvent((e) => (e.ev === 'msg' && e.name === 'peerjs-open') || e.ev === 'error',
      { timeout, what: 'peerjs-open' }).then((e) => {
      if (e.ev !== 'msg') throw new Error(`${this.label}: error before peerjs-open: ${e.message}\n${this.tail(40)}`);
      return e;
    });
  }

  /** SIGKILL and wait (bounded) for the exit. */
  async kill() {
    if (this.exit) return this.exit;
    try { this.child.kill('SIGKILL'); } catch { /* gone */ }
    return raceTimeout(this.exited, 5000, null);
  }

  /** Ask politely (SIGINT / "quit"), SIGKILL after `grace` ms. */
  async stop(grace = 5000) {
    if (this.exit) return this.exit;
    this._politeStop();
    const r = await raceTimeout(this.exited, grace, null);
    return r ?? this.kill();
  }

  _politeStop() { try { this.child.kill('SIGINT'); } catch { /* gone */ } }

  tail(n = 60) { return this.output.slice(-n).join('\n'); }

  /** The last `n` lines of the member's GStreamer log (see gstEnv). */
  debugTail(n = 80) {
    if (!this.debugFile) return null;
    try {
      return fs.readFileSync(this.debugFile, 'utf8').split('\n').slice(-n - 1).join('\n');
    } catch (e) {
      return `(no GStreamer log: ${e.message})`;
    }
  }
}

/**
 * lib/gst-member.py: a peerjsroom (or o.element peerjssink / peerjssrc) with
 * test sources and counted remote pads.
 */
export class GstMember extends GstProcess {
  constructor(o) {
    // o.script: a script that extends gst-member.py (tests/bench/luma.py);
    // o.python: another interpreter command (a network-namespace wrapper)
    const args = [o.script ?? GST_MEMBER_PY, '--server', o.server.url ?? o.server, '--peer-id', o.peerId];
    if (o.peers) args.push('--peers', Array.isArray(o.peers) ? o.peers.join(',') : o.peers);
    if (o.callPolicy) args.push('--call-policy', o.callPolicy);
    if (o.latency != null) args.push('--latency', String(o.latency));
    if (o.videoCodec) args.push('--video-codec', o.videoCodec);
    if (o.freq) args.push('--freq', String(o.freq));
    if (o.statsMs) args.push('--stats-ms', String(o.statsMs));
    if (o.noLink) args.push('--no-link');
    if (o.pattern) args.push('--pattern', o.pattern);
    if (o.width) args.push('--width', String(o.width));              // test video size and rate
    if (o.height) args.push('--height', String(o.height));
    if (o.fps) args.push('--fps', String(o.fps));
    if (o.noVideo) args.push('--no-video');                          // send no video (audio only)
    if (o.volume != null) args.push('--volume', String(o.volume));
    if (o.element) args.push('--element', o.element);                 // peerjssink | peerjssrc
    if (o.foregroundColor) args.push('--foreground-color', o.foregroundColor);   // solid colour, 0xAARRGGBB
    if (o.measureColor) args.push('--measure-color');                // stats: pads' mean "rgb"
    if (o.grabTable) args.push('--grab-table');                      // table_video/table_audio, grabTable()
    if (o.waitGo) args.push('--wait-go');                            // READY until go() (benchmarks)
    if (o.prewarmDtls) args.push('--prewarm-dtls');                  // DTLS certificate made before READY
    for (const [k, v] of Object.entries(o.set ?? {})) args.push('--set', `${k}=${v}`);
    if (o.extraArgs) args.push(...o.extraArgs);                       // options of o.script
    super(o.label ?? `gst-member ${o.peerId}`, o.python ?? PYTHON, args, o);
    this.peerId = o.peerId;
    this.pads = {};             // latest stats per pad
  }

  _line(stream, line) {
    if (stream === 'stdout' && line.startsWith('{')) {
      let e;
      try { e = JSON.parse(line); } catch { e = null; }
      if (e) {
        if (e.ev === 'stats') {
          this.pads = e.pads;
          this.statsAt = e.t;
          this._push(e);
          if (this.verbose && process.env.INTEROP_VERBOSE === '2') this._note(line);
          return;
        }
        // peerjs-data values can be 80 kB of hex: keep the diagnostics short
        this._note(line.length > 2000 ? `${line.slice(0, 2000)}… (${line.length} chars)` : line);
        this._push(e);
        return;
      }
    }
    this._note(`${stream}: ${line}`);
  }

  // --- the room's data API (JSON commands on stdin, see gst-member.py) ---

  /** Run a JSON command; resolves with its result event ({ok, value, error}). */
  async command(cmd, { timeout = 5000 } = {}) {
    this.cmdId = (this.cmdId ?? 0) + 1;
    const id = this.cmdId;
    const since = this.seq;
    this.child.stdin.write(JSON.stringify({ ...cmd, id }) + '\n');
    return this.waitEvent((e) => e.ev === 'result' && e.id === id,
      { since, timeout, what: `result of ${cmd.cmd} #${id}` });
  }

  /** As command(), but throws unless the command ran (ok: true); returns its value. */
  async call(cmd, opts) {
    const r = await this.command(cmd, opts);
    if (!r.ok) throw new Error(`${this.label}: ${cmd.cmd} failed: ${r.error}`);
    return r.value;
  }

  /** send-json signal: target = member ID, dc_… connection ID, '' or '*'; returns its boolean. */
  sendJson(target, json) { return this.call({ cmd: 'send-json', target, json }); }

  /** send-data with bytes (Uint8Array/Buffer or a hex string) as GVariant `ay`. */
  sendBytes(target, bytes) {
    const hex = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('hex');
    return this.call({ cmd: 'send-data', target, hex });
  }

  /** send-data with a value built as a GVariant (objects a{sv}, arrays av, {$hex} ay, ints x, floats d). */
  sendValue(target, value) { return this.call({ cmd: 'send-data', target, value }); }

  /** connect-data: returns the connection ID (or null). */
  connectData(peer, { label = null, serialization = null, reliable = true } = {}) {
    return this.call({ cmd: 'connect-data', peer, label, serialization, reliable });
  }

  closeData(connection) { return this.call({ cmd: 'close-data', connection }); }

  /** Set a room property while running (e.g. video-enabled); returns the value read back. */
  setProp(prop, value) { return this.call({ cmd: 'set', prop, value }); }

  getProp(prop) { return this.call({ cmd: 'get', prop }); }

  /** (--grab-table) The latest table frame analysed per tile of the last layout message (see gst-member.py). */
  grabTable(timeout = 2000) { return this.call({ cmd: 'grab-table', timeout }, { timeout: timeout + 5000 }); }

  /** (--wait-go) Take the pipeline to PLAYING now. */
  go() { this.child.stdin.write('go\n'); }

  _politeStop() { try { this.child.stdin.write('quit\n'); } catch { /* gone */ } }

  /**
   * How often the pipeline dropped out of PLAYING once it got there (a
   * child's async state change makes the whole pipeline lose its state),
   * and for how long in total: {count, ms}.
   */
  stateBlips() {
    let playing = false, since = null, count = 0, total = 0;
    for (const e of this.events) {
      if (e.ev !== 'state') continue;
      if (e.state === 'PLAYING') {
        if (since !== null) { total += e.t - since; since = null; }
        playing = true;
      } else if (playing && since === null && e.state === 'PAUSED') {
        count++;
        since = e.t;
      }
    }
    return { count, ms: Math.round(total) };
  }

  /** Fresh stats (asks the helper for them), {padName: {buffers, first_at, ...}}. */
  async stats(timeout = 3000) {
    const since = this.seq;
    try { this.child.stdin.write('stats\n'); } catch { /* gone */ }
    const e = await this.waitEvent((x) => x.ev === 'stats', { since, timeout, what: 'stats' });
    return e.pads;
  }

  /**
   * Wait until each pad of `pads` counted >= `buffers` buffers (and, for
   * audio pads with `loud` > 0, that many level intervals above -50 dB RMS).
   */
  async waitPads(pads, { buffers = 10, loud = 0, timeout = 20000 } = {}) {
    const end = Date.now() + timeout;
    const ok = (name, st) => st && st.buffers >= buffers && (!name.startsWith('audio_') || (st.loud ?? 0) >= loud);
    for (;;) {
      const cur = this.pads;
      const lag = pads.filter((p) => !ok(p, cur[p]));
      if (lag.length === 0) return cur;
      if (this.exit) throw new Error(`${this.label} exited (${JSON.stringify(this.exit)}) while waiting for pads; output:\n${this.tail(40)}`);
      if (Date.now() > end)
        throw new Error(`${this.label}: pads ${lag.join(', ')} did not deliver ${buffers} buffers` +
          (loud ? ` (audio: ${loud} loud intervals)` : '') + ` within ${timeout} ms: ` +
          JSON.stringify(Object.fromEntries(lag.map((p) => [p, cur[p] ?? 'no such pad']))) +
          `; pads seen: [${Object.keys(cur).join(', ')}]`);
      await sleep(100);
    }
  }
}

/** Start a gst-member and wait for its peerjs-open (unless wait=false). */
export async function startGstMember(o) {
  const m = new GstMember(o);
  if (o.wait !== false) {
    try {
      await m.waitOpen(o.openTimeout ?? 10000);
    } catch (e) {
      await m.kill();
      throw e;
    }
  }
  return m;
}

// `Got message #12 from element "r" (element): peerjs-open, peer-id=(string)gst1, reconnect=(boolean)false;`
const LAUNCH_MSG_RE = /^Got message #\d+ from element "([^"]*)" \(element\): ([\w-]+)(?:, (.*?))?;?$/;
const FIELD_RE = /([\w-]+)=\(([\w]+)\)("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g;

function parseLaunchFields(s) {
  const fields = {};
  if (!s) return fields;
  for (const m of s.matchAll(FIELD_RE)) {
    let v = m[3];
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    if (m[2] === 'boolean') v = v === 'true';
    else if (/^(u?int|gint|guint|int64|uint64)$/.test(m[2])) v = Number(v);
    fields[m[1]] = v;
  }
  return fields;
}

/**
 * gst-launch-1.0 -m with the plugin; element messages become {ev:'msg', name,
 * fields}, `ERROR: from element` lines {ev:'error'}, and with flags ['-v'] the
 * buffers of `fakesink silent=false` are counted in .buffers[name].
 */
// with -v, `fakesink name=X silent=false` prints one of these per buffer:
// `/GstPipeline:pipeline0/GstFakeSink:X: last-message = chain   ******* (X:sink) (…)`
const LAUNCH_CHAIN_RE = /^\/GstPipeline:[^:]+\/GstFakeSink:([^:]+): last-message = chain /;

export class GstLaunch extends GstProcess {
  /** o.flags: more gst-launch options (e.g. ['-v'] to count buffers of silent=false fakesinks). */
  constructor(description, o = {}) {
    const args = ['-m', ...(o.flags ?? []), ...(Array.isArray(description) ? description : splitLaunch(description))];
    super(o.label ?? 'gst-launch', 'gst-launch-1.0', args, o);
    this.buffers = {};          // fakesink name -> {n, first_at, last_at}
  }

  _line(stream, line) {
    const c = LAUNCH_CHAIN_RE.exec(line);
    if (c) {                    // counted, not logged (dozens a second)
      const b = this.buffers[c[1]] ??= { n: 0, first_at: Date.now(), last_at: null };
      b.n++;
      b.last_at = Date.now();
      return;
    }
    if (/: last-message = |^Got message #\d+ from \S+ "[^"]*" \(property-notify\)/.test(line)) return;
    // -v and -m print every caps and state change of every element: keep the
    // diagnostics to what matters (ICE/connection states, errors, our messages)
    if (/^\/GstPipeline:/.test(line) && !/(ice-connection-state|connection-state|ice-gathering-state) = /.test(line)) return;
    if (/^$|^[A-Za-z0-9+/=]{40,}$|CERTIFICATE-----/.test(line)) return;   // continuation of a certificate property
    if (/^Got message #\d+ from \S+ "[^"]*" \((state-changed|stream-status|latency|qos|tag|stream-start|new-clock|async-done)\)/.test(line)) return;
    this._note(`${stream}: ${line}`);
    const m = LAUNCH_MSG_RE.exec(line);
    if (m && m[2].startsWith('peerjs')) {
      this._push({ ev: 'msg', src: m[1], name: m[2], fields: parseLaunchFields(m[3]), raw: line });
    } else if (/^ERROR: from element/.test(line)) {
      this._push({ ev: 'error', message: line });
    }
  }
}

/** Split a gst-launch description into argv (double quotes group, as a shell would). */
export function splitLaunch(s) {
  const out = [];
  let cur = '';
  let q = false;
  let any = false;
  for (const ch of s) {
    if (ch === '"') { q = !q; any = true; continue; }
    if (!q && /\s/.test(ch)) {
      if (any) out.push(cur);
      cur = '';
      any = false;
      continue;
    }
    cur += ch;
    any = true;
  }
  if (any) out.push(cur);
  return out;
}

export function startGstLaunch(description, o = {}) {
  return new GstLaunch(description, o);
}
