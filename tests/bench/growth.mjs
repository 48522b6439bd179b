#!/usr/bin/env node
// Issue 7, item 4: growth. A mesh of N peerjsroom members (N in 2,3,4,6,8;
// max-peers = max(4, N)) on loopback through gst-peerjs-server, each sending
// videotestsrc 320x240@15 VP8 + a sine (Opus) and decoding every other
// member. Per N:
//   set-up time: t0 (every member warm in READY, then all to PLAYING at
//     once) -> the last of the N(N-1) directions decoding video (as
//     mesh-setup.mjs, total); SETUP_RUNS runs (default 2)
//   CPU: per member, CPU-seconds (utime + stime of its process, /proc/<pid>/stat)
//     over a WINDOW_S (default 30) s steady window that starts SETTLE_S (2) s
//     after the mesh is complete; shown as % of one core
//   memory: per member peak RSS (VmHWM, /proc/<pid>/status) at the end of
//     the window (the process includes python + gi, ~30 MB of it)
// then fits: per-member CPU vs N-1 (linear: encode once + decode N-1) and
// total CPU vs N (quadratic), and draws docs/performance-growth.png with
// tests/bench/plot-growth.py (python3-matplotlib).
//
// Usage: node tests/bench/growth.mjs [--sizes 2,3,4,6,8]
//   env SIZES, WINDOW_S, SETUP_RUNS, PEERJS_BUILD_DIR, BENCH_RESULTS,
//   GROWTH_JSON (the per-N data the plot reads; default /tmp/peerjs-growth.json),
//   GROWTH_PNG (default docs/performance-growth.png; "" = no plot).

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { benchEnv, runMesh, stopMesh, median, fmt, emit, table, sleep, procCpu, procHwmMB, REPO, BENCH_DIR } from './mesh-lib.mjs';

const BENCH = 'growth';
const arg = (name) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : undefined; };
const SIZES = String(arg('sizes') ?? process.env.SIZES ?? '2,3,4,6,8').split(',').map(Number).filter((n) => n >= 2);
const WINDOW_S = Number(process.env.WINDOW_S ?? 30);
const SETTLE_S = Number(process.env.SETTLE_S ?? 2);
const SETUP_RUNS = Number(process.env.SETUP_RUNS ?? 2);
const GROWTH_JSON = process.env.GROWTH_JSON || '/tmp/peerjs-growth.json';
const GROWTH_PNG = process.env.GROWTH_PNG ?? path.join(REPO, 'docs', 'performance-growth.png');
const VIDEO = { width: 320, height: 240, fps: 15 };
const MAX_WALL_MS = Number(process.env.MAX_WALL_S ?? 420) * 1000;

const tStart = Date.now();
setTimeout(() => { console.error(`${BENCH}: wall-time limit reached, giving up`); process.exit(1); }, MAX_WALL_MS + 60000).unref();
const env = benchEnv();
const { startPeerServer } = await import('../interop/lib/servers.mjs');
console.log(`# ${BENCH}: sizes=${SIZES.join(',')} video ${VIDEO.width}x${VIDEO.height}@${VIDEO.fps} VP8, window ${WINDOW_S} s, set-up runs ${SETUP_RUNS}; build=${env.build}`);
console.log(`# load at start: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
const server = await startPeerServer({ kind: 'gst' });

const data = [];
try {
  for (const n of SIZES) {
    const d = { n, setup: [], cpu: [], rssMB: [], missing: [] };
    for (let run = 0; run < SETUP_RUNS; run++) {
      if (Date.now() - tStart > MAX_WALL_MS) break;
      const ids = Array.from({ length: n }, (_, i) => `n${n}r${run}${String.fromCharCode(97 + i)}`);
      const res = await runMesh(ids.map((id) => ({ id, kind: 'gst' })), { server, gst: { ...VIDEO }, timeout: 25000 });
      d.setup.push(res.total);
      if (res.error || res.missing.length) d.missing.push(res.error?.message.split('\n')[0] ?? res.missing.join(' '));
      // the CPU/memory window on the first complete mesh of this size
      if (run === 0 && !res.error) {
        await sleep(SETTLE_S * 1000);
        const pids = ids.map((id) => res.members[id].gm.pid);
        const decoded = async () => (await Promise.all(ids.map((id) => res.members[id].gm.stats().catch(() => ({})))))
          .map((pads) => Object.entries(pads).filter(([k]) => k.startsWith('video_')).reduce((a, [, st]) => a + (st.buffers ?? 0), 0));
        const f0 = await decoded();
        const c0 = pids.map(procCpu);
        const w0 = Date.now();
        await sleep(WINDOW_S * 1000);
        const c1 = pids.map(procCpu);
        const secs = (Date.now() - w0) / 1000;
        const f1 = await decoded();
        // frames each member decoded per second per remote: below the sent
        // rate the machine ran out of CPU, and CPU per member says nothing
        d.recvFps = f1.map((f, i) => (f - f0[i]) / secs / (n - 1));
        d.starved = Math.min(...d.recvFps) < 0.8 * VIDEO.fps;
        d.cpuMsPerFrame = c1.map((c, i) => ((c - c0[i]) * 1000) / Math.max(1, f1[i] - f0[i]));
        d.windowS = secs;
        d.cpu = c1.map((c, i) => (c - c0[i]) / secs * 100);     // % of one core
        d.rssMB = pids.map(procHwmMB);
        // did every flow keep going? (a member that stalled uses less CPU)
      }
      await stopMesh(res);
      console.log(`# N=${n} run ${run + 1}: set-up ${fmt(res.total)} ms${res.missing.length ? ` MISSING ${res.missing.length} directions` : ''}` +
        (run === 0 && d.cpu.length ? `; CPU per member ${d.cpu.map((x) => fmt(x)).join('/')} % of a core; peak RSS ${d.rssMB.map((x) => fmt(x)).join('/')} MB;` +
          ` received video per stream in the window ${d.recvFps.map((x) => fmt(x, 1)).join('/')} fps${d.starved ? ' (CPU-STARVED)' : ''}` : ''));
      await sleep(500);
    }
    data.push(d);
  }
} finally {
  await server.stop();
}

