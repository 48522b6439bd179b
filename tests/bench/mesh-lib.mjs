// Shared plumbing of tests/bench/mesh-setup.mjs and tests/bench/growth.mjs:
// one mesh of gst members (tests/interop/lib/gst-member.py) and/or
// headless-Chromium PeerJS pages (tests/interop/lib/page, real peerjs 1.5.5),
// all warm and idle, told to join at one instant t0; then the time from t0
// to the first decoded video frame of every direction of every pair.
//
// Build dir: env PEERJS_BUILD_DIR (default <repo>/build);
// the plugin, gst-peerjs-server and a private registry are taken from it the
// way tests/interop/meson.build sets them up for the room tests.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(BENCH_DIR, '..', '..');

/** Point the interop libs at the build dir; call before starting anything. */
export function benchEnv() {
  const build = path.resolve(process.env.PEERJS_BUILD_DIR || path.join(REPO, 'build'));
  const plugin = path.join(build, 'ext', 'peerjs');
  const server = path.join(build, 'tools', 'gst-peerjs-server');
  for (const f of [plugin, server])
    if (!fs.existsSync(f)) throw new Error(`${f} missing: build first (meson setup ${build} && ninja -C ${build}) or set PEERJS_BUILD_DIR`);
  process.env.GST_PEERJS_PLUGIN_DIR = plugin;
  process.env.GST_PEERJS_SERVER_BIN = server;
  if (!process.env.GST_PLUGIN_SYSTEM_PATH_1_0) {
    let sys = '/usr/lib/x86_64-linux-gnu/gstreamer-1.0';
    try { sys = execFileSync('pkg-config', ['--variable=pluginsdir', 'gstreamer-1.0'], { encoding: 'utf8' }).trim() || sys; } catch { /* default */ }
    process.env.GST_PLUGIN_SYSTEM_PATH_1_0 = sys;
  }
  // a registry of our own: a shared one is rewritten whenever another build's
  // plugin path is used, which would cost seconds inside a measurement
  process.env.GST_REGISTRY ||= `/tmp/peerjs-bench-${path.basename(build)}-registry.bin`;
  return { build, plugin, server };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Nearest-rank percentile (p in 0..100) of numbers; NaN when empty.
 *  Infinity (a run or direction that never completed) counts, as the slowest. */
export function pct(values, p) {
  const v = values.filter((x) => typeof x === 'number' && !Number.isNaN(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
}
export const median = (v) => pct(v, 50);
export const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : x === Infinity ? 'never' : 'n/a');

/** Append one figure to $BENCH_RESULTS (JSON lines) and return it. */
export function emit(fig) {
  if (process.env.BENCH_RESULTS) fs.appendFileSync(process.env.BENCH_RESULTS, JSON.stringify(fig) + '\n');
  return fig;
}

/** Plain text table: rows of arrays, first row the header. */
export function table(rows) {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  return rows.map((r, j) => {
    const line = r.map((c, i) => (i === 0 ? String(c ?? '').padEnd(w[i]) : String(c ?? '').padStart(w[i]))).join('  ');
    return j === 0 ? `${line}\n${w.map((n) => '-'.repeat(n)).join('  ')}` : line;
  }).join('\n');
}

/** /proc/<pid>: CPU seconds (utime + stime) and peak RSS (VmHWM, MB). */
const CLK_TCK = (() => { try { return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100; } catch { return 100; } })();
export function procCpu(pid) {
  const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');   // fields from 3 (state) on
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;          // utime (14), stime (15)
}
export function procHwmMB(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

// --- members ----------------------------------------------------------------

/** A browser member's join, run in its page at t0: new Peer(id); on open, H.joinRoom. */
function pageJoin([id, peers]) {
  const H = window.H;
  const now = () => performance.timeOrigin + performance.now();
  const b = H.bench = { join: now(), open: null, calls: {}, ice: {} };
  const hook = (key, remote, role) => {
    const c = H.conns[key];
    const rec = b.calls[remote] = { key, role, t: now(), ice: {} };
    c.on('iceStateChanged', (s) => { rec.ice[s] ??= now(); });
  };
  H.newPeer(id, id);
  const p = H.peers[id];
  p.on('call', (mc) => hook(`${id}:${mc.connectionId}`, mc.peer, 'answerer'));
  p.on('open', () => {
    b.open = now();
    for (const c of H.joinRoom(id, { peers, policy: 'lower-id-calls' })) hook(c.key, c.id, 'caller');
  });
}

/** What a page saw: first frame per remote (epoch ms) plus the breakdown. */
async function pageSnapshot(page, id) {
  return page.eval(async (name) => {
    const H = window.H;
    const st = H.rooms[name] ? await H.roomState(name) : null;
    const first = {};
    if (st) for (const [r, s] of Object.entries(st.remotes)) first[r] = s.firstFrameAt ?? null;
    return { first, bench: H.bench ?? null };
  }, id);
}

/**
 * Prepare members (warm, idle), start them all at t0, wait for every
 * direction's first decoded video frame (bounded), return the timings.
 *
 *   spec: [{id, kind: 'gst'|'browser'}], ids in the order of the call rule
 *   ctx:  {server, harness (for browsers), gst: {width, height, fps, set, latency}, timeout}
 *
 * Returns {t0, first: {a: {b: ms}}, pairs: [{a, b, ab, ba, pair}], total,
 *          members: {id: member}, breakdown, error}
 * where first[a][b] = ms from t0 to a's first decoded frame from b.
 */
export async function runMesh(spec, ctx) {
  const { GstMember } = await import('../interop/lib/gst-member.mjs');
  const ids = spec.map((m) => m.id);
  const others = (id) => ids.filter((x) => x !== id);
  const members = {};
  const timeout = ctx.timeout ?? 20000;
  const g = ctx.gst ?? {};
  try {
    // 1. warm and idle: gst processes built and in READY, pages loaded with
    //    their camera open; nothing registered with the server yet
    const prep = spec.map(async (m) => {
      if (m.kind === 'gst') {
        const set = { 'max-peers': Math.max(4, ids.length), ...(g.set ?? {}) };
        const gm = new GstMember({ server: ctx.server, peerId: m.id, peers: others(m.id), waitGo: true,
          width: g.width ?? 640, height: g.height ?? 360, fps: g.fps ?? 30, latency: g.latency, set,
          statsMs: 1000, label: `gst ${m.id}`, prewarmDtls: !!g.prewarmDtls });
        members[m.id] = { ...m, gm };
        await gm.waitEvent((e) => e.ev === 'state' && e.state === 'READY', { timeout: 30000, what: 'READY' });
      } else {
        const page = await ctx.harness.newPage(m.id, ctx.server);
        members[m.id] = { ...m, page };
        await page.eval(async ([w, h, fps]) => {
          window.H.localStream = await navigator.mediaDevices.getUserMedia({
            audio: true, video: { width: w, height: h, frameRate: fps } });
        }, [ctx.browserVideo?.width ?? 640, ctx.browserVideo?.height ?? 360, ctx.browserVideo?.fps ?? 30]);
      }
    });
    await Promise.all(prep);
    await sleep(ctx.settleMs ?? 300);

    // 2. t0: everyone told to join at once
    const t0 = Date.now();
    await Promise.all(spec.map((m) => (m.kind === 'gst' ? members[m.id].gm.go()
      : members[m.id].page.eval(pageJoin, [m.id, others(m.id)]))));
    const tSent = Date.now();

    // 3. first decoded frame of every direction
    const first = Object.fromEntries(ids.map((a) => [a, {}]));
    const end = t0 + timeout;
    const missing = () => ids.flatMap((a) => others(a).filter((b) => first[a][b] == null).map((b) => `${a}<-${b}`));
    const snaps = {};
    for (;;) {
      for (const m of spec) {
        const a = m.id;
        if (m.kind === 'gst') {
          const gm = members[a].gm;
          if (gm.exit) throw new Error(`${gm.label} exited: ${gm.tail(30)}`);
          for (const e of gm.eventsOf('first-buffer')) {
            const b = e.pad.startsWith('video_') && others(a).find((x) => `video_${x.replace(/[^A-Za-z0-9_-]/g, '_')}` === e.pad);
            if (b && first[a][b] == null) first[a][b] = e.t - t0;
          }
        } else if (others(a).some((b) => first[a][b] == null)) {
          const s = snaps[a] = await pageSnapshot(members[a].page, a);
          for (const [b, t] of Object.entries(s.first)) if (t != null && first[a][b] == null) first[a][b] = t - t0;
        }
      }
      if (!missing().length || Date.now() > end) break;
      await sleep(50);
    }
    const miss = missing();
    for (const m of spec) if (m.kind === 'browser') snaps[m.id] = await pageSnapshot(members[m.id].page, m.id);

    const pairs = [];
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) {
      const a = ids[i], b = ids[j];
      const ab = first[a][b] ?? Infinity, ba = first[b][a] ?? Infinity;   // ab: a receives b; never within the timeout
      pairs.push({ a, b, kinds: `${members[a].kind}-${members[b].kind}`, ab, ba, pair: Math.max(ab, ba) });
    }
    const total = Math.max(...pairs.map((p) => p.pair));
    return { t0, sendMs: tSent - t0, first, pairs, total, members, missing: miss,
      breakdown: breakdown(spec, members, snaps, t0) };
  } catch (e) {
    return { error: e, members, pairs: [], total: Infinity, missing: ['all'] };
  }
}

/** Per member: registered (open) and per remote: call placed/received, connected, first frame (ms from t0). */
function breakdown(spec, members, snaps, t0) {
  const out = {};
  const rel = (t) => (t == null ? null : Math.round(t - t0));
  for (const m of spec) {
    const o = out[m.id] = { kind: m.kind, remotes: {} };
    if (m.kind === 'gst') {
      const gm = members[m.id].gm;
      o.go = rel(gm.eventsOf('go')[0]?.t);
      o.open = rel(gm.msgs('peerjs-open')[0]?.t);
      o.playing = rel(gm.events.find((e) => e.ev === 'state' && e.state === 'PLAYING')?.t);
      for (const e of gm.msgs('peerjs-connection-state', { kind: 'media' })) {
        const r = o.remotes[e.fields['peer-id']] ??= {};
        r[e.fields.state] ??= rel(e.t);
      }
      for (const e of gm.eventsOf('first-buffer')) {
        const id = e.pad.replace(/^(video|audio)_/, '');
        const r = o.remotes[id] ??= {};
        r[e.pad.startsWith('video_') ? 'video' : 'audio'] ??= rel(e.t);
      }
    } else {
      const b = snaps[m.id]?.bench;
      if (!b) continue;
      o.go = rel(b.join);
      o.open = rel(b.open);
      for (const [r, c] of Object.entries(b.calls)) {
        o.remotes[r] = { role: c.role, [c.role === 'caller' ? 'calling' : 'offer']: rel(c.t) };
        for (const [s, t] of Object.entries(c.ice)) o.remotes[r][`ice-${s}`] = rel(t);
      }
      for (const [r, t] of Object.entries(snaps[m.id].first)) (o.remotes[r] ??= {}).video = rel(t);
    }
  }
  return out;
}

/** Stop every member of a runMesh result (bounded), close the pages. */
export async function stopMesh(res) {
  await Promise.all(Object.values(res.members ?? {}).map(async (m) => {
    if (m.gm) await m.gm.stop(3000);
    if (m.page) {
      await m.page.eval(() => { for (const n of Object.keys(window.H.peers)) try { window.H.peers[n].destroy(); } catch { /* gone */ } }).catch(() => {});
      await m.page.closePage();
      m.page.h.pages = m.page.h.pages.filter((p) => p !== m.page);
    }
  }));
}
