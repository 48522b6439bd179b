// Two browser peers (alice, bob) in headless Chromium, real peerjs@1.5.5,
// through the signalling server under test (INTEROP_SERVER=peer|gst):
// a media call with video+audio both ways, two DataConnections (default =
// BinaryPack unordered, json reliable) with messages both ways, then hang-up.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPeerServer, serverKindFromEnv } from './lib/servers.mjs';
import { Harness, withDiagnostics, sleep } from './lib/browser.mjs';

const KIND = serverKindFromEnv();
const FILE_TIMEOUT_MS = 90000;

// Hard bound for the whole file: exit (servers are SIGKILLed from the exit
// hook in lib/servers.mjs, playwright kills its browser on exit).
setTimeout(() => {
  console.error(`browser-call: file timeout after ${FILE_TIMEOUT_MS} ms`);
  process.exit(1);
}, FILE_TIMEOUT_MS).unref();

let server, h, alice, bob;
let callKeyA, callKeyB;
const g = (fn) => withDiagnostics(() => h, fn);

before(async () => {
  const t0 = Date.now();
  server = await startPeerServer({ kind: KIND, allowDiscovery: true });
  h = await Harness.start();
  h.watchServer(server);
  alice = await h.newPage('alice', server);
  bob = await h.newPage('bob', server);
  console.log(`# server kind=${KIND} url=${server.url}; setup (server, browser, 2 pages) ${Date.now() - t0} ms`);
});

after(async () => {
  const t0 = Date.now();
  if (h) await h.close();
  if (server) await server.stop();
  console.log(`# teardown ${Date.now() - t0} ms`);
});

test('alice and bob register with the server', { timeout: 20000 }, g(async () => {
  for (const p of [alice, bob]) {
    const tracks = await p.getLocalStream();
    assert.deepEqual(tracks.map((t) => t.kind).sort(), ['audio', 'video'], `${p.name}: fake camera+mic`);
  }
  await alice.newPeer('alice', 'alice');
  await bob.newPeer('bob', 'bob');
  const [ea, eb] = await Promise.all([alice.waitOpen('alice'), bob.waitOpen('bob')]);
  assert.equal(ea.id, 'alice');
  assert.equal(eb.id, 'bob');
  const peers = await server.peers();
  assert.equal(peers.status, 200, `GET /peerjs/peers: ${JSON.stringify(peers)}`);
  assert.deepEqual([...peers.body].sort(), ['alice', 'bob']);
}));

test('alice calls bob, both see the other\'s video playing and receive audio', { timeout: 30000 }, g(async () => {
  await bob.setAutoAnswer('bob', true);     // bob answers in-page with his camera+mic
  const sinceB = await bob.seq();
  callKeyA = await alice.call('alice', 'bob', { hello: 'from alice', n: 1 });
  const [calling] = await alice.events('alice', 'calling');
  const callEv = await bob.waitFor('bob', 'call', { since: sinceB, timeout: 10000 });
  callKeyB = callEv.key;
  assert.equal(callEv.from, 'alice');
  assert.equal(callEv.connectionId, calling.connectionId, 'same connectionId on both sides');
  assert.deepEqual(callEv.metadata, { hello: 'from alice', n: 1 });

  // Remote video must really play on both sides (rVFC counts rendered frames).
  const [stA, stB] = await Promise.all([alice.waitFrames(callKeyA, 10, 15000), bob.waitFrames(callKeyB, 10, 15000)]);
  const [ffA] = await alice.events(callKeyA, 'first-frame');
  const [ffB] = await bob.events(callKeyB, 'first-frame');
  console.log(`# call -> first remote frame: at bob ${(ffB.t - calling.t).toFixed(0)} ms (${ffB.width}x${ffB.height}), ` +
    `at alice ${(ffA.t - calling.t).toFixed(0)} ms (${ffA.width}x${ffA.height})  [server ${KIND}]`);

  for (const [who, st] of [['alice', stA], ['bob', stB]]) {
    assert.ok(st.videoWidth > 0 && st.videoHeight > 0, `${who}: remote video has a size: ${JSON.stringify(st)}`);
    assert.equal(st.playError, null, `${who}: video.play() failed`);
    assert.equal(st.videoTracks.length, 1, `${who}: one remote video track`);
    assert.ok(st.audioTracks.length >= 1, `${who}: a remote audio track`);
    assert.equal(st.audioTracks[0].readyState, 'live', `${who}: remote audio track live`);
  }

  // Playback advances, and audio RTP keeps arriving.
  await sleep(600);
  const [stA2, stB2] = await Promise.all([alice.mediaState(callKeyA), bob.mediaState(callKeyB)]);
  for (const [who, s1, s2] of [['alice', stA, stA2], ['bob', stB, stB2]]) {
    assert.ok(s2.currentTime > s1.currentTime, `${who}: video currentTime advances (${s1.currentTime} -> ${s2.currentTime})`);
    assert.ok(s2.frames > s1.frames, `${who}: more frames rendered (${s1.frames} -> ${s2.frames})`);
    assert.ok(s2.inbound.audio && s2.inbound.audio.packetsReceived > 0, `${who}: inbound audio RTP: ${JSON.stringify(s2.inbound)}`);
    assert.ok(s2.inbound.audio.packetsReceived > (s1.inbound.audio?.packetsReceived ?? 0), `${who}: audio packets keep arriving`);
    assert.ok(s2.inbound.video && s2.inbound.video.framesDecoded > 0, `${who}: video frames decoded`);
    assert.ok(['connected', 'completed'].includes(s2.iceConnectionState), `${who}: ICE ${s2.iceConnectionState}`);
  }
  console.log(`# remote frames rendered in 600 ms: bob ${stB2.frames - stB.frames}, alice ${stA2.frames - stA.frames}`);
}));