// --- report and fits -----------------------------------------------------------

const mean = (v) => v.reduce((a, b) => a + b, 0) / (v.length || 1);
const rows = [['N', 'set-up ms (median)', 'CPU/member % core', 'CPU total % core', 'CPU ms/decoded frame', 'peak RSS/member MB', 'RSS total MB', 'min recv fps']];
for (const d of data) {
  d.setupMedian = median(d.setup);
  d.cpuMember = mean(d.cpu);
  d.cpuTotal = d.cpu.reduce((a, b) => a + b, 0);
  d.rssMember = mean(d.rssMB);
  d.rssTotal = d.rssMB.reduce((a, b) => a + b, 0);
  d.cpuPerFrame = mean(d.cpuMsPerFrame ?? []);
  d.minRecvFps = d.recvFps ? Math.min(...d.recvFps) : NaN;
  rows.push([d.n, fmt(d.setupMedian), fmt(d.cpuMember, 1), fmt(d.cpuTotal, 1), fmt(d.cpuPerFrame, 2), fmt(d.rssMember, 1), fmt(d.rssTotal), fmt(d.minRecvFps, 1) + (d.starved ? ' STARVED' : '')]);
}
console.log(`\nGrowth of a gst mesh (${VIDEO.width}x${VIDEO.height}@${VIDEO.fps}, loopback, one machine: every member's CPU is on the same ${fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm).length} cores)`);
console.log(table(rows));

// least squares y = a + b x
function linfit(xs, ys) {
  const pts = xs.map((x, i) => [x, ys[i]]).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const mx = mean(pts.map((p) => p[0])), my = mean(pts.map((p) => p[1]));
  const sxx = pts.reduce((s, [x]) => s + (x - mx) ** 2, 0), sxy = pts.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const b = sxy / sxx, a = my - b * mx;
  const ssr = pts.reduce((s, [x, y]) => s + (y - a - b * x) ** 2, 0), sst = pts.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  return { a, b, r2: 1 - ssr / sst };
}
const measured = data.filter((d) => d.cpu.length);
// CPU of a starved mesh is what the machine had left, not what the mesh needs
const fed = measured.filter((d) => !d.starved);
const ok = fed.length >= 2 ? fed : measured;
const fitCpu = linfit(ok.map((d) => d.n - 1), ok.map((d) => d.cpuMember));
const fitRss = linfit(ok.map((d) => d.n - 1), ok.map((d) => d.rssMember));
const fitSet = linfit(data.map((d) => d.n), data.map((d) => d.setupMedian));
// total = N * (a + b (N-1)): quadratic in N with the member fit's coefficients
console.log(`\nGrowth law (least squares over ${ok === fed ? 'the sizes that were not CPU-starved' : 'every size, ALL CPU-STARVED: the CPU fit is not the law, only what the machine had left'}: N = ${ok.map((d) => d.n).join(', ')})`);
console.log(`  CPU per member  = ${fmt(fitCpu.a, 1)} + ${fmt(fitCpu.b, 1)} x (N-1) % of a core  (R^2 ${fmt(fitCpu.r2, 3)}): one encode + one decode per other member`);
console.log(`  CPU of the mesh = N x (${fmt(fitCpu.a, 1)} + ${fmt(fitCpu.b, 1)} (N-1)) % : quadratic in N (N(N-1) decoded streams)`);
console.log(`  peak RSS/member = ${fmt(fitRss.a, 1)} + ${fmt(fitRss.b, 1)} x (N-1) MB  (R^2 ${fmt(fitRss.r2, 3)})`);
console.log(`  set-up total    = ${fmt(fitSet.a)} + ${fmt(fitSet.b)} x N ms  (R^2 ${fmt(fitSet.r2, 3)}; on a shared machine set-up grows with the CPU load too)`);

