#!/usr/bin/env node
// Issue 7, item 5: the signalling server. gst-peerjs-server against the real
// `peer` 1.0.2, in one run, with the same load from tests/bench/server-load
// (C, libsoup WebSockets; its header comment has the method):
//
//   1000 clients register, heartbeat every 5 s, and relay OFFER/ANSWER +
//   3 CANDIDATE bursts to a partner:
//   - idle: server RSS and CPU with the 1000 registered clients
//   - rate: open loop at RATE msgs/s: relay latency p50/p99 and the
//           server's CPU time (utime+stime, every thread) per relayed message
//   - closed: INFLIGHT messages in flight per client: messages/s delivered
//   and the server's peak RSS (VmHWM).
//
// Not a meson test: a bench that prints figures (docs/performance.md).
//
//   PEERJS_BUILD_DIR=/work/main/build  the build dir (server and generator)
//   CLIENTS=1000 RATE=10000 INFLIGHT=4 DURATION=10 (s per measured window)
//   SDP_BYTES=2500                     size of the SDP in an OFFER/ANSWER
//   SERVERS=gst,peer                   which servers, in this order
//   BENCH_NICE=-10                     run both servers and the generator at
//                                      this nice value (root for < 0): on a
//                                      shared, loaded machine the servers are
//                                      otherwise starved and the latencies
//                                      measure the scheduler (default: leave;
//                                      server.sh then gives the bench a
//                                      session of its own, whose autogroup nice
//                                      the generator sets too)
//   QUIET_WAIT=60                      wait up to this many s for a quiet
//                                      machine (>= 1 core idle) before each server
//   BENCH_RESULTS=/path/file.jsonl     one JSON object per figure appended
//   BENCH_VERBOSE=1                    print the generator's progress live
//
//   bash tests/bench/server.sh   (raises `ulimit -n`, then runs this)

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const BUILD = path.resolve(process.env.PEERJS_BUILD_DIR || path.join(ROOT, 'build'));
const CLIENTS = Number(process.env.CLIENTS || 1000);
const RATE = Number(process.env.RATE || 10000);
const INFLIGHT = Number(process.env.INFLIGHT || 4);
const DURATION = Number(process.env.DURATION || 10);
const SDP_BYTES = Number(process.env.SDP_BYTES || 2500);
const SERVERS = (process.env.SERVERS || 'gst,peer').split(',').map((s) => s.trim()).filter(Boolean);
const VERBOSE = !!process.env.BENCH_VERBOSE;
const NICE = Number(process.env.BENCH_NICE || 0);
const QUIET_WAIT = Number(process.env.QUIET_WAIT ?? 60);
const BENCH = 'server';
// issue 7's targets, gst against peer
const THROUGHPUT_RATIO_TARGET = 5;
const CPU_RATIO_TARGET = 0.2;
const RSS_RATIO_TARGET = 0.2;

process.env.GST_PEERJS_SERVER_BIN ||= path.join(BUILD, 'tools', 'gst-peerjs-server');
const GENERATOR = path.join(BUILD, 'tests', 'bench', 'server-load');

const { startPeerServer } = await import('../interop/lib/servers.mjs');

for (const f of [GENERATOR, process.env.GST_PEERJS_SERVER_BIN]) {
  if (!fs.existsSync(f)) {
    console.error(`${f} missing: build ${BUILD} first (ninja -C ${BUILD})`);
    process.exit(2);
  }
}

// The limits, spelled out so that a change of a default cannot make the
// bench trip one: 1000 registered IDs (< 5000), frames of ~3 KB (< 64 KiB),
// heartbeats every 5 s (< 60 s). Queues only hold messages for absent peers,
// and every peer here is present. Both servers get the same values.
const LIMIT_ARGS = {
  gst: ['--concurrent-limit', '5000', '--alive-timeout', '60000',
    '--max-message-size', '65536'],
  peer: ['--concurrent_limit', '5000', '--alive_timeout', '60000'],
};

