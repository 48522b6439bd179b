// peerjssink (send-only) and peerjssrc (receive-only) against real
// peerjs@1.5.5 in headless Chromium, through the server under test
// (INTEROP_SERVER=peer|gst). The browser's fake camera shows flat red (a
// Y4M file, --use-file-for-fake-video-capture), its fake microphone beeps;
// each peerjssink sends a flat colour of its own (videotestsrc
// pattern=solid-color) and a 440 Hz sine. The GStreamer members are
// lib/gst-member.py with --element.
//
//   (a1) peerjssink sink1 (peers=web) calls the page, which answers without
//        a stream (a viewer): the page renders sink1's frames (rVFC and
//        inbound framesDecoded rising), the picture is sink1's colour
//        (canvas), its audio is heard (WebAudio RMS); sink1 reports web
//        connected and joined, has no member pads
//   (a2) the page calls an open peerjssink sink2 (peers empty) with its
//        camera: the same checks with sink2's colour
//   (b1) the page calls an open peerjssrc src1 (peers empty) with its
//        camera and mic: video_web/audio_web deliver raw frames that are
//        red and loud audio; the page gets no media back
//   (b2) peerjssrc src2 (peers=web) calls the page (a receive-only offer),
//        the page answers with its camera: the same at src2
//
// Needs GST_PEERJS_PLUGIN_DIR (meson sets it), /usr/bin/python3 with gi.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPeerServer, serverKindFromEnv } from './lib/servers.mjs';
import { Harness, withDiagnostics, sleep } from './lib/browser.mjs';
import { startGstMember } from './lib/gst-member.mjs';
import { writeSolidY4m, colourNear } from './lib/y4m.mjs';

const KIND = serverKindFromEnv();
const FILE_TIMEOUT_MS = 170000;
setTimeout(() => {
  console.error(`faces-browser: file timeout after ${FILE_TIMEOUT_MS} ms`);
  process.exit(1);
}, FILE_TIMEOUT_MS).unref();

const WEB_RGB = [230, 30, 30];                    // the page's fake camera
const SINK1 = { rgb: [40, 200, 40], arg: '0xff28c828' };    // green
const SINK2 = { rgb: [240, 220, 40], arg: '0xfff0dc28' };   // yellow

let server, h, web, tmp;
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
  assert.deepEqual(m.eventsOf('error').map((e) => e.message), [], `${m.label}: no ERROR`);
  h.unwatch(m);
}

before(async () => {
  const t0 = Date.now();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faces-browser-'));
  const y4m = writeSolidY4m(path.join(tmp, 'red.y4m'), { rgb: WEB_RGB });
  server = await startPeerServer({ kind: KIND });
  h = await Harness.start({ chromiumArgs: [`--use-file-for-fake-video-capture=${y4m}`] });
  h.watchServer(server);
  web = await h.newPage('web', server);
  await web.getLocalStream();
  await web.newPeer('web', 'web');
  await web.waitOpen('web');
  console.log(`# server kind=${KIND} url=${server.url}; setup (server, browser, page) ${Date.now() - t0} ms`);
});