// Values that survive BinaryPack both ways (no powers of two: see protocol doc 5.3).
const BINARY_VALUES_A = [
  'hello bob',
  'héllo wörld ✓ 🎉',
  42, -7, 3.25, true, false,          // a top-level null crashes peerjs 1.5.5's receiver (reads null.__peerData)
  [1, 'two', { three: 3 }],
  { a: 1, nested: { b: [true, null, 'x'] }, s: 'str' },
  { __bytes: [0, 1, 2, 127, 128, 253, 254, 255] },
  'L'.repeat(40000),                     // > 16300 bytes: chunked by peerjs
];
const BINARY_VALUES_B = ['hi alice', 1000001, -0.5, { reply: true, list: [3, 5, 7] }, { __bytes: [9, 8, 7] }, ''];
const JSON_VALUES_A = [{ type: 'hello', n: 1 }, [1, 2, 3], 'text', 12.5, { deep: { er: { list: [{ x: 1 }, { y: 'z' }] } } }, true, 'ünïcödé'];
const JSON_VALUES_B = [{ type: 'ack', n: 1 }, 'second', 3, [{ a: [] }], { last: true }];

const canon = (vs) => vs.map((v) => JSON.stringify(v)).sort();

async function openData(opts, label) {
  const sinceB = await bob.seq();
  const keyA = await alice.connect('alice', 'bob', { label, metadata: { purpose: label }, ...opts });
  const conn = await bob.waitFor('bob', 'connection', { since: sinceB, timeout: 10000 });
  assert.equal(conn.from, 'alice');
  assert.equal(conn.label, label);
  assert.deepEqual(conn.metadata, { purpose: label });
  const keyB = conn.key;
  await Promise.all([alice.waitFor(keyA, 'open', { timeout: 10000 }), bob.waitFor(keyB, 'open', { timeout: 10000 })]);
  return { keyA, keyB, conn };
}

test('DataConnection, default serialization (BinaryPack, unordered): messages both ways', { timeout: 30000 }, g(async () => {
  const t0 = Date.now();
  const { keyA, keyB, conn } = await openData({}, 'chat-default');
  console.log(`# default DataConnection open in ${Date.now() - t0} ms`);
  assert.equal(conn.serialization, 'binary', 'wire serialization of "default"');
  assert.equal(conn.reliable, false);
  const infoA = await alice.dataChannelInfo(keyA);
  assert.equal(infoA.ordered, false, 'default DataConnection channel is unordered');

  await alice.send(keyA, BINARY_VALUES_A);
  const gotB = await bob.waitData(keyB, BINARY_VALUES_A.length, { timeout: 10000 });
  assert.deepEqual(canon(gotB), canon(BINARY_VALUES_A), 'bob received alice\'s values');

  await bob.send(keyB, BINARY_VALUES_B);
  const gotA = await alice.waitData(keyA, BINARY_VALUES_B.length, { timeout: 10000 });
  assert.deepEqual(canon(gotA), canon(BINARY_VALUES_B), 'alice received bob\'s values');

  await sleep(200);
  assert.equal((await bob.events(keyB, 'data')).length, BINARY_VALUES_A.length, 'no extra messages at bob');
  assert.equal((await alice.events(keyA, 'data')).length, BINARY_VALUES_B.length, 'no extra messages at alice');
}));

test('DataConnection, json reliable: ordered messages both ways', { timeout: 30000 }, g(async () => {
  const { keyA, keyB, conn } = await openData({ serialization: 'json', reliable: true }, 'chat-json');
  assert.equal(conn.serialization, 'json');
  assert.equal(conn.reliable, true);
  const infoA = await alice.dataChannelInfo(keyA);
  assert.equal(infoA.ordered, true, 'reliable DataConnection channel is ordered');

  await alice.send(keyA, JSON_VALUES_A);
  assert.deepEqual(await bob.waitData(keyB, JSON_VALUES_A.length), JSON_VALUES_A, 'bob got alice\'s values in order');
  await bob.send(keyB, JSON_VALUES_B);
  assert.deepEqual(await alice.waitData(keyA, JSON_VALUES_B.length), JSON_VALUES_B, 'alice got bob\'s values in order');

  // Closing a DataConnection is seen by the other side.
  const since = await bob.seq();
  await alice.close(keyA);
  await bob.waitFor(keyB, 'close', { since, timeout: 5000 });
}));

test('alice hangs up, bob sees close', { timeout: 20000 }, g(async () => {
  assert.ok(callKeyA && callKeyB, 'the call test ran');
  const since = await bob.seq();
  const t0 = Date.now();
  await alice.close(callKeyA);
  await alice.waitFor(callKeyA, 'close', { timeout: 5000 });
  await bob.waitFor(callKeyB, 'close', { since, timeout: 5000 });
  console.log(`# hang-up seen by bob after ${Date.now() - t0} ms`);
  const errs = (await bob.events('bob', 'error')).concat(await alice.events('alice', 'error'));
  assert.deepEqual(errs, [], 'no peer errors during the session');
}));