function runGenerator(server, kind) {
  const wallLimitMs = (CLIENTS / 10 + 3 * (DURATION + 1) + 40) * 1000;
  const args = ['--url', server.url, '--server-pid', String(server.pid),
    '--clients', String(CLIENTS), '--rate', String(RATE),
    '--inflight', String(INFLIGHT), '--duration', String(DURATION),
    '--sdp-bytes', String(SDP_BYTES), '--id-prefix', `bench-${kind}`,
    ...(NICE ? ['--nice', String(NICE)] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(GENERATOR, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => {
      err += d;
      if (VERBOSE) process.stderr.write(`[load ${kind}] ${d}`);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), wallLimitMs);
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop();
      try {
        const r = JSON.parse(last);
        r.log = err;
        resolve(r);
      } catch {
        reject(new Error(`generator exited code=${code} signal=${sig}, no result\n${err}`));
      }
    });
  });
}

function busyTicks() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  return { busy: f.reduce((a, b) => a + b, 0) - f[3] - f[4], all: f.reduce((a, b) => a + b, 0) };
}

// Idle cores over the last second, in % of one core.
async function idlePct() {
  const a = busyTicks();
  await new Promise((r) => setTimeout(r, 1000));
  const b = busyTicks();
  const cores = (await import('node:os')).cpus().length;
  return cores * 100 * (1 - (b.busy - a.busy) / Math.max(1, b.all - a.all));
}

// Others' runs on a shared machine starve the server (and us): wait,
// bounded, for at least one idle core; the figures say how busy it was.
async function waitQuiet() {
  const end = Date.now() + QUIET_WAIT * 1000;
  let idle = await idlePct();
  while (idle < 100 && Date.now() < end)
    idle = await idlePct();
  return idle;
}

