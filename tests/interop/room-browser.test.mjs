// peerjsroom <-> real peerjs@1.5.5 in headless Chromium, through the server
// under test (INTEROP_SERVER=peer|gst). The GStreamer members are
// lib/gst-member.py (a peerjsroom with videotestsrc ball + audiotestsrc sine,
// buffers counted per remote pad) or, last, a plain gst-launch-1.0 line.
//
//   (a) alice calls room gst1 (peers=alice, call-policy=answer-only): alice
//       renders gst1's video and hears its audio; gst1's video_alice and
//       audio_alice pads deliver buffers (and alice's beeps are loud)
//   (c) stranger eve (not in peers) calls gst1 meanwhile: never answered with
//       media, gst1 posts peerjs-error, no eve pads, alice's call unharmed
//   (d) alice hangs up: gst1 reports alice's media connection disconnected,
//       and peer-left or the pads go away, within 5 s
//   (b) room gst2 (peers=bob, call-policy=call-all) calls bob, bob's app
//       answers with its camera: media both ways
//   (e) the gst-launch line of the docs (default policy, alice < gst3 so
//       alice calls): alice plays gst3's media, gst3 reports connected
//
// Needs GST_PEERJS_PLUGIN_DIR (meson sets it), /usr/bin/python3 with gi.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPeerServer, serverKindFromEnv } from './lib/servers.mjs';
import { Harness, withDiagnostics, sleep } from './lib/browser.mjs';
import { startGstMember, startGstLaunch } from './lib/gst-member.mjs';

const KIND = serverKindFromEnv();
const FILE_TIMEOUT_MS = 170000;
setTimeout(() => {
  console.error(`room-browser: file timeout after ${FILE_TIMEOUT_MS} ms`);
  process.exit(1);
}, FILE_TIMEOUT_MS).unref();

let server, h, alice, bob, eve;
const members = [];
const g = (fn) => withDiagnostics(() => h, fn);
const ms = (x) => `${Math.round(x)} ms`;

async function member(o) {
  const m = await startGstMember({ server, ...o });
  members.push(m);
  h.watchProcess(m);
  return m;
}

async function stopMember(m) {
  await m.stop();
  assert.deepEqual(m.criticals, [], `${m.label}: no GLib criticals/warnings`);
  h.unwatch(m);
}

before(async () => {
  const t0 = Date.now();
  server = await startPeerServer({ kind: KIND, allowDiscovery: true });
  h = await Harness.start();
  h.watchServer(server);
  alice = await h.newPage('alice', server);
  bob = await h.newPage('bob', server);
  eve = await h.newPage('eve', server);
  for (const [p, id] of [[alice, 'alice'], [bob, 'bob'], [eve, 'eve']]) {
    await p.getLocalStream();
    await p.newPeer(id, id);
  }
  await Promise.all([alice.waitOpen('alice'), bob.waitOpen('bob'), eve.waitOpen('eve')]);
  console.log(`# server kind=${KIND} url=${server.url}; setup (server, browser, 3 pages) ${Date.now() - t0} ms`);
});

after(async () => {
  for (const m of members) await m.kill();
  if (h) await h.close();
  if (server) await server.stop();
});

// Browser side: remote video plays and advances, remote audio is heard.
async function assertBrowserPlays(page, key, who) {
  const st = await page.waitFrames(key, 10, 15000);
  const audio = await page.waitAudio(key, { minRms: 0.05, above: 5, timeout: 10000 });
  assert.ok(st.videoWidth > 0 && st.videoHeight > 0, `${who}: remote video has a size: ${JSON.stringify(st)}`);
  await sleep(600);
  const st2 = await page.mediaState(key);
  assert.ok(st2.frames > st.frames, `${who}: more frames rendered (${st.frames} -> ${st2.frames})`);
  assert.ok(st2.currentTime > st.currentTime, `${who}: currentTime advances (${st.currentTime} -> ${st2.currentTime})`);
  assert.ok(st2.audio.above > audio.above, `${who}: audio stays above silence (${audio.above} -> ${st2.audio.above} loud samples)`);
  assert.ok(['connected', 'completed'].includes(st2.iceConnectionState), `${who}: ICE ${st2.iceConnectionState}`);
  return { st: st2, audio: st2.audio };
}

