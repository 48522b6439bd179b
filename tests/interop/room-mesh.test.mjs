// A 4-member mesh: two peerjsroom members (gst1, gst2, lib/gst-member.py)
// and two browsers running real peerjs@1.5.5 (alice, bob), through the
// server under test (INTEROP_SERVER=peer|gst). Every member's `peers` are
// the other three; everybody follows lower-id-calls (strcmp order:
// alice < bob < gst1 < gst2), so alice calls bob, gst1, gst2; bob calls gst1,
// gst2; gst1 calls gst2. The pages implement the rule in H.joinRoom.
//
//   1. all 6 pairs carry video and audio both ways: per remote, frames
//      rendered and audio RMS at the browsers, buffers (and loud audio) per
//      pad at the rooms; nobody called against the rule (no glare)
//   2. gst2 is SIGKILLed: within 20 s the browsers see their call with gst2
//      close or its ICE leave `connected`, gst1 reports gst2 gone (a
//      connection-state change or peer-left); the other pairs keep flowing
//
// Needs GST_PEERJS_PLUGIN_DIR (meson sets it), /usr/bin/python3 with gi.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPeerServer, serverKindFromEnv } from './lib/servers.mjs';
import { Harness, withDiagnostics, sleep } from './lib/browser.mjs';
import { startGstMember } from './lib/gst-member.mjs';

const KIND = serverKindFromEnv();
const FILE_TIMEOUT_MS = 170000;
setTimeout(() => {
  console.error(`room-mesh: file timeout after ${FILE_TIMEOUT_MS} ms`);
  process.exit(1);
}, FILE_TIMEOUT_MS).unref();

const IDS = ['alice', 'bob', 'gst1', 'gst2'];
// A SIGKILLed member sends nothing: Chromium's ICE goes `disconnected` after
// ~7.5 s, the room fails a call whose remote went silent after its liveness
// timeout (15 s by default, checked every second).
const NOTICE_MS = 20000;
const others = (id) => IDS.filter((x) => x !== id);

let server, h;
const pages = {};      // alice, bob -> PeerPage
const rooms = {};      // gst1, gst2 -> GstMember
const g = (fn) => withDiagnostics(() => h, fn);
const ms = (x) => (Number.isFinite(x) ? `${Math.round(x)} ms` : 'n/a');

before(async () => {
  const t0 = Date.now();
  server = await startPeerServer({ kind: KIND, allowDiscovery: true });
  h = await Harness.start();
  h.watchServer(server);
  for (const id of ['alice', 'bob']) {
    pages[id] = await h.newPage(id, server);
    await pages[id].getLocalStream();
    await pages[id].newPeer(id, id);
  }
  await Promise.all(['alice', 'bob'].map((id) => pages[id].waitOpen(id)));
  console.log(`# server kind=${KIND} url=${server.url}; setup (server, browser, 2 pages) ${Date.now() - t0} ms`);
});

after(async () => {
  for (const m of Object.values(rooms)) await m.kill();
  if (h) await h.close();
  if (server) await server.stop();
});

// Snapshot of every directed flow: 'gst1<-alice' = what gst1 gets from alice.
async function flows() {
  const out = {};
  for (const id of ['alice', 'bob']) {
    const st = await pages[id].roomState(id);
    for (const [r, s] of Object.entries(st.remotes))
      out[`${id}<-${r}`] = { video: s.frames ?? 0, audio: s.audio?.above ?? 0, ice: s.iceConnectionState, closedAt: s.closedAt };
  }
  for (const id of ['gst1', 'gst2']) {
    const m = rooms[id];
    if (!m || m.exit) continue;
    const pads = await m.stats();
    for (const r of others(id))
      out[`${id}<-${r}`] = { video: pads[`video_${r}`]?.buffers ?? 0, audio: pads[`audio_${r}`]?.buffers ?? 0,
        loud: pads[`audio_${r}`]?.loud ?? 0, present: pads[`video_${r}`]?.present ?? false };
  }
  return out;
}

function assertAdvancing(f1, f2, keys, what) {
  const stalled = keys.filter((k) => !(f2[k] && f1[k] && f2[k].video > f1[k].video && f2[k].audio > f1[k].audio));
  assert.deepEqual(stalled, [], `${what}: flows not advancing: ` +
    JSON.stringify(Object.fromEntries(stalled.map((k) => [k, { before: f1[k], after: f2[k] }]))));
}

let tJoin;

