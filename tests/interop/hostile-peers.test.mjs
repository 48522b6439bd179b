// Hostile browser peers against a peerjsroom (issue 6, docs/reliability.md
// section 6, rows peers-browser-*), through the server under test
// (INTEROP_SERVER=peer|gst), with real peerjs@1.5.5 in headless Chromium:
//
//   (a) eve, in nobody's `peers`, calls room gst1 (peers=alice) with her
//       camera and opens a DataConnection to it, while alice's call flows:
//       gst1 posts rejected-call and rejected-connection for eve; at eve's
//       side no remote stream, no call or data connection ever opens, no
//       value arrives; gst1 has no eve pads; alice's media goes on
//   (b) alice, a member, sends 2000 garbage frames (truncated BinaryPack,
//       text frames) on her binary DataConnection, then a value: gst1 posts
//       bad-data errors at a bounded rate, the value arrives, the
//       connection stays open, alice's media goes on
//
// The element side of the same cases, and the floods of 100 calls a
// second, are elements/peerjsstrangers (C).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPeerServer, serverKindFromEnv } from './lib/servers.mjs';
import { Harness, withDiagnostics, sleep } from './lib/browser.mjs';
import { startGstMember } from './lib/gst-member.mjs';
import { checkFigure } from './lib/reliability.mjs';

const KIND = serverKindFromEnv();
const FILE_TIMEOUT_MS = 170000;
setTimeout(() => {
  console.error(`hostile-peers: file timeout after ${FILE_TIMEOUT_MS} ms`);
  process.exit(1);
}, FILE_TIMEOUT_MS).unref();

// the rows of docs/reliability.md, by server kind
const FIGURES = {
  gst: { stranger: 'peers-browser-stranger-gst', garbage: 'peers-browser-garbage-errors-gst' },
  peer: { stranger: 'peers-browser-stranger-peer', garbage: 'peers-browser-garbage-errors-peer' },
}[KIND];

let server, h, alice, eve, gst1, callA;
const g = (fn) => withDiagnostics(() => h, fn);

before(async () => {
  server = await startPeerServer({ kind: KIND, allowDiscovery: true });
  h = await Harness.start();
  h.watchServer(server);
  alice = await h.newPage('alice', server);
  eve = await h.newPage('eve', server);
  for (const [p, id] of [[alice, 'alice'], [eve, 'eve']]) {
    await p.getLocalStream();
    await p.newPeer(id, id);
  }
  await Promise.all([alice.waitOpen('alice'), eve.waitOpen('eve')]);
  gst1 = await startGstMember({ server, peerId: 'gst1', peers: ['alice'], callPolicy: 'answer-only' });
  h.watchProcess(gst1);
  await gst1.waitOpen(15000);
  callA = await alice.call('alice', 'gst1');
  await alice.waitFrames(callA, 10, 20000);
  console.log(`# server kind=${KIND}: alice's call to gst1 flows`);
});

after(async () => {
  if (gst1) await gst1.kill();
  if (h) await h.close();
  if (server) await server.stop();
});

async function aliceStillPlays(what) {
  const a1 = await alice.mediaState(callA);
  await sleep(700);
  const a2 = await alice.mediaState(callA);
  assert.ok(a2.frames > a1.frames, `${what}: alice still gets frames (${a1.frames} -> ${a2.frames})`);
}

test('(a) a stranger calls and opens a DataConnection: rejected, gets nothing', { timeout: 60000 }, g(async () => {
  const since = gst1.seq;
  const sinceEve = await eve.seq();
  const call = await eve.call('eve', 'gst1');
  const dc = await eve.connect('eve', 'gst1', { serialization: 'binary', reliable: true });
  await gst1.waitMsg('peerjs-error', { 'peer-id': 'eve', type: 'rejected-call' }, { since, timeout: 10000 });
  await gst1.waitMsg('peerjs-error', { 'peer-id': 'eve', type: 'rejected-connection' }, { since, timeout: 10000 });
  // give a wrongly answered call or connection every chance to open
  await sleep(5000);
  const st = await eve.mediaState(call);
  const got = {
    streams: (await eve.events(call, 'stream', sinceEve)).length + (st.haveStream ? 1 : 0),
    callOpen: (await eve.events(call, 'open', sinceEve)).length,
    dataOpen: (await eve.events(dc, 'open', sinceEve)).length,
    values: (await eve.events(dc, 'data', sinceEve)).length,
    gstJoined: gst1.msgs('peerjs-peer-joined', { 'peer-id': 'eve' }, since).length,
    gstConnected: gst1.msgs('peerjs-connection-state', { 'peer-id': 'eve', state: 'connected' }, since).length,
    gstDataOpen: gst1.msgs('peerjs-data-connection', { 'peer-id': 'eve', state: 'open' }, since).length,
    gstValues: gst1.msgs('peerjs-data', { 'peer-id': 'eve' }, since).length,
  };
  const s = await gst1.stats();
  got.gstPads = Object.keys(s).filter((p) => /_eve$/.test(p)).length;
  console.log(`# (a) [${KIND}] what eve got and gave: ${JSON.stringify(got)}; ICE at eve ${st.iceConnectionState}`);
  checkFigure(FIGURES.stranger, Object.values(got).reduce((a, b) => a + b, 0), '');
  await aliceStillPlays('(a)');
  eve.close(call).catch(() => {});
  eve.close(dc).catch(() => {});
}));

test('(b) a member sends garbage frames: bounded errors, the connection stays', { timeout: 60000 }, g(async () => {
  const since = gst1.seq;
  const sinceAlice = await alice.seq();
  const dc = await alice.connectData('alice', 'gst1', { serialization: 'binary', reliable: true, label: 'garbage' });
  await alice.waitFor(dc, 'open', { since: sinceAlice, timeout: 15000 });
  const opened = await gst1.waitMsg('peerjs-data-connection', { 'peer-id': 'alice', label: 'garbage', state: 'open' },
    { since, timeout: 10000 });
  const cid = opened.fields['connection-id'];
  const frames = [];
  for (let i = 0; i < 1000; i++) frames.push({ hex: '9301' }, { text: 'garbage' });
  const t0 = Date.now();
  await alice.sendRawFrames(dc, frames);
  await alice.send(dc, ['still here']);
  const value = await gst1.waitMsg('peerjs-data', { 'connection-id': cid }, { since, timeout: 20000 });
  const t1 = Date.now();
  await sleep(1500);
  const errs = gst1.msgs('peerjs-error', { 'peer-id': 'alice', type: 'bad-data' }, since).map((e) => e.t);
  let perSecond = 0;
  for (let i = 0; i < errs.length; i++)
    perSecond = Math.max(perSecond, errs.filter((t) => t >= errs[i] && t < errs[i] + 1000).length);
  console.log(`# (b) [${KIND}] 2000 garbage frames + a value in ${t1 - t0} ms: ${errs.length} bad-data errors, ` +
    `at most ${perSecond} in one second; the value: ${JSON.stringify(value.fields.json ?? value.fields)}`);
  assert.ok(errs.length > 0, 'gst1 reports the garbage');
  assert.equal(gst1.msgs('peerjs-data-connection', { 'connection-id': cid, state: 'closed' }, since).length, 0,
    'the connection stays open');
  checkFigure(FIGURES.garbage, perSecond, '/s');
  await aliceStillPlays('(b)');
  assert.equal(gst1.exit, null, 'gst1 still runs');
}));