function uptime() {
  try { return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '); } catch { return '?'; }
}

const results = {};
const t0 = Date.now();
for (const kind of SERVERS) {
  const idle = await waitQuiet();
  console.log(`--- ${kind}: starting server, ${CLIENTS} clients (load average ${uptime()}, ${idle.toFixed(0)} % of a core idle${idle < 100 ? ': busy machine, figures disturbed' : ''})`);
  const server = await startPeerServer({ kind, extraArgs: LIMIT_ARGS[kind] });
  let r;
  try {
    r = await runGenerator(server, kind);
  } finally {
    await server.kill();
  }
  r.cmdline = server.cmdline;
  r.load = uptime();
  results[kind] = r;
  if (!VERBOSE)
    process.stdout.write(r.log.split('\n').map((l) => l && `  ${l}`).join('\n'));
  console.log(`  (load average after: ${r.load}${NICE ? `; servers and generator ran at nice ${NICE}` : ''})`);
}

// ------------------------------------------------------------------
// table, ratios, BENCH_RESULTS

const mb = (kb) => (kb > 0 ? kb / 1024 : null);
const get = (r, f) => (r ? f(r) : null);
const rows = [
  ['registration of all clients', 'ms', (r) => r.connect_ms, 'connect-ms'],
  ['RSS, no clients', 'MB', (r) => mb(r.server_rss_base_kb), 'rss-base-mb'],
  [`RSS, ${CLIENTS} idle clients`, 'MB', (r) => mb(r.server_rss_idle_kb), 'rss-idle-mb'],
  ['peak RSS (VmHWM)', 'MB', (r) => mb(r.server_hwm_kb), 'rss-peak-mb'],
  [`server CPU, ${CLIENTS} clients heartbeating only`, '%', (r) => r.server_idle_cpu_pct, 'idle-cpu-pct'],
  [`max throughput (${INFLIGHT} in flight per client)`, 'msg/s', (r) => r.closed?.delivered_per_s, 'throughput'],
  ['  latency p99 at max throughput', 'ms', (r) => r.closed?.p99_ms, 'closed-p99-ms'],
  ['  server CPU at max throughput', '%', (r) => r.closed?.server_cpu_pct, 'closed-cpu-pct'],
  ['  generator CPU at max throughput', '%', (r) => r.closed?.generator_cpu_pct, 'closed-gen-cpu-pct'],
  [`rate: sent (target ${RATE})`, 'msg/s', (r) => r.rate?.sent_per_s, 'rate-sent'],
  ['rate: delivered', 'msg/s', (r) => r.rate?.delivered_per_s, 'rate-delivered'],
  ['rate: relay latency p50', 'ms', (r) => r.rate?.p50_ms, 'rate-p50-ms'],
  ['rate: relay latency p99', 'ms', (r) => r.rate?.p99_ms, 'rate-p99-ms'],
  ['rate: server CPU', '%', (r) => r.rate?.server_cpu_pct, 'rate-cpu-pct'],
  ['rate: server CPU per relayed message', 'us', (r) => r.rate?.server_cpu_us_per_msg, 'cpu-us-per-msg'],
  ['rate: generator CPU', '%', (r) => r.rate?.generator_cpu_pct, 'rate-gen-cpu-pct'],
  ['other processes\' CPU, rate / closed windows', '%', (r) => r.rate?.others_cpu_pct, 'rate-others-cpu-pct',
    (r) => r.closed?.others_cpu_pct],
  ['undelivered after drain (both phases)', 'n', (r) => (r.rate?.lost ?? 0) + (r.closed?.lost ?? 0), 'lost'],
  ['errors: refused/failed/closed/misrouted/other', 'n',
    (r) => r.refused + r.connect_failed + r.clients_closed + r.misrouted + r.other_frames, 'errors'],
];

const fmt = (v) => (v == null || Number.isNaN(v) ? '-' : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));
const kinds = SERVERS.filter((k) => results[k]);
console.log(`\nSignalling server, ${CLIENTS} clients, ${DURATION} s windows, frames: OFFER/ANSWER ~${SDP_BYTES + 230} B, CANDIDATE ~330 B (1 + 3 per burst)`);
console.log(['figure'.padEnd(46), 'unit'.padEnd(6), ...kinds.map((k) => k.padStart(10))].join(' '));
for (const [label, unit, f, , f2] of rows)
  console.log([label.padEnd(46), unit.padEnd(6), ...kinds.map((k) => (fmt(get(results[k], f)) + (f2 ? ` / ${fmt(get(results[k], f2))}` : '')).padStart(10))].join(' '));

const figures = [];
for (const k of kinds) {
  for (const [label, unit, f, id] of rows.flatMap((row) => (row[4]
    ? [[row[0].replace('rate / closed windows', 'rate window'), ...row.slice(1, 4)],
      [row[0].replace('rate / closed windows', 'closed window'), row[1], row[4], row[3].replace('rate-', 'closed-')]] : [row]))) {
    const v = get(results[k], f);
    if (v == null) continue;
    figures.push({ bench: BENCH, id: `server-${k}-${id}`, label: `${k === 'gst' ? 'gst-peerjs-server' : 'peer 1.0.2'}: ${label.trim()}`,
      value: Number(v.toFixed(3)), unit,
      // latencies: the messages measured; the rest: one run
      n: id.startsWith('rate-p') ? results[k].rate.samples : id === 'closed-p99-ms' ? results[k].closed.samples : 1, ...(k === 'gst' && kinds.includes('peer') ? { peer: `server-peer-${id}` } : {}), met: null });
  }
}