test('4-member mesh: all 6 pairs carry video and audio both ways', { timeout: 60000 }, g(async () => {
  const t0 = Date.now();
  const started = await Promise.all(['gst1', 'gst2'].map((id) => startGstMember({ server, peerId: id, peers: others(id) })));
  for (const m of started) { rooms[m.peerId] = m; h.watchProcess(m); }
  console.log(`# rooms gst1, gst2 open in ${Date.now() - t0} ms`);

  // bob first: a call from alice that arrives before bob joined is answered by joinRoom anyway
  tJoin = Date.now();
  const placedB = await pages.bob.joinRoom('bob', { peers: others('bob') });
  const placedA = await pages.alice.joinRoom('alice', { peers: others('alice') });
  assert.deepEqual(placedA.map((c) => c.id), ['bob', 'gst1', 'gst2'], 'alice calls everybody');
  assert.deepEqual(placedB.map((c) => c.id), ['gst1', 'gst2'], 'bob calls the rooms');

  const [stA, stB] = await Promise.all([
    pages.alice.waitRoomMedia('alice', others('alice'), { frames: 10, minRms: 0.05, above: 5, timeout: 25000 }),
    pages.bob.waitRoomMedia('bob', others('bob'), { frames: 10, minRms: 0.05, above: 5, timeout: 25000 }),
  ]);
  const [pads1, pads2] = await Promise.all(['gst1', 'gst2'].map((id) =>
    rooms[id].waitPads(others(id).flatMap((r) => [`video_${r}`, `audio_${r}`]), { buffers: 10, loud: 1, timeout: 25000 })));
  console.log(`# all 12 directed flows play ${Date.now() - tJoin} ms after the browsers joined`);

  // roles: the lower ID called
  assert.equal(stA.remotes.bob.role, 'caller');
  assert.equal(stB.remotes.alice.role, 'answerer');
  for (const r of ['gst1', 'gst2']) {
    assert.equal(stA.remotes[r].role, 'caller', `alice called ${r}`);
    assert.equal(stB.remotes[r].role, 'caller', `bob called ${r}`);
  }
  for (const [id, st] of [['alice', stA], ['bob', stB]]) {
    for (const [r, s] of Object.entries(st.remotes))
      assert.equal(s.keys.length, 1, `${id}: exactly one call with ${r} (the rooms follow lower-id-calls): ${JSON.stringify(s.keys)}`);
    assert.equal((await pages[id].events(id, 'room-glare')).length, 0, `${id}: no glare`);
    assert.deepEqual(st.rejected, [], `${id}: no call rejected`);
  }
  // each room: one media connection per member, connected
  for (const id of ['gst1', 'gst2']) {
    for (const r of others(id)) {
      const c = rooms[id].msgs('peerjs-connection-state', { 'peer-id': r, kind: 'media', state: 'connected' });
      assert.ok(c.length >= 1, `${id} reports its media connection with ${r} connected`);
    }
  }
  const outgoing1 = rooms.gst1.msgs('peerjs-connection-state', { 'peer-id': 'gst2', kind: 'media', state: 'connecting' })[0];

  // timings: call -> first remote frame / first buffer, both sides
  const lines = [];
  for (const id of ['alice', 'bob']) {
    const calls = await pages[id].events(id, 'calling');
    for (const [r, s] of Object.entries(id === 'alice' ? stA.remotes : stB.remotes)) {
      const [ff] = await pages[id].events(s.key, 'first-frame');
      if (s.role === 'caller') {
        const c = calls.find((x) => x.key === s.key);
        let more = '';
        if (r.startsWith('gst')) {
          const cid = s.key.split(':')[1];
          const st = (state) => rooms[r].msgs('peerjs-connection-state', { 'connection-id': cid, state })[0];
          const remoteFirst = (r === 'gst1' ? pads1 : pads2)[`video_${id}`].first_at;
          more = `, at ${r} ${ms(remoteFirst - c.t)} (offer in ${ms(st('connecting')?.t - c.t)}, connected ${ms(st('connected')?.t - c.t)})`;
        }
        lines.push(`${id}->${r}: at ${id} ${ms(ff.t - c.t)}${more}`);
      }
    }
  }
  if (outgoing1) lines.push(`gst1->gst2: at gst1 ${ms(pads1.video_gst2.first_at - outgoing1.t)}, at gst2 ${ms(pads2.video_gst1.first_at - outgoing1.t)}`);
  console.log(`# call -> first remote video frame/buffer [${KIND}]: ${lines.join('; ')}`);
  const rms = (st) => Object.entries(st.remotes).map(([r, s]) => `${r} ${s.audio.maxRms.toFixed(2)}`).join(', ');
  console.log(`# max remote audio RMS: at alice ${rms(stA)}; at bob ${rms(stB)}; ` +
    `gst1 hears ${others('gst1').map((r) => `${r} ${pads1[`audio_${r}`].max_rms_db} dB`).join(', ')}`);

  const blips = ['gst1', 'gst2'].map((id) => { const b = rooms[id].stateBlips(); return `${id} ${b.count} times (${b.ms} ms)`; });
  console.log(`# pipeline dropped from PLAYING to PAUSED while members joined: ${blips.join(', ')}`);

  // everything keeps flowing
  const f1 = await flows();
  await sleep(1000);
  const f2 = await flows();
  assertAdvancing(f1, f2, Object.keys(f2), 'mesh');
}));

