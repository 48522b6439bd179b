// Faults in a live 4-member mesh of peerjsroom members (gst1..gst4,
// lib/gst-member.py), through the server under test (INTEROP_SERVER=peer|gst).
// Figures and limits: docs/reliability.md sections 1 and 2.
//
//   1. the mesh forms: all 12 directed flows carry video and audio
//   2. the signalling server is SIGKILLed for 5 s: every established flow
//      keeps rising (longest stall measured), every member reports the lost
//      server, and registers again (peerjs-open reconnect=true) within its
//      backoff once the server is back
//   3. gst4 is SIGKILLed: gst1..gst3 report it failed within their
//      connection-timeout (10 s), remove its pads, and their own 6 flows do not stall; a new
//      gst4 starts and is back in the mesh (all 12 flows) with nobody acting
//      (these are new calls, so they also prove signalling works again)
//
// Needs GST_PEERJS_PLUGIN_DIR (meson sets it), /usr/bin/python3 with gi.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPeerServer, serverKindFromEnv } from './lib/servers.mjs';
import { startGstMember } from './lib/gst-member.mjs';
import { checkFigure, figureLimit } from './lib/reliability.mjs';

const KIND = serverKindFromEnv();
const FILE_TIMEOUT_MS = 170000;
setTimeout(() => {
  console.error(`reliability-mesh: file timeout after ${FILE_TIMEOUT_MS} ms`);
  process.exit(1);
}, FILE_TIMEOUT_MS).unref();

const IDS = ['gst1', 'gst2', 'gst3', 'gst4'];
const others = (id, ids = IDS) => ids.filter((x) => x !== id);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SERVER_DOWN_MS = 5000;
// the rows of docs/reliability.md this file measures, per server kind
const FIGURES = {
  gst: {
    downStall: 'server-down-gst-stall', reregister: 'server-down-gst-reregister',
    detect: 'member-kill-gst-detect', killStall: 'member-kill-gst-stall', rejoin: 'member-kill-gst-rejoin',
  },
  peer: {
    downStall: 'server-down-peer-stall', reregister: 'server-down-peer-reregister',
    detect: 'member-kill-peer-detect', killStall: 'member-kill-peer-stall', rejoin: 'member-kill-peer-rejoin',
  },
}[KIND];

let server;
const rooms = {};

function dumpOnFailure(fn) {
  return async (t) => {
    try {
      await fn(t);
    } catch (e) {
      for (const m of Object.values(rooms))
        console.error(`--- ${m.label} (last lines)\n${m.tail(60)}`);
      if (server) console.error(`--- server\n${server.tail?.() ?? ''}`);
      throw e;
    }
  };
}

function startRoom(id) {
  // 320x240@30 test sources: 4 members and their 12 decodes on 2 cores
  return startGstMember({ server, peerId: id, peers: others(id), statsMs: 200, openTimeout: 15000 });
}

// Samples every member's per-pad buffer counts; a flow's stall is the
// longest time its count did not rise.
class FlowWatch {
  constructor(ids) {
    this.ids = ids;
    this.last = {};          // flow -> {count, at}
    this.gap = {};           // flow -> longest gap (ms) since reset
    this.gapEnd = {};        // flow -> when that gap ended (epoch ms)
    this.running = true;
    this.loop = this.run();
  }

  async run() {
    while (this.running) {
      for (const id of this.ids) {
        const m = rooms[id];
        if (!m || m.exit || !m.statsAt) continue;
        // the member prints its pads' counts every 200 ms (statsMs)
        for (const r of others(id)) {
          for (const kind of ['video', 'audio']) {
            const flow = `${id}<-${r} ${kind}`;
            const n = m.pads[`${kind}_${r}`]?.buffers ?? 0;
            const prev = this.last[flow];
            if (!prev || n > prev.count) {
              if (prev && m.statsAt - prev.at > (this.gap[flow] ?? 0)) {
                this.gap[flow] = m.statsAt - prev.at;
                this.gapEnd[flow] = m.statsAt;
              }
              this.last[flow] = { count: n, at: m.statsAt };
            } else if (n < prev.count) {
              this.last[flow] = { count: n, at: prev.at };   // a new pad counts from 0
            }
          }
        }
      }
      await sleep(100);
    }
  }

