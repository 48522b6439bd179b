// The phases of weakest-link.sh (run by it: it builds the namespaces and
// the server and passes them in the environment).
//
//   A (WEAK_NS_A): peerjsroom sending WEAK_SIZE@30 VP8 (videotestsrc
//       smpte with a moving pattern, so the encoder has work at any
//       bitrate) + Opus to B and C, video-bitrate 2000 (the default)
//   B, C: receive A's video, send Opus only; B's link is the one capped
//
// Phases (WEAK_PHASE_S seconds each; figures over the phase's second half,
// after the rate control has had time to move):
//   clean   nothing capped                         baseline: A's rate, fps at B and C
//   fixed   B's port capped (tbf WEAK_CAP), min-bitrate = max-bitrate =
//           2000: no adaptation                    what B gets without it
//   adapt   the same cap, default bounds           A's rate, B keeps decoding?
//           (min 150, max video-bitrate)           the cost to C
//   recover the cap lifted: seconds until A sends C 80 % of the clean
//           rate again (the estimate climbs 8 % a second)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;
// gst-member.mjs spawns INTEROP_PYTHON: this wrapper runs it in
// $NETEM_MEMBER_NS (read when each member is spawned)
env.INTEROP_PYTHON = path.join(here, '..', 'reliability', 'netns-python');
const { startGstMember } = await import('../interop/lib/gst-member.mjs');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const PHASE_MS = Number(env.WEAK_PHASE_S || 40) * 1000;
const CAP = env.WEAK_CAP || '600kbit';
const SIZE = (env.WEAK_SIZE || '640x360').split('x').map(Number);
const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s]`, ...a);
const results = [];

function record(id, label, value, unit, extra = {}) {
  const r = { bench: 'weakest-link', id, label, value, unit, ...extra };
  results.push(r);
  if (env.BENCH_RESULTS) fs.appendFileSync(env.BENCH_RESULTS, JSON.stringify(r) + '\n');
}

function tc(...args) {
  const cmd = ['-n', env.WEAK_HUB, 'qdisc', ...args];
  log('tc', cmd.join(' '));
  execFileSync('tc', cmd, { stdio: 'inherit' });
}

function startMember(ns, o) {
  env.NETEM_MEMBER_NS = ns;
  return startGstMember({ server: env.WEAK_SERVER, statsMs: 200, openTimeout: 20000, ...o });
}

let a = null;
let b = null;
let c = null;
const avg = (xs) => (xs.length ? xs.reduce((x, y) => x + y, 0) / xs.length : NaN);
const r0 = (x) => Math.round(x);
const r1 = (x) => Math.round(x * 10) / 10;

async function padStats(m) {
  return (await m.stats())['video_A'] ?? { buffers: 0, freezes: 0, freeze_ms: 0 };
}

// What happened over the second half of a phase that lasts PHASE_MS.
async function phase(name) {
  await sleep(PHASE_MS / 2);
  const since = { a: a.seq, b: b.seq, c: c.seq };
  const s0 = { b: await padStats(b), c: await padStats(c) };
  const start = Date.now();
  await sleep(PHASE_MS / 2);
  const s1 = { b: await padStats(b), c: await padStats(c) };
  const secs = (Date.now() - start) / 1000;
  const out = (peer) => avg(a.msgs('peerjs-stats', { 'peer-id': peer }, since.a)
    .map((e) => e.fields['video-bitrate-out-kbps']).filter((x) => x > 0));
  const inn = (m) => avg(m.msgs('peerjs-stats', { 'peer-id': 'A' }, since[m.peerId.toLowerCase()])
    .map((e) => e.fields['video-bitrate-in-kbps']));
  const r = {
    sendB: out('B'), sendC: out('C'),
    fpsB: (s1.b.buffers - s0.b.buffers) / secs, fpsC: (s1.c.buffers - s0.c.buffers) / secs,
    freezesB: (s1.b.freezes ?? 0) - (s0.b.freezes ?? 0),
    frozenB: ((s1.b.freeze_ms ?? 0) - (s0.b.freeze_ms ?? 0)) / 1000,
    inB: inn(b), inC: inn(c),
  };
  log(`${name}: A sends ${r0(r.sendB)} kbit/s to B, ${r0(r.sendC)} to C; B gets ${r0(r.inB)} kbit/s at ` +
    `${r1(r.fpsB)} fps (${r.freezesB} freezes, ${r1(r.frozenB)} s frozen of ${r0(secs)}); ` +
    `C gets ${r0(r.inC)} kbit/s at ${r1(r.fpsC)} fps`);
  return r;
}

async function main() {
  const set = { 'stats-interval': 1000 };
  b = await startMember(env.WEAK_NS_B, { peerId: 'B', peers: 'A', noVideo: true, label: 'B', set });
  c = await startMember(env.WEAK_NS_C, { peerId: 'C', peers: 'A', noVideo: true, label: 'C', set });
  a = await startMember(env.WEAK_NS_A, {
    peerId: 'A', peers: 'B,C', label: 'A', set,
    width: SIZE[0], height: SIZE[1], fps: 30, pattern: env.WEAK_PATTERN || 'smpte horizontal-speed=4',
  });
  log('all open; waiting for A\'s video at B and C');
  await Promise.all([b.waitPads(['video_A'], { buffers: 60, timeout: 60000 }),
    c.waitPads(['video_A'], { buffers: 60, timeout: 60000 })]);

  const clean = await phase('clean');
  // fixed first, so that the cap is lifted from the adapted state
  await a.setProp('min-bitrate', 2000);
  await a.setProp('max-bitrate', 2000);
  tc('add', 'dev', env.WEAK_PORT_B, 'root', 'tbf', 'rate', CAP, 'burst', '32kbit', 'latency', '400ms');
  const fixed = await phase(`fixed 2000 kbit/s (B capped at ${CAP})`);
  await a.setProp('min-bitrate', 150);
  await a.setProp('max-bitrate', 0);
  const adapt = await phase(`adapt (B capped at ${CAP})`);
  tc('del', 'dev', env.WEAK_PORT_B, 'root');
  // recovery: A's rate to C back at 80 % of the clean one
  const since = a.seq;
  const liftedAt = Date.now();
  let backS = null;
  while (Date.now() - liftedAt < 90000) {
    const last = a.msgs('peerjs-stats', { 'peer-id': 'C' }, since).slice(-2);
    if (last.length === 2 && last.every((e) => e.fields['video-bitrate-out-kbps'] >= 0.8 * clean.sendC)) {
      backS = (last[0].t - liftedAt) / 1000;
      break;
    }
    await sleep(500);
  }
  log(`recover: A sends C 80 % of the clean rate ${backS == null ? 'not within 90' : r1(backS)} s after the cap was lifted`);

  const cap = { target: null, met: null };
  record('weak-clean-send-kbps', 'A sends (no cap)', r0(clean.sendC), 'kbit/s');
  record('weak-clean-fps-b', 'B decodes (no cap)', r1(clean.fpsB), 'fps');
  record('weak-adapt-send-kbps', `A's encoder with B capped at ${CAP}`, r0(adapt.sendB), 'kbit/s', cap);
  record('weak-adapt-fps-b', `B decodes, capped, adapting`, r1(adapt.fpsB), 'fps',
    { peer: 'weak-fixed-fps-b', target: '> the fixed rate\'s', met: adapt.fpsB > fixed.fpsB });
  record('weak-adapt-frozen-b', `B frozen, capped, adapting (of ${PHASE_MS / 2000} s)`, r1(adapt.frozenB), 's');
  record('weak-fixed-fps-b', 'B decodes, capped, fixed 2000 kbit/s', r1(fixed.fpsB), 'fps');
  record('weak-fixed-frozen-b', `B frozen, capped, fixed (of ${PHASE_MS / 2000} s)`, r1(fixed.frozenB), 's');
  record('weak-adapt-cost-c-kbps', 'C receives while B is capped (cost of one encoder)', r0(adapt.inC), 'kbit/s',
    { peer: 'weak-clean-c-kbps' });
  record('weak-clean-c-kbps', 'C receives (no cap)', r0(clean.inC), 'kbit/s');
  record('weak-adapt-fps-c', 'C decodes while B is capped', r1(adapt.fpsC), 'fps');
  record('weak-recover-s', 'cap lifted -> C back at 80 % of the clean rate', backS == null ? -1 : r1(backS), 's');
}

let rc = 0;
try {
  await main();
} catch (e) {
  console.log(e.stack ?? String(e));
  rc = 1;
} finally {
  await Promise.all([a?.stop(), b?.stop(), c?.stop()].filter(Boolean));
}
console.log('\nweakest-link figures:');
for (const r of results) console.log(`  ${r.label.padEnd(58)} ${String(r.value).padStart(8)} ${r.unit}`);
process.exit(rc);
