#!/usr/bin/env node
// Issue 7, item 1: mesh set-up time. 4 members on loopback through
// gst-peerjs-server, from t0 to every one of the 6 pairs decoding video
// both ways; per pair and total, median and p95 over RUNS runs, for
//   gst     4 peerjsroom members (tests/interop/lib/gst-member.py), 640x360@30 VP8
//   browser 4 headless-Chromium pages with real peerjs 1.5.5 (the interop test page)
//   mixed   gst, browser, gst, browser (IDs in that order, so every kind of
//           call happens: gst->browser, browser->gst, gst->gst, browser->browser)
//   gst-warm (not run by default) as gst, but each process makes its DTLS
//           certificate before t0 (gst-member.py --prewarm-dtls): what
//           generating it ahead of the first call would save
//
// t0: every member is warm and idle (gst: process up, pipeline built and in
// READY; page: loaded, camera open, no Peer yet), then all are told to join
// at once: gst -> PLAYING (it registers, then calls by its rule); page ->
// `new Peer(id)`, on open H.joinRoom (the same lower-id-calls rule, the code
// of room-mesh.test.mjs). A direction's time is t0 -> its first decoded video
// frame (gst: first buffer on the room's video_<id> pad, after the decoder;
// page: first requestVideoFrameCallback of the remote <video>). Pair time =
// the slower direction, total = the slowest pair.
//
// Usage: node tests/bench/mesh-setup.mjs [--runs N] [--kinds gst,browser,mixed]
//   env RUNS, KINDS, WARMUP (runs not counted per kind, default 1),
//   PEERJS_BUILD_DIR (default <repo>/build), BENCH_RESULTS (JSON lines out),
//   BENCH_RAW (file: every run's timings and breakdown as JSON), BENCH_VERBOSE=1.

import fs from 'node:fs';
import { benchEnv, runMesh, stopMesh, pct, median, fmt, emit, table, sleep } from './mesh-lib.mjs';

const BENCH = 'mesh-setup';
const arg = (name) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : undefined; };
const RUNS = Number(arg('runs') ?? process.env.RUNS ?? 10);
const KINDS = String(arg('kinds') ?? process.env.KINDS ?? 'gst,browser,mixed').split(',').map((s) => s.trim()).filter(Boolean);
const WARMUP = Number(process.env.WARMUP ?? 1);
const MAX_WALL_MS = Number(process.env.MAX_WALL_S ?? 420) * 1000;
const TARGET_TOTAL_MS = 1000;
const verbose = !!process.env.BENCH_VERBOSE;

const LAYOUT = {
  gst: ['gst', 'gst', 'gst', 'gst'],
  browser: ['browser', 'browser', 'browser', 'browser'],
  mixed: ['gst', 'browser', 'gst', 'browser'],
  'gst-warm': ['gst', 'gst', 'gst', 'gst'],
};
for (const k of KINDS) if (!LAYOUT[k]) { console.error(`unknown kind ${k} (gst, browser, mixed)`); process.exit(2); }

const tStart = Date.now();
const watchdog = setTimeout(() => { console.error(`${BENCH}: wall-time limit ${MAX_WALL_MS / 1000} s reached, giving up`); process.exit(1); }, MAX_WALL_MS + 60000);
watchdog.unref();

const env = benchEnv();
const { startPeerServer } = await import('../interop/lib/servers.mjs');
const { Harness } = await import('../interop/lib/browser.mjs');