  reset() {
    this.gap = {};
    this.gapEnd = {};
    const now = Date.now();
    for (const f of Object.values(this.last)) f.at = now;
  }

  // longest stall of `flows`, counting a flow that stopped until now;
  // end: when it ended (now if it still goes on)
  maxGap(flows) {
    const now = Date.now();
    let worst = 0, which = null, end = now;
    for (const f of flows) {
      const open = this.last[f] ? now - this.last[f].at : Infinity;
      const closed = this.gap[f] ?? 0;
      if (Math.max(open, closed) > worst) {
        worst = Math.max(open, closed);
        which = f;
        end = closed >= open ? this.gapEnd[f] : now;
      }
    }
    return { ms: worst, flow: which, end };
  }

  async stop() { this.running = false; await this.loop; }
}

const flowsAmong = (ids) => ids.flatMap((id) => others(id, ids).flatMap((r) =>
  ['video', 'audio'].map((k) => `${id}<-${r} ${k}`)));
const padsOf = (id, ids = IDS) => others(id, ids).flatMap((r) => [`video_${r}`, `audio_${r}`]);

let watch;

before(async () => {
  server = await startPeerServer({ kind: KIND, allowDiscovery: true });
});

after(async () => {
  if (watch) await watch.stop();
  for (const m of Object.values(rooms)) await m.kill();
  if (server) await server.stop();
});

test('the mesh forms: 12 directed flows', { timeout: 60000 }, dumpOnFailure(async () => {
  const t0 = Date.now();
  const started = await Promise.all(IDS.map(startRoom));
  for (const m of started) rooms[m.peerId] = m;
  await Promise.all(IDS.map((id) => rooms[id].waitPads(padsOf(id), { buffers: 10, timeout: 30000 })));
  console.log(`# [${KIND}] 4 rooms, all 12 flows playing ${Date.now() - t0} ms after start`);
  watch = new FlowWatch(IDS);
  await sleep(1000);
  const g = watch.maxGap(flowsAmong(IDS));
  assert.ok(g.ms < 2000, `every flow rises (worst ${g.flow}: ${g.ms} ms)`);
}));

test('the server dies for 5 s: media keeps flowing, every member registers again', { timeout: 60000 }, dumpOnFailure(async () => {
  assert.ok(watch, 'needs the mesh of the previous test');
  const since = Object.fromEntries(IDS.map((id) => [id, rooms[id].seq]));
  watch.reset();
  const tKill = Date.now();
  await server.kill();
  await sleep(SERVER_DOWN_MS);
  const stallDown = watch.maxGap(flowsAmong(IDS));
  // every member saw the server go (a non-fatal network error)
  for (const id of IDS) {
    const lost = rooms[id].msgs('peerjs-error', { 'peer-id': id }, since[id])
      .concat(rooms[id].msgs('peerjs-error', null, since[id]));
    assert.ok(lost.some((e) => /server/i.test(JSON.stringify(e.fields))),
      `${id} reported the lost server: ${JSON.stringify(lost)}`);
  }
  const tRestart = Date.now();
  await server.start();
  const reopened = await Promise.all(IDS.map((id) =>
    rooms[id].waitMsg('peerjs-open', { reconnect: true }, { since: since[id], timeout: 20000 })));
  const reopenMs = Math.max(...reopened.map((e) => e.t - tRestart));
  const peers = await server.peers();
  console.log(`# [${KIND}] server down ${tRestart - tKill} ms; longest stall of a flow while down ` +
    `${stallDown.ms} ms (${stallDown.flow}, ended +${stallDown.end - tKill} ms); registered again ${reopened.map((e, i) => `${IDS[i]} +${e.t - tRestart} ms`).join(', ')}`);
  assert.deepEqual([...peers.body].sort(), IDS, 'the server lists every member again');
  await sleep(1000);
  const stallAll = watch.maxGap(flowsAmong(IDS));
  console.log(`# [${KIND}] longest stall from the kill to 1 s after all registered: ${stallAll.ms} ms ` +
    `(${stallAll.flow}, from +${stallAll.end - stallAll.ms - tKill} to +${stallAll.end - tKill} ms; ` +
    `server back at +${tRestart - tKill} ms)`);
  checkFigure(FIGURES.downStall, stallAll.ms, 'ms');
  // the session's backoff: 250 ms doubling up to 4 s, ±20 %
  checkFigure(FIGURES.reregister, reopenMs, 'ms');
  for (const id of IDS)
    assert.equal(rooms[id].eventsOf('error').length, 0, `${id}: no ERROR`);
}));

