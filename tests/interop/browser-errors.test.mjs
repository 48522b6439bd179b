// Error paths of real peerjs@1.5.5 in headless Chromium against the server
// under test (INTEROP_SERVER=peer|gst): ID taken, server-assigned ID,
// invalid key, peer-unavailable (EXPIRE), and the queue for a late callee.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPeerServer, serverKindFromEnv } from './lib/servers.mjs';
import { Harness, withDiagnostics } from './lib/browser.mjs';

const KIND = serverKindFromEnv();
const FILE_TIMEOUT_MS = 90000;
const EXPIRE_MS = 1500;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

setTimeout(() => {
  console.error(`browser-errors: file timeout after ${FILE_TIMEOUT_MS} ms`);
  process.exit(1);
}, FILE_TIMEOUT_MS).unref();

let server, h, p1, p2;
const g = (fn) => withDiagnostics(() => h, fn);

before(async () => {
  const t0 = Date.now();
  server = await startPeerServer({ kind: KIND, allowDiscovery: true, expireTimeout: EXPIRE_MS });
  h = await Harness.start();
  h.watchServer(server);
  p1 = await h.newPage('page1', server);
  p2 = await h.newPage('page2', server);
  await p1.getLocalStream();
  await p2.getLocalStream();
  await p1.newPeer('alice', 'alice');
  await p1.waitOpen('alice');
  await p1.setAutoAnswer('alice', true);
  console.log(`# server kind=${KIND} url=${server.url}; setup ${Date.now() - t0} ms`);
});

after(async () => {
  if (h) await h.close();
  if (server) await server.stop();
});

test('ID taken: a second "alice" gets unavailable-id, the first stays usable', { timeout: 30000 }, g(async () => {
  await p2.newPeer('intruder', 'alice');
  const e = await p2.waitAny('intruder', ['open', 'error'], { timeout: 10000 });
  assert.equal(e.ev, 'error', `the second "alice" must not open: ${JSON.stringify(e)}`);
  assert.equal(e.type, 'unavailable-id');
  assert.equal(e.message, 'ID "alice" is taken');
  const st = await p2.peerState('intruder');
  assert.equal(st.destroyed, true, 'a Peer that never opened is destroyed after unavailable-id');

  // The first alice is still registered and can be called.
  assert.equal((await p1.peerState('alice')).open, true);
  assert.deepEqual((await p1.events('alice', 'error')), [], 'the first alice saw no error');
  const peers = await server.peers();
  assert.deepEqual(peers.body, ['alice'], `GET /peers: ${JSON.stringify(peers)}`);

  await p2.newPeer('carol', 'carol');
  await p2.waitOpen('carol');
  const since1 = await p1.seq();
  const key = await p2.call('carol', 'alice');
  const callEv = await p1.waitFor('alice', 'call', { since: since1, timeout: 10000 });
  assert.equal(callEv.from, 'carol');
  await Promise.all([p2.waitFrames(key, 3, 10000), p1.waitFrames(callEv.key, 3, 10000)]);
  await p2.close(key);
  await p1.waitFor(callEv.key, 'close', { timeout: 5000 });
}));

test('server-assigned ID: new Peer() fetches a UUID from GET <path><key>/id', { timeout: 20000 }, g(async () => {
  const idRequest = p2.page.waitForRequest((r) => /\/peerjs\/id\?/.test(r.url()), { timeout: 10000 });
  const idResponse = p2.page.waitForResponse((r) => /\/peerjs\/id\?/.test(r.url()), { timeout: 10000 });
  await p2.newPeer('anon', null);
  const e = await p2.waitOpen('anon');
  const req = await idRequest;
  const res = await idResponse;
  assert.equal(res.status(), 200, `GET ${req.url()}`);
  const body = await res.text();
  assert.match(body, UUID_V4, 'the /id body is a UUID v4');
  assert.equal(e.id, body, 'the Peer opened with the ID from /id');
  assert.match(req.url(), new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/peerjs/id\\?ts=\\d+`));
  const peers = await server.peers();
  assert.ok(peers.body.includes(e.id), `GET /peers lists ${e.id}: ${JSON.stringify(peers.body)}`);
  await p2.destroy('anon');
}));

test('invalid key: server-error "Invalid key provided"', { timeout: 20000 }, g(async () => {
  await p2.newPeer('badkey', 'dave', { key: 'not-the-key' });
  const e = await p2.waitAny('badkey', ['open', 'error'], { timeout: 10000 });
  assert.equal(e.ev, 'error', `must not open with a wrong key: ${JSON.stringify(e)}`);
  assert.equal(e.type, 'server-error');
  assert.equal(e.message, 'Invalid key provided');
  assert.equal((await p2.peerState('badkey')).destroyed, true);
  const peers = await server.peers();
  assert.ok(!peers.body.includes('dave'), `dave is not registered: ${JSON.stringify(peers.body)}`);
}));

test(`peer-unavailable: calling an absent ID is answered by EXPIRE (expire-timeout ${EXPIRE_MS} ms)`, { timeout: 20000 }, g(async () => {
  const since = await p1.seq();
  const t0 = Date.now();
  await p1.call('alice', 'nobody');
  const e = await p1.waitFor('alice', 'error', { since, timeout: EXPIRE_MS + 6000 });
  const dt = Date.now() - t0;
  console.log(`# call to absent peer -> peer-unavailable after ${dt} ms (expire-timeout ${EXPIRE_MS})`);
  assert.equal(e.type, 'peer-unavailable');
  assert.equal(e.message, 'Could not connect to peer nobody');
  // The server queues for expire-timeout before giving up (protocol doc 2.7).
  assert.ok(dt >= EXPIRE_MS - 100, `EXPIRE must not come before expire-timeout (${dt} ms)`);
  assert.equal((await p1.peerState('alice')).open, true, 'alice stays connected');
}));

test('a call to a peer that registers shortly after is queued and delivered', { timeout: 20000 }, g(async () => {
  const since1 = await p1.seq();
  const key = await p1.call('alice', 'latecomer', { late: true });
  await new Promise((r) => setTimeout(r, 400));
  await p2.setAutoAnswer('latecomer', true);
  await p2.newPeer('latecomer', 'latecomer');
  await p2.waitOpen('latecomer');
  const callEv = await p2.waitFor('latecomer', 'call', { timeout: 5000 });
  assert.equal(callEv.from, 'alice');
  assert.deepEqual(callEv.metadata, { late: true });
  await Promise.all([p1.waitFrames(key, 3, 10000), p2.waitFrames(callEv.key, 3, 10000)]);
  const errs = await p1.events('alice', 'error', since1);
  assert.deepEqual(errs, [], 'no peer-unavailable for a peer that came in time');
}));