test('gst2 is SIGKILLed: the others notice within 20 s and keep flowing', { timeout: 60000 }, g(async () => {
  assert.ok(rooms.gst2 && tJoin, 'needs the mesh of the previous test');
  const since1 = rooms.gst1.seq;
  const tKill = Date.now();
  await rooms.gst2.kill();
  h.unwatch(rooms.gst2);

  // browsers: their call with gst2 closes, or ICE leaves connected;
  // gst1: any state change of gst2's connection, peer-left, or its pads go.
  // Everything is collected first (up to NOTICE_MS), printed, then asserted.
  const noticed = {};
  const gone = (s) => s.closedAt || ['disconnected', 'failed', 'closed'].includes(s.iceConnectionState);
  const roomGone = (e) => (e.ev === 'msg' && e.fields?.['peer-id'] === 'gst2' &&
    (e.name === 'peerjs-peer-left' || (e.name === 'peerjs-connection-state' && e.fields.state !== 'connected'))) ||
    (e.ev === 'pad-removed' && e.pad === 'video_gst2');
  const deadline = tKill + NOTICE_MS;
  while (Object.keys(noticed).length < 3 && Date.now() < deadline) {
    for (const id of ['alice', 'bob']) {
      if (noticed[id]) continue;
      const s = (await pages[id].roomState(id)).remotes.gst2;
      if (gone(s)) noticed[id] = { t: s.closedAt ?? Date.now(), how: s.closedAt ? 'call close' : `ICE ${s.iceConnectionState}` };
    }
    const rn = rooms.gst1.eventsOf(null, since1).find(roomGone);
    if (rn && !noticed.gst1) noticed.gst1 = { t: rn.t, how: rn.ev === 'msg' ? `${rn.name} ${rn.fields.state ?? ''}`.trim() : `${rn.ev} ${rn.pad}` };
    await sleep(200);
  }
  console.log(`# gst2 SIGKILLed [${KIND}]: ` + ['alice', 'bob', 'gst1'].map((id) =>
    `${id} ${noticed[id] ? `${noticed[id].how} after ${ms(noticed[id].t - tKill)}` : `did not notice in ${NOTICE_MS / 1000} s`}`).join(', '));
  // the rest of the mesh keeps flowing
  const alive = ['alice<-bob', 'alice<-gst1', 'bob<-alice', 'bob<-gst1', 'gst1<-alice', 'gst1<-bob'];
  const f1 = await flows();
  await sleep(1000);
  const f2 = await flows();
  assertAdvancing(f1, f2, alive, 'after gst2 died');
  for (const id of ['alice', 'bob'])
    assert.ok(noticed[id], `${id} noticed gst2's death within ${NOTICE_MS / 1000} s (call close or ICE not connected): ` +
      JSON.stringify((await pages[id].roomState(id)).remotes.gst2, (k, v) => (k === 'inbound' ? undefined : v)));
  assert.ok(noticed.gst1, `gst1 noticed gst2's death within ${NOTICE_MS / 1000} s (peerjs-connection-state of gst2 other than ` +
    'connected, peerjs-peer-left gst2, or video_gst2 removed); gst1 posted since the kill: ' +
    JSON.stringify(rooms.gst1.eventsOf(null, since1).filter((e) => e.ev !== 'stats')));
  // a later peer-left / failed, for the record
  await sleep(500);
  for (const e of rooms.gst1.eventsOf(null, since1).filter((x) => (x.ev === 'msg' && x.fields?.['peer-id'] === 'gst2') || x.ev === 'pad-removed'))
    console.log(`#   gst1 +${ms(e.t - tKill)}: ${e.ev === 'msg' ? `${e.name} ${JSON.stringify(e.fields)}` : `${e.ev} ${e.pad}`}`);

  assert.equal(rooms.gst1.exit, null, 'gst1 still runs');
  assert.equal(rooms.gst1.eventsOf('error').length, 0, `gst1 posted no error: ${JSON.stringify(rooms.gst1.eventsOf('error'))}`);
  await rooms.gst1.stop();
  for (const id of ['gst1', 'gst2'])
    assert.deepEqual(rooms[id].criticals, [], `${id}: no GLib criticals/warnings`);
}));