// GStreamer side: the pads of remote `id` deliver, keep delivering, and the
// browser's beeps are above silence.
async function assertGstReceives(m, id) {
  const pads = [`video_${id}`, `audio_${id}`];
  const s1 = await m.waitPads(pads, { buffers: 10, loud: 1, timeout: 15000 });
  await sleep(600);
  const s2 = await m.stats();
  for (const p of pads)
    assert.ok(s2[p].buffers > s1[p].buffers, `${m.peerId}: ${p} keeps delivering (${s1[p].buffers} -> ${s2[p].buffers})`);
  assert.match(s2[`video_${id}`].caps ?? '', /^video\/x-raw/, `${m.peerId}: video_${id} is raw video`);
  assert.match(s2[`audio_${id}`].caps ?? '', /^audio\/x-raw/, `${m.peerId}: audio_${id} is raw audio`);
  return s2;
}

let gst1, callA;

test('(a) the browser calls the room: media both ways', { timeout: 45000 }, g(async () => {
  gst1 = await member({ peerId: 'gst1', peers: ['alice'], callPolicy: 'answer-only' });
  const since = gst1.seq;
  callA = await alice.call('alice', 'gst1');
  const [calling] = await alice.events('alice', 'calling');

  const { audio } = await assertBrowserPlays(alice, callA, 'alice');
  const s = await assertGstReceives(gst1, 'alice');

  const connected = await gst1.waitMsg('peerjs-connection-state',
    { 'peer-id': 'alice', kind: 'media', state: 'connected' }, { since, timeout: 5000 });
  assert.equal(connected.fields['connection-id'], calling.connectionId, 'the room reports the connection ID of the call');
  await gst1.waitMsg('peerjs-peer-joined', { 'peer-id': 'alice' }, { since, timeout: 5000 });

  const [ff] = await alice.events(callA, 'first-frame');
  console.log(`# (a) alice -> gst1 [${KIND}]: call -> first remote frame at alice ${ms(ff.t - calling.t)} ` +
    `(${ff.width}x${ff.height}), first audio at alice ${ms(audio.firstAboveAt - calling.t)}; ` +
    `at gst1 first video buffer ${ms(s.video_alice.first_at - calling.t)}, audio ${ms(s.audio_alice.first_at - calling.t)}; ` +
    `connected ${ms(connected.t - calling.t)}; gst1 hears alice at up to ${s.audio_alice.max_rms_db} dB RMS; ` +
    `gst1's pipeline dropped to PAUSED ${gst1.stateBlips().count} times (${gst1.stateBlips().ms} ms)`);
}));

test('(c) a stranger calls the room: no media, peerjs-error', { timeout: 30000 }, g(async () => {
  assert.ok(callA, 'needs the call of (a)');
  const since = gst1.seq;
  const sinceEve = await eve.seq();
  const key = await eve.call('eve', 'gst1');
  const [calling] = await eve.events('eve', 'calling', sinceEve);
  const err = await gst1.waitMsg('peerjs-error', { 'peer-id': 'eve' }, { since, timeout: 5000 });
  console.log(`# (c) stranger eve -> gst1: peerjs-error after ${ms(err.t - calling.t)}: ${JSON.stringify(err.fields)}`);

  // Give a wrongly answered call every chance to show media.
  await sleep(4000);
  const st = await eve.mediaState(key);
  assert.equal(st.haveStream, false, `eve gets no remote stream: ${JSON.stringify(st)}`);
  assert.equal((await eve.events(key, 'stream')).length, 0, 'no stream event at eve');
  assert.equal((await eve.events(key, 'open')).length, 0, 'eve\'s call is never answered (never opens)');
  assert.ok(!['connected', 'completed'].includes(st.iceConnectionState), `no ICE connection for eve: ${st.iceConnectionState}`);
  const eveMsgs = gst1.msgs('peerjs-connection-state', { 'peer-id': 'eve', state: 'connected' }, since);
  assert.equal(eveMsgs.length, 0, 'gst1 never connects eve');
  const eveJoined = gst1.msgs('peerjs-peer-joined', { 'peer-id': 'eve' }, since);
  assert.equal(eveJoined.length, 0, 'eve never joins');
  const s = await gst1.stats();
  assert.deepEqual(Object.keys(s).filter((p) => /_eve$/.test(p)), [], 'no eve pads');

  // alice's call does not suffer
  const a1 = await alice.mediaState(callA);
  await sleep(500);
  const a2 = await alice.mediaState(callA);
  assert.ok(a2.frames > a1.frames, `alice still gets frames (${a1.frames} -> ${a2.frames})`);
  assert.ok(s.video_alice.buffers > 0 && gst1.pads.video_alice.buffers >= s.video_alice.buffers);
  eve.close(key).catch(() => {});
}));

