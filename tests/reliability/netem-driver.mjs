// The phases of slow-netem.sh (run by it: it builds the namespaces, the
// link of member A and the server, and passes them in the environment).
//
//   A (ns NETEM_NS_A): peerjsroom sending 320x240@30 VP8 (NETEM_SIZE;
//       videotestsrc pattern=smpte horizontal-speed=4, which VP8 codes at
//       ~1.2 Mbit/s of the room's 2 Mbit/s: more than the 1 Mbit/s cap)
//       + Opus
//   B (ns NETEM_NS_B): peerjsroom sending Opus only, receiving A's video;
//       B's video_A pad is where everything is measured (gst-member.py
//       counts buffers, gaps and freezes per pad).
//
// A freeze: a gap between two decoded buffers on B's video_A pad longer
// than 100 ms (3 frame intervals at 30 fps); its duration is the whole gap.
//
// Phases (NETEM_PHASES, default all, in this order):
//   clean  60 s, nothing on the link                  -> fps, freezes (baseline)
//   loss   60 s, A's egress: 5 % loss, 50 ms ± 10 ms  -> fps, freezes, freeze time
//   cap    40 s, tbf 1 Mbit/s on A's interface        -> fps, A's send rate,
//                                                        the call stays up
//   cut    A's link drops everything (both ways) for 30 s, then restored:
//          the call fails (liveness timeout), is called again, media flows
//          -> seconds from cut to "failed", from restore to media again
// Each figure goes through checkFigure() (docs/reliability.md); the driver
// runs every phase, then exits 1 if a figure was past its limit.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;
// gst-member.mjs spawns INTEROP_PYTHON: this wrapper runs it in
// $NETEM_MEMBER_NS (read when each member is spawned)
env.INTEROP_PYTHON = path.join(here, 'netns-python');
const { startGstMember } = await import('../interop/lib/gst-member.mjs');
const { checkFigure } = await import('../interop/lib/reliability.mjs');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const phases = (env.NETEM_PHASES || 'clean,loss,cap,cut').split(',');
// NETEM_QUICK=1 (trying the set-up only): windows of 10 s; the figures
// then are not the documented ones. NETEM_LATENCY: the rooms' latency
// (jitterbuffer, ms) instead of their default.
const windowMs = (ms) => (env.NETEM_QUICK === '1' ? Math.min(ms, 10000) : ms);
const failures = [];
const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s]`, ...a);

function figure(id, value, unit) {
  try {
    checkFigure(id, value, unit);
  } catch (e) {
    failures.push(e.message);
  }
}

function setLink(conf) {
  fs.writeFileSync(env.NETEM_LINK_A, JSON.stringify(conf));
  log('link A:', JSON.stringify(conf));
}

function tc(...args) {
  const cmd = ['-n', env.NETEM_NS_A, 'qdisc', ...args];
  log('tc', cmd.join(' '));
  execFileSync('tc', cmd, { stdio: 'inherit' });
}

function startMember(ns, o) {
  env.NETEM_MEMBER_NS = ns;
  return startGstMember({ server: env.NETEM_SERVER, statsMs: 200, openTimeout: 20000, ...o });
}

const VIDEO = 'video_A';
// 320x240 by default: 640x360@30 VP8 does not encode in real time on a
// loaded 2-core machine (see docs/reliability.md, section 3)
const SIZE = (env.NETEM_SIZE || '320x240').split('x').map(Number);
let a = null;
let b = null;

// B's stats of A's video now
async function videoStats() {
  const pads = await b.stats();
  return pads[VIDEO] ?? { buffers: 0, freezes: 0, freeze_ms: 0 };
}

// What B received of A's video over `ms`; `connLog` collects the
// connection states B reported meanwhile.
async function measure(name, ms) {
  const since = b.seq;
  const sinceA = a.seq;
  const s0 = await videoStats();
  const start = Date.now();
  let last = s0;
  while (Date.now() - start < ms) {
    await sleep(Math.min(10000, ms - (Date.now() - start)));
    const s = await videoStats();
    log(`${name}: ${s.buffers - last.buffers} frames in the last period, freezes ${(s.freezes ?? 0) - (s0.freezes ?? 0)}`);
    last = s;
  }
  const secs = (Date.now() - start) / 1000;
  const r = {
    fps: Math.round(((last.buffers - s0.buffers) / secs) * 10) / 10,
    freezes: (last.freezes ?? 0) - (s0.freezes ?? 0),
    freezeMs: Math.round((last.freeze_ms ?? 0) - (s0.freeze_ms ?? 0)),
    maxGapMs: Math.round(last.max_gap_ms ?? 0),
    states: b.msgs('peerjs-connection-state', { 'peer-id': 'A' }, since).map((e) => e.fields.state),
    stats: b.msgs('peerjs-stats', null, since).map((e) => e.fields),
    statsA: a.msgs('peerjs-stats', null, sinceA).map((e) => ({ ...e.fields, t: e.t })),
  };
  const avg = (xs) => (xs.length ? Math.round(xs.reduce((x, y) => x + y, 0) / xs.length) : -1);
  const kin = avg(r.stats.map((f) => f['video-bitrate-in-kbps']).filter((x) => x > 0));
  const kout = avg(r.statsA.map((f) => f['video-bitrate-out-kbps']).filter((x) => x > 0));
  const rtt = r.statsA.map((f) => Math.round(f['rtt-ms'])).filter((x) => x > 0);
  const lost = r.stats.map((f) => f['fraction-lost']).filter((x) => x >= 0);
  log(`${name}: ${r.fps} fps, ${r.freezes} freezes, ${r.freezeMs} ms frozen, ` +
    `A sends ${kout} kbit/s video, B receives ${kin} kbit/s, RTT (A) ${JSON.stringify(rtt.slice(-8))} ms, ` +
    `fraction lost (B) avg ${lost.length ? (lost.reduce((x, y) => x + y, 0) / lost.length).toFixed(3) : '?'}, ` +
    `connection states at B: ${JSON.stringify(r.states)}`);
  r.kin = kin;
  r.kout = kout;
  r.rtt = rtt;
  return r;
}

async function main() {
  const statsSet = { 'stats-interval': 1000 };
  if (env.NETEM_LATENCY) statsSet.latency = env.NETEM_LATENCY;   // trying other jitterbuffer latencies
  b = await startMember(env.NETEM_NS_B, { peerId: 'B', peers: 'A', noVideo: true, label: 'B', set: statsSet });
  a = await startMember(env.NETEM_NS_A, {
    peerId: 'A', peers: 'B', label: 'A', set: statsSet,
    width: SIZE[0], height: SIZE[1], fps: 30, pattern: env.NETEM_PATTERN || 'smpte horizontal-speed=4',
  });
  log('both open; waiting for A\'s video at B');
  await b.waitPads([VIDEO], { buffers: 60, timeout: 60000 });
  await sleep(3000);

  if (phases.includes('clean')) {
    setLink({});
    const r = await measure('clean', windowMs(60000));
    figure('netem-clean-fps', r.fps, 'fps');
    figure('netem-clean-freezes', r.freezes, '');
  }

  if (phases.includes('loss')) {
    setLink({ out: { loss: 5, delay: 50, jitter: 10 } });
    await sleep(1000);
    const r = await measure('loss', windowMs(60000));
    setLink({});
    figure('netem-loss-fps', r.fps, 'fps');
    figure('netem-loss-freezes', r.freezes, '');
    figure('netem-loss-freeze-ms', r.freezeMs, 'ms');
    figure('netem-loss-failed', r.states.filter((s) => s === 'failed' || s === 'disconnected').length, '');
    await sleep(5000);
  }

  if (phases.includes('cap')) {
    tc('add', 'dev', 'tap0', 'root', 'tbf', 'rate', '1mbit', 'burst', '32kbit', 'latency', '400ms');
    const r = await measure('cap', windowMs(40000));
    tc('del', 'dev', 'tap0', 'root');
    figure('netem-cap-fps', r.fps, 'fps');
    // what the bandwidth estimate made of the cap: A's video send rate
    // over the last 20 s (room stats, once a second)
    const tail = r.statsA.filter((f) => f.t > Date.now() - 20000 && f['video-bitrate-out-kbps'] > 0);
    const sent = tail.length ? Math.round(tail.reduce((x, f) => x + f['video-bitrate-out-kbps'], 0) / tail.length) : 99999;
    log(`cap: A sent ${sent} kbit/s of video over the last 20 s (${tail.length} samples)`);
    figure('netem-cap-kbps', sent, 'kbit/s');
    figure('netem-cap-failed', r.states.filter((s) => s === 'failed' || s === 'disconnected').length, '');
    await sleep(10000);
  }

  if (phases.includes('cut')) {
    await b.waitPads([VIDEO], { buffers: 1, timeout: 30000 });
    const since = b.seq;
    const cutAt = Date.now();
    setLink({ out: { loss: 100 }, in: { loss: 100 } });
    const failed = await b.waitMsg('peerjs-connection-state', { 'peer-id': 'A', state: 'failed' }, { since, timeout: 40000 })
      .catch(() => null);
    const failedS = failed ? (failed.t - cutAt) / 1000 : 999;
    log(`cut: B reported the call failed after ${failedS} s`);
    await sleep(Math.max(0, cutAt + 30000 - Date.now()));
    const s0 = await videoStats();
    const restoreAt = Date.now();
    setLink({});
    // media again: B's video_A pad counts 10 more buffers than at the restore
    let backAt = null;
    while (Date.now() - restoreAt < 90000) {
      const s = await videoStats();
      if (s.buffers >= s0.buffers + 10) {
        backAt = Date.now();
        break;
      }
      await sleep(200);
    }
    const backS = backAt ? Math.round((backAt - restoreAt) / 100) / 10 : 999;
    const states = b.msgs('peerjs-connection-state', { 'peer-id': 'A' }, since).map((e) => `${e.fields.state}@${((e.t - cutAt) / 1000).toFixed(1)}`);
    log(`cut: media again ${backS} s after the link came back; B's states since the cut: ${states.join(' ')}`);
    figure('netem-cut-failed-s', Math.round(failedS * 10) / 10, 's');
    figure('netem-cut-recover-s', backS, 's');
  }
}

try {
  await main();
} catch (e) {
  failures.push(e.stack ?? String(e));
} finally {
  await Promise.all([a?.stop(), b?.stop()].filter(Boolean));
}
const crit = [...(a?.criticals ?? []), ...(b?.criticals ?? [])];
if (crit.length) log('GLib criticals/warnings:\n' + crit.slice(0, 10).join('\n'));
if (failures.length) {
  console.log('slow-netem: FAILED\n' + failures.join('\n'));
  if (a) console.log('--- A\n' + a.tail(30));
  if (b) console.log('--- B\n' + b.tail(30));
  process.exit(1);
}
log('slow-netem: all figures within their limits');
process.exit(0);