for (const d of data) {
  emit({ bench: BENCH, id: `setup-n${d.n}`, label: `gst mesh of ${d.n} (320x240@15): set-up total, median of ${d.setup.length}`, value: Number.isFinite(d.setupMedian) ? Math.round(d.setupMedian) : null, unit: 'ms', n: d.setup.length });
  if (d.cpu.length) {
    emit({ bench: BENCH, id: `cpu-member-n${d.n}`, label: `gst mesh of ${d.n}: CPU per member over ${WINDOW_S} s (mean of members)`, value: Number(d.cpuMember.toFixed(1)), unit: '% of a core', n: d.cpu.length });
    emit({ bench: BENCH, id: `cpu-total-n${d.n}`, label: `gst mesh of ${d.n}: CPU of all members`, value: Number(d.cpuTotal.toFixed(1)), unit: '% of a core', n: d.cpu.length });
    emit({ bench: BENCH, id: `cpu-frame-n${d.n}`, label: `gst mesh of ${d.n}: CPU per decoded video frame (encode share included)`, value: Number(d.cpuPerFrame.toFixed(2)), unit: 'ms', n: d.cpu.length });
    emit({ bench: BENCH, id: `recv-fps-n${d.n}`, label: `gst mesh of ${d.n}: slowest received video stream in the window (sent ${VIDEO.fps})`, value: Number(d.minRecvFps.toFixed(1)), unit: 'fps', n: d.cpu.length, target: `>= ${0.8 * VIDEO.fps}`, met: !d.starved });
    emit({ bench: BENCH, id: `rss-member-n${d.n}`, label: `gst mesh of ${d.n}: peak RSS per member (VmHWM, mean)`, value: Number(d.rssMember.toFixed(1)), unit: 'MB', n: d.rssMB.length });
  }
}
emit({ bench: BENCH, id: 'cpu-member-slope', label: `CPU per member: % of a core added per other member (linear fit vs N-1${ok === fed ? '' : '; every size CPU-starved: not valid'})`, value: Number(fitCpu.b.toFixed(2)), unit: '% of a core', n: ok.length });
emit({ bench: BENCH, id: 'cpu-member-intercept', label: 'CPU per member: fixed part (linear fit at N-1 = 0)', value: Number(fitCpu.a.toFixed(2)), unit: '% of a core', n: ok.length });
emit({ bench: BENCH, id: 'rss-member-slope', label: 'peak RSS per member: MB added per other member', value: Number(fitRss.b.toFixed(2)), unit: 'MB', n: ok.length });

const out = { video: VIDEO, windowS: WINDOW_S, load: fs.readFileSync('/proc/loadavg', 'utf8').trim(), fits: { cpu: fitCpu, rss: fitRss, setup: fitSet }, data };
fs.writeFileSync(GROWTH_JSON, JSON.stringify(out, null, 1));
console.log(`\n# data: ${GROWTH_JSON}`);
if (GROWTH_PNG) {
  const r = spawnSync('/usr/bin/python3', [path.join(BENCH_DIR, 'plot-growth.py'), GROWTH_JSON, GROWTH_PNG], { encoding: 'utf8' });
  process.stdout.write(r.stdout ?? '');
  if (r.status !== 0) console.log(`# no plot: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}` +
    ' (needs python3-matplotlib: apt-get install -y python3-matplotlib)');
}
console.log(`# wall time ${((Date.now() - tStart) / 1000).toFixed(0)} s; load at end: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
process.exit(0);