console.log(`# ${BENCH}: runs=${RUNS} (+${WARMUP} warm-up) kinds=${KINDS.join(',')} build=${env.build}`);
console.log(`# load at start: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
const server = await startPeerServer({ kind: 'gst' });
let harness = null;
if (KINDS.some((k) => LAYOUT[k].includes('browser'))) harness = await Harness.start();

const results = Object.fromEntries(KINDS.map((k) => [k, []]));   // kind -> [run result]
const raw = [];
let stopped = false;
try {
  // kinds interleaved run by run: on a shared machine the load changes by
  // the minute, and the kinds compared must see the same load
  for (let run = -WARMUP; run < RUNS && !stopped; run++) {
    for (const kind of KINDS) {
      if (Date.now() - tStart > MAX_WALL_MS) { console.log(`# wall-time limit: stopping after ${run} runs`); stopped = true; break; }
      // fresh IDs every run: a member of the previous run the server still
      // lists must not be called; the letter keeps the call order fixed
      const tag = `${kind === 'gst-warm' ? 'w' : kind[0]}${String(run + WARMUP).padStart(2, '0')}`;
      const spec = LAYOUT[kind].map((k, i) => ({ id: `${tag}${'abcd'[i]}`, kind: k }));
      const res = await runMesh(spec, { server, harness, timeout: 20000, gst: { prewarmDtls: kind === 'gst-warm' } });
      await stopMesh(res);
      const label = run < 0 ? 'warm-up' : `run ${run + 1}`;
      if (res.error) console.log(`# ${kind} ${label}: ERROR ${res.error.message.split('\n')[0]}`);
      else console.log(`# ${kind} ${label}: total ${fmt(res.total)} ms; pairs ` +
        res.pairs.map((p) => `${p.a.slice(-1)}${p.b.slice(-1)} ${fmt(p.pair)}`).join(' ') +
        (res.missing.length ? `; MISSING ${res.missing.join(' ')}` : '') + `; load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
      if (verbose) console.log(JSON.stringify(res.breakdown));
      raw.push({ kind, run, t0: res.t0, total: res.total, pairs: res.pairs, missing: res.missing, breakdown: res.breakdown, error: res.error?.message });
      if (run >= 0) results[kind].push(res);
      await sleep(300);
    }
  }
} finally {
  if (harness) await harness.close();
  await server.stop();
}
if (process.env.BENCH_RAW) fs.writeFileSync(process.env.BENCH_RAW, JSON.stringify(raw, null, 1));

// --- report ------------------------------------------------------------------

const PAIRS = ['ab', 'ac', 'ad', 'bc', 'bd', 'cd'];
const pairKey = (p) => p.a.slice(-1) + p.b.slice(-1);
const rows = [['kind', 'pair', 'kinds', 'median ms', 'p95 ms', 'n']];
const summary = {};
for (const kind of KINDS) {
  const rs = results[kind];
  const ok = rs.filter((r) => !r.error);
  for (const pk of PAIRS) {
    const v = ok.map((r) => r.pairs.find((p) => pairKey(p) === pk)?.pair);
    const kinds = ok[0]?.pairs.find((p) => pairKey(p) === pk)?.kinds ?? '';
    rows.push([kind, pk, kinds, fmt(median(v)), fmt(pct(v, 95)), v.length]);
  }
  const all = ok.flatMap((r) => r.pairs.map((p) => p.pair));
  const tot = rs.map((r) => r.total);
  const failed = rs.filter((r) => !Number.isFinite(r.total)).length;
  summary[kind] = { pair: all, total: tot, failed, n: rs.length };
  rows.push([kind, 'every pair', '', fmt(median(all)), fmt(pct(all, 95)), all.length]);
  rows.push([kind, 'TOTAL', '', fmt(median(tot)), fmt(pct(tot, 95)), `${tot.length}${failed ? ` (${failed} not complete in 20 s)` : ''}`]);
}
console.log(`\nMesh set-up time: t0 (all told to join) -> first decoded video frame, pair = slower direction, total = slowest pair`);
console.log(table(rows));

// pairs of one type across meshes: the per-call comparison
const byType = {};
for (const kind of KINDS) for (const r of results[kind].filter((x) => !x.error))
  for (const p of r.pairs) (byType[`${kind}:${p.kinds}`] ??= []).push(p.pair);
const trow = [['mesh:pair type', 'median ms', 'p95 ms', 'n']];
for (const [k, v] of Object.entries(byType)) trow.push([k, fmt(median(v)), fmt(pct(v, 95)), v.length]);
console.log('\nBy pair type (caller kind first: lower ID calls)');
console.log(table(trow));

// breakdown: medians over runs and pairs of each step, from t0 (ms)
const steps = {};
const addStep = (kind, name, v) => { if (Number.isFinite(v)) (steps[kind] ??= {})[name] = [...(steps[kind]?.[name] ?? []), v]; };
for (const kind of KINDS) for (const r of results[kind].filter((x) => !x.error)) {
  const b = r.breakdown;
  for (const [id, m] of Object.entries(b)) {
    addStep(kind, `${m.kind}: registered (open)`, m.open);
    for (const [rid, x] of Object.entries(m.remotes)) {
      const caller = id < rid;
      if (m.kind === 'gst') {
        addStep(kind, `gst: ${caller ? 'call placed (connecting, caller)' : 'offer taken (connecting, callee)'}`, x.connecting);
        addStep(kind, `gst: media connected (${caller ? 'caller' : 'callee'})`, x.connected);
        addStep(kind, `gst: first video buffer from ${b[rid]?.kind}`, x.video);
        addStep(kind, `gst: first audio buffer from ${b[rid]?.kind}`, x.audio);
      } else {
        addStep(kind, `browser: ${caller ? 'call placed (caller)' : 'offer taken (callee)'}`, caller ? x.calling : x.offer);
        addStep(kind, `browser: ICE connected (${caller ? 'caller' : 'callee'})`, x['ice-connected'] ?? x['ice-completed']);
        addStep(kind, `browser: first video frame from ${b[rid]?.kind}`, x.video);
      }
    }
  }
}
const brow = [['kind', 'step (ms after t0)', 'median', 'p95', 'n']];
for (const [kind, s] of Object.entries(steps))
  for (const [name, v] of Object.entries(s)) brow.push([kind, name, fmt(median(v)), fmt(pct(v, 95)), v.length]);
console.log('\nWhere the time goes (every member, every remote)');
console.log(table(brow));

// --- figures -----------------------------------------------------------------

const bbPair = summary.browser ? median(summary.browser.pair) : NaN;
const num = (x) => (Number.isFinite(x) ? Math.round(x) : null);   // JSON has no Infinity: a median that never came
for (const kind of KINDS) {
  const s = summary[kind];
  const tm = median(s.total), tp = pct(s.total, 95);
  const failed = s.failed ? `; ${s.failed} of ${s.n} runs did not complete in 20 s` : '';
  emit({ bench: BENCH, id: `${kind}-total-median`, label: `4-member ${kind} mesh: set-up total (last pair decoding both ways), median${failed}`,
    value: num(tm), unit: 'ms', n: s.n, target: '< 1000 ms', met: Number.isNaN(tm) ? null : tm < TARGET_TOTAL_MS,
    ...(kind !== 'browser' && summary.browser ? { peer: 'browser-total-median' } : {}) });
  emit({ bench: BENCH, id: `${kind}-total-p95`, label: `4-member ${kind} mesh: set-up total, p95`, value: num(tp), unit: 'ms', n: s.n,
    target: '< 1000 ms', met: Number.isNaN(tp) ? null : tp < TARGET_TOTAL_MS });
  const pm = median(s.pair), pp = pct(s.pair, 95);
  const vsBrowser = kind !== 'browser' && Number.isFinite(bbPair);
  emit({ bench: BENCH, id: `${kind}-pair-median`, label: `4-member ${kind} mesh: per pair (both ways decoding), median over pairs and runs`,
    value: num(pm), unit: 'ms', n: s.pair.length,
    ...(vsBrowser ? { peer: 'browser-pair-median', target: '<= browser<->browser', met: pm <= bbPair } : {}) });
  emit({ bench: BENCH, id: `${kind}-pair-p95`, label: `4-member ${kind} mesh: per pair, p95`, value: num(pp), unit: 'ms', n: s.pair.length });
}
for (const [k, v] of Object.entries(byType))
  emit({ bench: BENCH, id: `pairtype-${k.replace(':', '-')}-median`, label: `pair ${k.split(':')[1]} in the ${k.split(':')[0]} mesh, median`, value: num(median(v)), unit: 'ms', n: v.length });

console.log('\nTargets');
for (const kind of KINDS) {
  const tm = median(summary[kind].total);
  console.log(`  ${kind}: total median ${fmt(tm)} ms ${tm < TARGET_TOTAL_MS ? 'meets' : `misses by ${fmt(tm - TARGET_TOTAL_MS)} ms`} the < 1000 ms target` +
    (kind !== 'browser' && Number.isFinite(bbPair) ? `; pair median ${fmt(median(summary[kind].pair))} vs browser<->browser ${fmt(bbPair)} ms` +
      ` (${median(summary[kind].pair) <= bbPair ? 'no slower' : `slower by ${fmt(median(summary[kind].pair) - bbPair)} ms`})` : ''));
}
console.log(`# wall time ${((Date.now() - tStart) / 1000).toFixed(0)} s; load at end: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}${stopped ? ' (stopped early)' : ''}`);
process.exit(0);