test('gst4 is SIGKILLed: noticed, its pads go, the rest flows; a new gst4 is back', { timeout: 90000 }, dumpOnFailure(async () => {
  assert.ok(watch, 'needs the mesh of the previous test');
  const rest = ['gst1', 'gst2', 'gst3'];
  const since = Object.fromEntries(rest.map((id) => [id, rooms[id].seq]));
  watch.reset();
  const tKill = Date.now();
  await rooms.gst4.kill();
  const detectLimit = figureLimit(FIGURES.detect).value;
  const noticed = await Promise.all(rest.map((id) => rooms[id].waitMsg('peerjs-connection-state',
    { 'peer-id': 'gst4', kind: 'media', state: /failed|disconnected|closed/ },
    { since: since[id], timeout: detectLimit + 5000 })));
  const removed = await Promise.all(rest.map((id) => rooms[id].waitEvent(
    (e) => e.ev === 'pad-removed' && e.pad === 'video_gst4', { since: since[id], timeout: 10000, what: 'video_gst4 removed' })));
  const detectMs = Math.max(...noticed.map((e) => e.t - tKill));
  const removeMs = Math.max(...removed.map((e) => e.t - tKill));
  const stall = watch.maxGap(flowsAmong(rest));
  console.log(`# [${KIND}] gst4 killed: ${noticed.map((e, i) => `${rest[i]} ${e.fields.state} ` +
    `(${e.fields.reason ?? ''}) +${e.t - tKill} ms`).join(', ')}; video_gst4 removed by +${removeMs} ms; ` +
    `longest stall among the rest ${stall.ms} ms (${stall.flow}, ended +${stall.end - tKill} ms)`);
  checkFigure(FIGURES.detect, detectMs, 'ms');
  checkFigure(FIGURES.killStall, stall.ms, 'ms');
  for (const id of rest) {
    const pads = await rooms[id].stats();
    assert.ok(!pads.video_gst4?.present && !pads.audio_gst4?.present, `${id} has no gst4 pads: ${JSON.stringify(pads.video_gst4)}`);
  }

  // a new gst4 (the same ID): back in the mesh without anyone acting
  const tRestart = Date.now();
  rooms.gst4 = await startRoom('gst4');
  await Promise.all(IDS.map((id) => rooms[id].waitPads(padsOf(id), { buffers: 10, timeout: 30000 })));
  // buffer counts of the new pads restart from 0: wait until every one rose
  const rejoinMs = Date.now() - tRestart;
  console.log(`# [${KIND}] new gst4: all 12 flows again ${rejoinMs} ms after it started`);
  checkFigure(FIGURES.rejoin, rejoinMs, 'ms');
  for (const id of rest) {
    assert.equal(rooms[id].exit, null, `${id} still runs`);
    assert.equal(rooms[id].eventsOf('error').length, 0, `${id}: no ERROR: ${JSON.stringify(rooms[id].eventsOf('error'))}`);
    assert.deepEqual(rooms[id].criticals, [], `${id}: no GLib criticals/warnings`);
  }
}));