test('(d) the browser hangs up: the room reports it within 5 s', { timeout: 30000 }, g(async () => {
  assert.ok(callA, 'needs the call of (a)');
  const since = gst1.seq;
  const t0 = Date.now();
  await alice.close(callA);
  const disc = await gst1.waitMsg('peerjs-connection-state',
    { 'peer-id': 'alice', kind: 'media', state: 'disconnected' }, { since, timeout: 5000 });
  const gone = await gst1.waitEvent((e) =>
    (e.ev === 'msg' && e.name === 'peerjs-peer-left' && e.fields['peer-id'] === 'alice') ||
    (e.ev === 'pad-removed' && e.pad === 'video_alice'),
  { since, timeout: Math.max(100, 5000 - (Date.now() - t0)), what: 'peerjs-peer-left alice or pad-removed video_alice' });
  console.log(`# (d) alice hangs up: gst1 state=disconnected after ${ms(disc.t - t0)} ` +
    `(reason ${JSON.stringify(disc.fields.reason ?? null)}), ${gone.ev === 'msg' ? 'peer-left' : 'pad-removed'} after ${ms(gone.t - t0)}`);
  const removed = await gst1.waitEvent((e) => e.ev === 'pad-removed' && e.pad === 'audio_alice',
    { since, timeout: 5000, what: 'pad-removed audio_alice' }).catch(() => null);
  if (removed) console.log(`#     pads removed after ${ms(removed.t - t0)}`);
  // no more buffers from alice
  const s1 = await gst1.stats();
  await sleep(500);
  const s2 = await gst1.stats();
  if (s1.video_alice && s2.video_alice)
    assert.equal(s2.video_alice.buffers, s1.video_alice.buffers, 'no buffers from alice after the hang-up');
  assert.equal(gst1.exit, null, 'gst1 still runs');
  await stopMember(gst1);
  assert.ok(!gst1.eventsOf('error').length, `gst1 posted no error: ${JSON.stringify(gst1.eventsOf('error'))}`);
}));

test('(b) the room calls the browser (call-all), the app answers with its camera', { timeout: 45000 }, g(async () => {
  await bob.joinRoom('bob', { peers: ['gst2'], policy: 'answer-only' });
  const sinceBob = await bob.seq();
  const gst2 = await member({ peerId: 'gst2', peers: ['bob'], callPolicy: 'call-all' });
  const callEv = await bob.waitFor('bob', 'call', { since: sinceBob, timeout: 10000 });
  assert.equal(callEv.from, 'gst2');
  const key = callEv.key;
  const connecting = gst2.msgs('peerjs-connection-state', { 'peer-id': 'bob', state: 'connecting' })[0];
  const t0 = Math.min(callEv.t, connecting?.t ?? Infinity);

  const { audio } = await assertBrowserPlays(bob, key, 'bob');
  const info = await bob.dataChannelInfo(key);
  assert.equal(info?.label, 'undefined', `the room's offer carries peerjs' aux data channel: ${JSON.stringify(info)}`);
  const s = await assertGstReceives(gst2, 'bob');
  await gst2.waitMsg('peerjs-connection-state', { 'peer-id': 'bob', kind: 'media', state: 'connected' }, { timeout: 5000 });

  const [ff] = await bob.events(key, 'first-frame');
  console.log(`# (b) gst2 -> bob [${KIND}]: call (${connecting ? 'gst2 connecting' : 'bob call event'}) -> ` +
    `offer at bob ${ms(callEv.t - t0)}, first remote frame at bob ${ms(ff.t - t0)} (${ff.width}x${ff.height}), ` +
    `first audio at bob ${ms(audio.firstAboveAt - t0)}; at gst2 first video buffer ${ms(s.video_bob.first_at - t0)}, ` +
    `audio ${ms(s.audio_bob.first_at - t0)}`);
  await bob.leaveRoom('bob');
  await stopMember(gst2);
}));