after(async () => {
  for (const m of members) await m.kill();
  if (h) await h.close();
  if (server) await server.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Mean RGB of the remote video of `key` in the page (drawn on a 64x48 canvas). */
function pageColour(key) {
  return web.eval((k) => {
    const m = window.H.media[k];
    if (!m || !m.video.videoWidth) return null;
    const c = document.createElement('canvas');
    c.width = 64;
    c.height = 48;
    const ctx = c.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(m.video, 0, 0, c.width, c.height);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    const s = [0, 0, 0];
    for (let i = 0; i < px.length; i += 4) for (let j = 0; j < 3; j++) s[j] += px[i + j];
    const n = px.length / 4;
    return { rgb: s.map((x) => Math.round(x / n)), w: m.video.videoWidth, h: m.video.videoHeight };
  }, key);
}

/** The page renders and hears a sink's media on call `key`; its colour is `rgb`. */
async function assertPagePlays(key, rgb, who) {
  const st = await web.waitFrames(key, 10, 15000);
  const audio = await web.waitAudio(key, { minRms: 0.05, above: 5, timeout: 10000 });
  const col = await pageColour(key);
  assert.ok(col && colourNear(col.rgb, rgb, 50), `${who}: the page shows ${JSON.stringify(rgb)}, got ${JSON.stringify(col)}`);
  await sleep(600);
  const st2 = await web.mediaState(key);
  assert.ok(st2.frames > st.frames, `${who}: more frames rendered (${st.frames} -> ${st2.frames})`);
  assert.ok(st2.inbound?.video?.framesDecoded > (st.inbound?.video?.framesDecoded ?? 0),
    `${who}: framesDecoded rises (${st.inbound?.video?.framesDecoded} -> ${st2.inbound?.video?.framesDecoded})`);
  assert.ok(st2.audio.above > audio.above, `${who}: audio stays above silence (${audio.above} -> ${st2.audio.above})`);
  assert.ok(['connected', 'completed'].includes(st2.iceConnectionState), `${who}: ICE ${st2.iceConnectionState}`);
  return { st: st2, audio: st2.audio, col };
}

/** A src's pads of the page deliver raw red frames and loud audio, and keep delivering. */
async function assertSrcReceives(m, id) {
  const pads = [`video_${id}`, `audio_${id}`];
  const s1 = await m.waitPads(pads, { buffers: 10, loud: 1, timeout: 15000 });
  // the colour is measured every 5th frame: wait for one
  const end = Date.now() + 5000;
  let s2 = await m.stats();
  while (!(s2[pads[0]].rgb_n >= 2) && Date.now() < end) { await sleep(200); s2 = await m.stats(); }
  await sleep(600);
  s2 = await m.stats();
  for (const p of pads)
    assert.ok(s2[p].buffers > s1[p].buffers, `${m.peerId}: ${p} keeps delivering (${s1[p].buffers} -> ${s2[p].buffers})`);
  assert.match(s2[pads[0]].caps ?? '', /^video\/x-raw/, `${m.peerId}: ${pads[0]} is raw video`);
  assert.match(s2[pads[1]].caps ?? '', /^audio\/x-raw/, `${m.peerId}: ${pads[1]} is raw audio`);
  assert.ok(colourNear(s2[pads[0]].rgb, WEB_RGB, 50),
    `${m.peerId}: ${pads[0]} shows the page's red camera ${JSON.stringify(WEB_RGB)}, got ${JSON.stringify(s2[pads[0]].rgb)}`);
  assert.ok(s2[pads[1]].max_rms_db > -30, `${m.peerId}: the page's beeps are loud (max ${s2[pads[1]].max_rms_db} dB RMS)`);
  return s2;
}

async function assertGstConnected(m, id, since) {
  const c = await m.waitMsg('peerjs-connection-state', { 'peer-id': id, kind: 'media', state: 'connected' }, { since, timeout: 5000 });
  const j = await m.waitMsg('peerjs-peer-joined', { 'peer-id': id }, { since, timeout: 5000 });
  return { c, j };
}

test('(a1) peerjssink calls the page, the page answers without a stream', { timeout: 40000 }, g(async () => {
  await web.setAutoAnswer('web', false);
  const since = await web.seq();
  const t0 = Date.now();
  const sink = await member({ element: 'peerjssink', peerId: 'sink1', peers: ['web'], foregroundColor: SINK1.arg });
  const callEv = await web.waitFor('web', 'call', { since, timeout: 10000 });
  assert.equal(callEv.from, 'sink1');
  const { audio, col } = await assertPagePlays(callEv.key, SINK1.rgb, 'web <- sink1');
  const { c } = await assertGstConnected(sink, 'web', 0);
  const [ff] = await web.events(callEv.key, 'first-frame');
  const s = await sink.stats();
  assert.deepEqual(Object.keys(s), [], `sink1 has no member pads: ${Object.keys(s)}`);
  console.log(`# (a1) sink1 -> web [${KIND}]: member start -> offer at the page ${ms(callEv.t - t0)}, ` +
    `offer -> first frame ${ms(ff.t - callEv.t)} (${ff.width}x${ff.height}, rgb ${col.rgb}), ` +
    `first audio ${ms(audio.firstAboveAt - callEv.t)} (max RMS ${audio.maxRms.toFixed(3)}), sink1 connected ${ms(c.t - callEv.t)}`);
  await web.close(callEv.key);
  await sink.waitMsg('peerjs-connection-state', { 'peer-id': 'web', state: /disconnected|failed/ }, { timeout: 5000 });
  await stopMember(sink);
}));

test('(a2) the page calls an open peerjssink (peers empty)', { timeout: 40000 }, g(async () => {
  const sink = await member({ element: 'peerjssink', peerId: 'sink2', foregroundColor: SINK2.arg });
  const since = sink.seq;
  const key = await web.call('web', 'sink2');
  const calling = (await web.events('web', 'calling')).at(-1);
  const { audio, col } = await assertPagePlays(key, SINK2.rgb, 'web -> sink2');
  const { c } = await assertGstConnected(sink, 'web', since);
  const [ff] = await web.events(key, 'first-frame');
  console.log(`# (a2) web -> sink2 [${KIND}]: call -> first frame ${ms(ff.t - calling.t)} (${ff.width}x${ff.height}, rgb ${col.rgb}), ` +
    `first audio ${ms(audio.firstAboveAt - calling.t)}, sink2 connected ${ms(c.t - calling.t)}`);
  await web.close(key);
  await sink.waitMsg('peerjs-connection-state', { 'peer-id': 'web', state: /disconnected|failed/ }, { since, timeout: 5000 });
  await stopMember(sink);
}));

test('(b1) the page calls an open peerjssrc (peers empty) with its camera', { timeout: 40000 }, g(async () => {
  const src = await member({ element: 'peerjssrc', peerId: 'src1', measureColor: true });
  const since = src.seq;
  const key = await web.call('web', 'src1');
  const calling = (await web.events('web', 'calling')).at(-1);
  const s = await assertSrcReceives(src, 'web');
  const { c } = await assertGstConnected(src, 'web', since);
  const st = await web.mediaState(key);
  assert.ok(['connected', 'completed'].includes(st.iceConnectionState), `web: ICE ${st.iceConnectionState}`);
  assert.equal(st.haveStream, false, `src1 sends nothing back: ${JSON.stringify(st)}`);
  console.log(`# (b1) web -> src1 [${KIND}]: call -> first video buffer ${ms(s.video_web.first_at - calling.t)}, ` +
    `audio ${ms(s.audio_web.first_at - calling.t)}, connected ${ms(c.t - calling.t)}; ` +
    `colour ${s.video_web.rgb}, audio max ${s.audio_web.max_rms_db} dB RMS; caps ${s.video_web.caps.split(', multiview')[0]}`);
  await web.close(key);
  await src.waitMsg('peerjs-connection-state', { 'peer-id': 'web', state: /disconnected|failed/ }, { since, timeout: 5000 });
  await stopMember(src);
}));

test('(b2) peerjssrc calls the page (receive-only offer), the page answers with its camera', { timeout: 40000 }, g(async () => {
  await web.setAutoAnswer('web', true);
  const since = await web.seq();
  const t0 = Date.now();
  const src = await member({ element: 'peerjssrc', peerId: 'src2', peers: ['web'], measureColor: true });
  const callEv = await web.waitFor('web', 'call', { since, timeout: 10000 });
  assert.equal(callEv.from, 'src2');
  const s = await assertSrcReceives(src, 'web');
  const { c } = await assertGstConnected(src, 'web', 0);
  const st = await web.mediaState(callEv.key);
  assert.ok(['connected', 'completed'].includes(st.iceConnectionState), `web: ICE ${st.iceConnectionState}`);
  assert.equal(st.haveStream, false, `src2 sends nothing: ${JSON.stringify(st)}`);
  console.log(`# (b2) src2 -> web [${KIND}]: member start -> offer at the page ${ms(callEv.t - t0)}, ` +
    `offer -> first video buffer ${ms(s.video_web.first_at - callEv.t)}, audio ${ms(s.audio_web.first_at - callEv.t)}, ` +
    `connected ${ms(c.t - callEv.t)}; colour ${s.video_web.rgb}, audio max ${s.audio_web.max_rms_db} dB RMS`);
  await web.close(callEv.key);
  await src.waitMsg('peerjs-connection-state', { 'peer-id': 'web', state: /disconnected|failed/ }, { timeout: 5000 });
  await stopMember(src);
}));
