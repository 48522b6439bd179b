// Server loss and reconnect with real peerjs@1.5.5 in headless Chromium:
// SIGKILL the server under test (INTEROP_SERVER=peer|gst), the pages see
// `network` + `disconnected` (an established call keeps playing), restart the
// server on the same port, `peer.reconnect()` (bounded retries) gets `open`
// with the same ID, and a new call works.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPeerServer, serverKindFromEnv } from './lib/servers.mjs';
import { Harness, withDiagnostics, sleep } from './lib/browser.mjs';

const KIND = serverKindFromEnv();
const FILE_TIMEOUT_MS = 90000;
const RECONNECT_ATTEMPTS = 10;

setTimeout(() => {
  console.error(`browser-reconnect: file timeout after ${FILE_TIMEOUT_MS} ms`);
  process.exit(1);
}, FILE_TIMEOUT_MS).unref();

let server, h, pa, pb, oldCall;
const g = (fn) => withDiagnostics(() => h, fn);

before(async () => {
  const t0 = Date.now();
  server = await startPeerServer({ kind: KIND, allowDiscovery: true });
  h = await Harness.start();
  h.watchServer(server);
  pa = await h.newPage('alice', server);
  pb = await h.newPage('bob', server);
  await pa.getLocalStream();
  await pb.getLocalStream();
  await pa.newPeer('alice', 'alice');
  await pb.newPeer('bob', 'bob');
  await pb.setAutoAnswer('bob', true);
  await Promise.all([pa.waitOpen('alice'), pb.waitOpen('bob')]);
  console.log(`# server kind=${KIND} url=${server.url}; setup ${Date.now() - t0} ms`);
});

after(async () => {
  if (h) await h.close();
  if (server) await server.stop();
});

test('a call is up before the server goes away', { timeout: 20000 }, g(async () => {
  const key = await pa.call('alice', 'bob');
  const callEv = await pb.waitFor('bob', 'call', { timeout: 10000 });
  await Promise.all([pa.waitFrames(key, 5, 10000), pb.waitFrames(callEv.key, 5, 10000)]);
  oldCall = { a: key, b: callEv.key };
}));

test('server SIGKILLed: both pages see network error and disconnected; media keeps flowing', { timeout: 20000 }, g(async () => {
  const sa = await pa.seq();
  const sb = await pb.seq();
  const t0 = Date.now();
  await server.kill();
  for (const [p, name, since] of [[pa, 'alice', sa], [pb, 'bob', sb]]) {
    const err = await p.waitFor(name, 'error', { since, timeout: 10000 });
    assert.equal(err.type, 'network', `${name}: ${JSON.stringify(err)}`);
    assert.equal(err.message, 'Lost connection to server.');
    await p.waitFor(name, 'disconnected', { since, timeout: 5000 });
    const st = await p.peerState(name);
    assert.equal(st.disconnected, true);
    assert.equal(st.destroyed, false);
  }
  console.log(`# server kill -> both pages disconnected in ${Date.now() - t0} ms`);

  // P2P media does not depend on the signalling server.
  const before1 = await pb.mediaState(oldCall.b);
  await sleep(500);
  const after1 = await pb.mediaState(oldCall.b);
  assert.ok(after1.frames > before1.frames, `old call still renders frames without server (${before1.frames} -> ${after1.frames})`);
}));

async function reconnectUntilOpen(p, name) {
  const t0 = Date.now();
  for (let i = 1; i <= RECONNECT_ATTEMPTS; i++) {
    const since = await p.seq();
    const threw = await p.reconnect(name);
    if (threw) throw new Error(`${name}.reconnect() threw: ${threw}`);
    const e = await p.waitAny(name, ['open', 'disconnected', 'error'], { since, timeout: 5000 });
    if (e.ev === 'open') return { e, attempts: i, ms: Date.now() - t0 };
    // A failed attempt emits error(network) and then disconnected: wait for
    // the disconnected state before retrying (reconnect() needs it).
    if (e.ev === 'error') await p.waitFor(name, 'disconnected', { since, timeout: 5000 }).catch(() => {});
    await sleep(300);
  }
  throw new Error(`${name}: no open after ${RECONNECT_ATTEMPTS} reconnect attempts`);
}

test('restart on the same port: reconnect() gets open with the same ID', { timeout: 40000 }, g(async () => {
  // One attempt while the server is still down must fail (and not open).
  const since = await pa.seq();
  assert.equal(await pa.reconnect('alice'), null);
  const e = await pa.waitAny('alice', ['open', 'error'], { since, timeout: 5000 });
  assert.equal(e.ev, 'error', 'no open while the server is down');
  assert.equal(e.type, 'network');
  await pa.waitFor('alice', 'disconnected', { since, timeout: 5000 });

  const port = server.port;
  await server.start();
  assert.equal(server.port, port, 'restarted on the same port');

  const [ra, rb] = await Promise.all([reconnectUntilOpen(pa, 'alice'), reconnectUntilOpen(pb, 'bob')]);
  console.log(`# reconnect after restart: alice ${ra.attempts} attempt(s) ${ra.ms} ms, bob ${rb.attempts} attempt(s) ${rb.ms} ms`);
  assert.equal(ra.e.id, 'alice');
  assert.equal(rb.e.id, 'bob');
  for (const [p, name] of [[pa, 'alice'], [pb, 'bob']]) {
    const st = await p.peerState(name);
    assert.deepEqual([st.id, st.open, st.disconnected], [name, true, false], `${name} state ${JSON.stringify(st)}`);
  }
  const peers = await server.peers();
  assert.deepEqual([...peers.body].sort(), ['alice', 'bob'], `GET /peers: ${JSON.stringify(peers)}`);
}));

test('a new call works after the reconnect', { timeout: 20000 }, g(async () => {
  await pa.close(oldCall.a);
  await pb.waitFor(oldCall.b, 'close', { timeout: 5000 });
  const sb = await pb.seq();
  const calling = await pa.call('alice', 'bob', { after: 'reconnect' });
  const callEv = await pb.waitFor('bob', 'call', { since: sb, timeout: 10000 });
  assert.deepEqual(callEv.metadata, { after: 'reconnect' });
  const [sa, sbm] = await Promise.all([pa.waitFrames(calling, 10, 10000), pb.waitFrames(callEv.key, 10, 10000)]);
  assert.ok(sa.videoWidth > 0 && sbm.videoWidth > 0);
  assert.ok(sa.audioTracks.length >= 1 && sbm.audioTracks.length >= 1);
  // And a data connection through the restarted server.
  const sb2 = await pb.seq();
  const keyA = await pa.connect('alice', 'bob', { serialization: 'json', reliable: true });
  const conn = await pb.waitFor('bob', 'connection', { since: sb2, timeout: 10000 });
  await pa.waitFor(keyA, 'open', { timeout: 10000 });
  await pa.send(keyA, [{ ping: 1 }]);
  assert.deepEqual(await pb.waitData(conn.key, 1), [{ ping: 1 }]);
}));