test('(f) H.264: the room calls the browser with video-codec=h264, both ways play', { timeout: 45000 }, g(async () => {
  await bob.joinRoom('bob', { peers: ['gst4'], policy: 'answer-only' });
  const sinceBob = await bob.seq();
  const gst4 = await member({ peerId: 'gst4', peers: ['bob'], callPolicy: 'call-all', videoCodec: 'h264' });
  const callEv = await bob.waitFor('bob', 'call', { since: sinceBob, timeout: 10000 });
  assert.equal(callEv.from, 'gst4');
  const key = callEv.key;
  await assertBrowserPlays(bob, key, 'bob');
  const s = await assertGstReceives(gst4, 'bob');
  const [ff] = await bob.events(key, 'first-frame');
  console.log(`# (f) gst4 -> bob [${KIND}] H.264: first remote frame at bob ${ms(ff.t - callEv.t)} after the call ` +
    `(${ff.width}x${ff.height}); gst4 got ${s.video_bob.buffers} video buffers from bob`);
  await bob.leaveRoom('bob');
  await stopMember(gst4);
}));

test('(e) the gst-launch line of the docs: the browser plays its media', { timeout: 45000 }, g(async () => {
  const desc = `peerjsroom name=r server=${server.url} peer-id=gst3 peers=alice ` +
    'videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! r.video_sink ' +
    'audiotestsrc is-live=true wave=sine freq=440 ! r.audio_sink ' +
    'r.video_alice ! queue ! fakesink name=va silent=false r.audio_alice ! queue ! fakesink name=aa silent=false';
  const gl = startGstLaunch(desc, { label: 'gst-launch gst3', flags: ['-v'] });
  members.push(gl);
  h.watchProcess(gl);
  await gl.waitOpen(10000);
  const since = gl.seq;
  const key = await alice.call('alice', 'gst3');
  const calling = (await alice.events('alice', 'calling')).at(-1);
  await assertBrowserPlays(alice, key, 'alice');
  const conn = await gl.waitMsg('peerjs-connection-state', { 'peer-id': 'alice', state: 'connected' }, { since, timeout: 5000 });
  const [ff] = await alice.events(key, 'first-frame');
  // the delayed links r.video_alice ! … and r.audio_alice ! … were made: buffers arrive
  const end = Date.now() + 10000;
  while (!(gl.buffers.va?.n >= 10 && gl.buffers.aa?.n >= 10) && Date.now() < end) await sleep(100);
  assert.ok(gl.buffers.va?.n >= 10 && gl.buffers.aa?.n >= 10,
    `gst-launch linked r.video_alice and r.audio_alice by name, buffers arrive: ${JSON.stringify(gl.buffers)}`);
  console.log(`# (e) alice -> gst-launch gst3: first remote frame at alice ${ms(ff.t - calling.t)}, ` +
    `first buffer at gst3 video ${ms(gl.buffers.va.first_at - calling.t)} audio ${ms(gl.buffers.aa.first_at - calling.t)}, ` +
    `connected ${ms(conn.t - calling.t)}`);
  // a member hanging up does not stop the pipeline
  const since2 = gl.seq;
  await alice.close(key);
  await gl.waitMsg('peerjs-connection-state', { 'peer-id': 'alice', state: 'disconnected' }, { since: since2, timeout: 5000 });
  await sleep(500);
  assert.deepEqual(gl.eventsOf('error').map((e) => e.message), [], 'gst-launch reported no ERROR');
  assert.equal(gl.exit, null, 'gst-launch still runs after the hang-up');
  await stopMember(gl);
}));