// the issue's targets, as ratios gst/peer
const g = results.gst, p = results.peer;
const gaps = [];
if (g && p) {
  const ratio = (a, b) => (a != null && b > 0 ? a / b : null);
  const gen = (r) => Math.max(r.closed?.generator_cpu_pct ?? 0, 0);
  const targets = [
    ['throughput-ratio', 'max throughput, gst / peer', ratio(g.closed?.delivered_per_s, p.closed?.delivered_per_s),
      `>= ${THROUGHPUT_RATIO_TARGET}`, (v) => v >= THROUGHPUT_RATIO_TARGET],
    ['cpu-ratio', `server CPU per message at ${RATE} msg/s, gst / peer`,
      ratio(g.rate?.server_cpu_us_per_msg, p.rate?.server_cpu_us_per_msg),
      `<= ${CPU_RATIO_TARGET}`, (v) => v <= CPU_RATIO_TARGET],
    ['rss-idle-ratio', `RSS with ${CLIENTS} idle clients, gst / peer`, ratio(g.server_rss_idle_kb, p.server_rss_idle_kb),
      `<= ${RSS_RATIO_TARGET}`, (v) => v <= RSS_RATIO_TARGET],
    ['rss-peak-ratio', 'peak RSS, gst / peer', ratio(g.server_hwm_kb, p.server_hwm_kb),
      `<= ${RSS_RATIO_TARGET}`, (v) => v <= RSS_RATIO_TARGET],
  ];
  console.log('\ntargets (issue 7)');
  for (const [id, label, v, target, ok] of targets) {
    const met = v == null ? null : ok(v);
    console.log(`  ${label.padEnd(52)} ${fmt(v).padStart(8)}  target ${target}: ${met == null ? 'n/a' : met ? 'met' : 'NOT met'}`);
    if (met === false) gaps.push(`${label}: ${fmt(v)} (target ${target})`);
    if (v != null)
      figures.push({ bench: BENCH, id: `server-${id}`, label, value: Number(v.toFixed(4)), unit: 'ratio', n: 1, target, met });
  }
  // the generator shares 2 cores with the server: if it is saturated, the
  // throughput is what it could offer, not what the server could take
  for (const k of kinds) {
    if (gen(results[k]) > 90)
      console.log(`  note: the generator used ${fmt(gen(results[k]))} % CPU against ${k}: its throughput is a lower bound`);
  }
  if (gaps.length) console.log(`  gaps: ${gaps.join('; ')}`);
}
for (const k of kinds) {
  const r = results[k];
  const problems = [];
  if (r.registered !== CLIENTS) problems.push(`only ${r.registered}/${CLIENTS} registered`);
  if (r.refused || r.connect_failed || r.clients_closed) problems.push(`refused ${r.refused}, connect failures ${r.connect_failed}, closed ${r.clients_closed}`);
  if (r.misrouted || r.other_frames) problems.push(`misrouted ${r.misrouted}, other frames ${JSON.stringify(r.other_types)} e.g. ${r.first_other_frame}`);
  if ((r.rate?.lost ?? 0) || (r.closed?.lost ?? 0)) problems.push(`undelivered when the drain ended (late or lost): ${r.rate?.lost ?? 0} (rate), ${r.closed?.lost ?? 0} (closed)`);
  if (r.rate && r.rate.sent_per_s < 0.98 * RATE) problems.push(`the generator sent ${fmt(r.rate.sent_per_s)} msg/s, not ${RATE}`);
  if (!r.server_alive) problems.push('the server died');
  for (const ph of ['rate', 'closed']) {
    if (r[ph]?.others_cpu_pct > 50)
      problems.push(`other processes used ${fmt(r[ph].others_cpu_pct)} % CPU in the ${ph} window: the server may have been starved`);
  }
  if (problems.length) console.log(`  ${k}: ${problems.join('; ')}`);
}
console.log(`\nwall time ${((Date.now() - t0) / 1000).toFixed(0)} s, load average ${uptime()}`);

if (process.env.BENCH_RESULTS) {
  fs.appendFileSync(process.env.BENCH_RESULTS, figures.map((f) => JSON.stringify(f)).join('\n') + '\n');
  console.log(`${figures.length} figures appended to ${process.env.BENCH_RESULTS}`);
}
process.exit(0);
