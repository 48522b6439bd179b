// examples/web (a page with stock peerjs@1.5.5, served by examples/web/serve.mjs)
// in headless Chromium, next to two peerjsroom members (lib/gst-member.py,
// default call-policy lower-id-calls), through the server under test:
//
//   page web1, peers=gst1,xgst    gst1 < web1: gst1 calls the page and opens
//                                 the control connection; web1 < xgst: the
//                                 page calls xgst and opens it
//   (a) both rooms get the page's video and audio (video_web1/audio_web1
//       deliver, the fake mic is heard), each has one peerjs-room control
//       connection with web1, opened by the caller, and the page's
//       announcement (source=announcement); the page renders both rooms'
//       video and shows their announced state
//   (b) the page's camera button: both rooms post peerjs-track-state
//       video-enabled=false source=announcement, the page's sent video track
//       is disabled, the rooms' decoded picture turns black; again: back on.
//       The same for the mic (the rooms stop hearing it, then hear it again)
//   (c) the rooms' own announcements on the page: gst1 video-enabled=false,
//       xgst audio-enabled=false (gst-member's `set`) show as off on their
//       tiles, and back on
//
// Needs GST_PEERJS_PLUGIN_DIR (meson sets it), /usr/bin/python3 with gi,
// /usr/bin/chromium, node_modules (peerjs, playwright-core).
// EXAMPLE_PAGE_SCREENSHOT=/tmp/page.png saves the page after (c).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startPeerServer, serverKindFromEnv, INTEROP_DIR } from './lib/servers.mjs';
import { Harness, withDiagnostics, sleep } from './lib/browser.mjs';
import { startGstMember } from './lib/gst-member.mjs';

const KIND = serverKindFromEnv();
const SERVE = path.resolve(INTEROP_DIR, '..', '..', 'examples', 'web', 'serve.mjs');
const FILE_TIMEOUT_MS = 170000;
setTimeout(() => {
  console.error(`example-page: file timeout after ${FILE_TIMEOUT_MS} ms`);
  process.exit(1);
}, FILE_TIMEOUT_MS).unref();

const ME = 'web1';
const ROOMS = ['gst1', 'xgst'];         // gst1 calls the page, the page calls xgst
let server, h, web, context, page, gst1, xgst;
const members = [];
const pageErrors = [];
const g = (fn) => withDiagnostics(() => h, fn);
const ms = (x) => `${Math.round(x)} ms`;
const short = (x) => { const s = JSON.stringify(x); return s.length > 300 ? `${s.slice(0, 300)}…` : s; };
const room = (id) => (id === 'gst1' ? gst1 : xgst);

/** node examples/web/serve.mjs --port 0; resolves with {origin, proc} once it listens. */
function startServe() {
  const proc = spawn(process.execPath, [SERVE, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  process.on('exit', () => { try { proc.kill('SIGKILL'); } catch { /* gone */ } });
  const output = [];
  const label = 'serve.mjs';
  const handle = { proc, label, cmdline: `node ${SERVE} --port 0`, tail: () => output.join('\n') };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve.mjs did not listen within 10 s: ${output.join(' ')}`)), 10000);
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`serve.mjs exited (${code}): ${output.join(' ')}`)); });
    for (const s of [proc.stdout, proc.stderr]) {
      s.setEncoding('utf8');
      s.on('data', (d) => {
        output.push(d.trim());
        const m = /serving (http:\/\/\S+?)\/?\s*$/m.exec(d);
        if (m) { clearTimeout(timer); resolve({ ...handle, origin: m[1] }); }
      });
    }
  });
}

/** Poll fn() until pred(value) (bounded); returns the value, throws with the last one. */
async function until(fn, pred, what, timeout = 8000, every = 100) {
  const end = Date.now() + timeout;
  let v;
  for (;;) {
    v = await fn();
    if (pred(v)) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${timeout} ms; last: ${short(v)}`);
    await sleep(every);
  }
}

/** What the page shows on the tile of `id`: video frames, size, announced state. */
const tileOf = (id) => page.evaluate((pid) => {
  const el = document.querySelector(`.tile[data-peer="${pid}"]`);
  if (!el) return null;
  const v = el.querySelector('video');
  return {
    frames: v.getVideoPlaybackQuality().totalVideoFrames,
    width: v.videoWidth, height: v.videoHeight, paused: v.paused,
    cam: el.querySelector('.cam').dataset.state, mic: el.querySelector('.mic').dataset.state,
    camText: el.querySelector('.cam').textContent, micText: el.querySelector('.mic').textContent,
    announced: el.querySelector('.announced').textContent,
  };
}, id);

/** The page's local tracks and what its calls send: {video: [enabled…], audio: […], senders: {id: {video, audio}}}. */
const sending = () => page.evaluate(() => {
  const out = { video: window.app.stream.getVideoTracks().map((t) => t.enabled),
    audio: window.app.stream.getAudioTracks().map((t) => t.enabled), senders: {} };
  for (const [id, m] of window.app.members) {
    const pc = m.call && m.call.peerConnection;
    if (!pc) continue;
    const s = {};
    for (const snd of pc.getSenders()) if (snd.track) s[snd.track.kind] = snd.track.enabled;
    out.senders[id] = s;
  }
  return out;
});

const buttons = () => page.evaluate(() => Object.fromEntries(['#camera', '#mic'].map((b) =>
  [b, { text: document.querySelector(b).textContent, pressed: document.querySelector(b).getAttribute('aria-pressed') }])));

/** Mean RGB of the page's video as decoded by room m (gst-member --measure-color), fresh. */
async function rgbAt(m) {
  const pads = await m.stats();
  return pads.video_web1 && pads.video_web1.rgb;
}
const sum = (rgb) => (rgb ? rgb[0] + rgb[1] + rgb[2] : -1);

before(async () => {
  const t0 = Date.now();
  server = await startPeerServer({ kind: KIND });
  h = await Harness.start();
  h.watchServer(server);
  for (const id of ROOMS) {
    const m = await startGstMember({ server, peerId: id, peers: [ME], pattern: 'smpte', measureColor: true });
    members.push(m);
    h.watchProcess(m);
  }
  [gst1, xgst] = members;
  web = await startServe();
  h.watchProcess(web);
  context = await h.browser.newContext({ permissions: ['camera', 'microphone'] });
  page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on('console', (m) => h.log(`[page console.${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => { pageErrors.push(e.message); h.log(`[page pageerror] ${e.message}`); });
  page.on('response', (r) => { if (r.status() >= 400) h.log(`[page] ${r.status()} ${r.url()}`); });
  const url = `${web.origin}/?host=127.0.0.1&port=${server.port}&path=${encodeURIComponent(server.path)}` +
    `&key=${server.key}&id=${ME}&peers=${ROOMS.join(',')}`;
  h.log(`page: ${url}`);
  await page.goto(url, { timeout: 15000 });
  await page.waitForFunction(() => window.app && window.app.peer.open, null, { timeout: 15000 });
  console.log(`# server kind=${KIND}; setup (server, 2 rooms, serve.mjs, page registered) ${Date.now() - t0} ms`);
});

after(async () => {
  if (context) await context.close().catch(() => {});
  for (const m of members) await m.kill();
  if (h) await h.close();
  if (web) web.proc.kill('SIGTERM');
  if (server) await server.stop();
});

test('(a) media both ways, one control connection per room (opened by the caller), announcements', { timeout: 60000 }, g(async () => {
  const t0 = Date.now();
  const figures = [];
  // the rooms decode the page's camera and hear its (beeping) fake microphone
  for (const m of members) {
    await m.waitPads(['video_web1', 'audio_web1'], { buffers: 30, loud: 2, timeout: 25000 });
    figures.push(`${m.peerId} gets web1's media ${ms(Date.now() - t0)}`);
  }
  const bright = {};
  for (const m of members) {
    bright[m.peerId] = await until(() => rgbAt(m), (rgb) => sum(rgb) > 150, `${m.peerId}: web1's picture is not black`, 8000, 200);
  }

  // the page renders both rooms' video (smpte 320x240) and shows their announcements
  for (const id of ROOMS) {
    const t1 = await until(() => tileOf(id), (t) => t && t.frames >= 20 && t.width === 320 && t.height === 240,
      `the page renders ${id}'s video`, 15000);
    const t2 = await until(() => tileOf(id), (t) => t.frames >= t1.frames + 10,
      `${id}'s video keeps playing on the page (from ${t1.frames} frames)`, 5000);
    assert.equal(t2.paused, false);
    const shown = await until(() => tileOf(id), (t) => t.cam === 'on' && t.mic === 'on',
      `the page shows ${id}'s announced camera/mic`, 5000);
    assert.deepEqual(JSON.parse(shown.announced), { type: 'track-state', videoEnabled: true, audioEnabled: true },
      `${id}'s announcement shown next to its video`);
    assert.deepEqual([shown.camText, shown.micText], ['camera on', 'mic on']);
  }

  // the control connection: gst1 called, so gst1 opened it; the page called xgst, so the page did
  const expectOutgoing = { gst1: true, xgst: false };
  for (const m of members) {
    const open = await m.waitMsg('peerjs-data-connection', { 'peer-id': ME, state: 'open', label: 'peerjs-room' }, { timeout: 10000 });
    assert.equal(open.fields.outgoing, expectOutgoing[m.peerId], `${m.peerId}: who opened the control connection: ${short(open.fields)}`);
    assert.equal(open.fields.reason, 'control');
    assert.equal(open.fields.serialization, 'binary');
    assert.equal(open.fields.reliable, true);
    const ann = await m.waitMsg('peerjs-track-state', { 'peer-id': ME }, { timeout: 5000 });
    assert.deepEqual([ann.fields['video-enabled'], ann.fields['audio-enabled'], ann.fields.source], [true, true, 'announcement'],
      `${m.peerId}: web1's announcement on connect: ${short(ann.fields)}`);
  }
  // past the 3 s rule: the answering page did not open a second control connection to gst1
  await sleep(Math.max(0, 3500 - (Date.now() - gst1.msgs('peerjs-data-connection', { 'peer-id': ME, state: 'open' })[0].t)));
  for (const m of members) {
    const opened = m.msgs('peerjs-data-connection', { 'peer-id': ME, state: 'open' });
    assert.equal(opened.length, 1, `${m.peerId}: one data connection with web1: ${short(opened.map((e) => e.fields))}`);
    assert.deepEqual(m.msgs('peerjs-track-state', { 'peer-id': ME, source: 'media' }), [], `${m.peerId}: nothing inferred for an announcing member`);
  }
  const roles = await page.evaluate(() => Object.fromEntries([...window.app.members].map(([id, m]) => [id, m.caller])));
  assert.deepEqual(roles, { gst1: false, xgst: true }, 'the page calls the higher ID and answers the lower one');
  console.log(`# (a) [${KIND}] ${figures.join('; ')}; web1's picture at the rooms RGB ${short(bright)}`);
}));

test('(b) the camera and mic buttons: track.enabled and the announcement', { timeout: 60000 }, g(async () => {
  const figures = [];
  for (const [button, kind] of [['#camera', 'video'], ['#mic', 'audio']]) {
    for (const on of [false, true]) {
      const since = Object.fromEntries(members.map((m) => [m.peerId, m.seq]));
      const loudBefore = kind === 'audio' ? Object.fromEntries(await Promise.all(members.map(async (m) => [m.peerId, (await m.stats()).audio_web1.loud ?? 0]))) : null;
      const t0 = Date.now();
      await page.click(button, { timeout: 5000 });
      const want = { 'peer-id': ME, 'video-enabled': kind === 'video' ? on : true, 'audio-enabled': kind === 'audio' ? on : true };
      for (const m of members) {
        const e = await m.waitMsg('peerjs-track-state', want, { since: since[m.peerId], timeout: 5000 });
        assert.equal(e.fields.source, 'announcement');
        figures.push(`${button} ${on ? 'on' : 'off'} -> ${m.peerId} ${ms(e.t - t0)}`);
      }
      // the page itself: the track, what its calls send, the button, its own tile
      const s = await sending();
      assert.deepEqual(s[kind], [on], `the page's ${kind} track enabled=${on}: ${short(s)}`);
      for (const id of ROOMS) assert.equal(s.senders[id]?.[kind], on, `the call with ${id} sends a ${kind} track enabled=${on}: ${short(s)}`);
      const b = (await buttons())[button];
      assert.equal(b.pressed, String(on));
      assert.match(b.text, on ? / on$/ : / off$/);
      const mine = await tileOf(ME);
      assert.equal(mine[kind === 'video' ? 'cam' : 'mic'], on ? 'on' : 'off', `the page's own tile: ${short(mine)}`);

      // what the rooms get: black / bright picture, silence / the beeps
      for (const m of members) {
        if (kind === 'video') {
          const rgb = await until(() => rgbAt(m), (c) => (on ? sum(c) > 150 : sum(c) >= 0 && sum(c) < 45),
            `${m.peerId}: web1's picture turns ${on ? 'bright' : 'black'}`, 8000, 200);
          figures.push(`${m.peerId} RGB ${short(rgb)}`);
        } else if (!on) {
          await sleep(800);                          // what was in flight
          const l0 = (await m.stats()).audio_web1.loud ?? 0;
          await sleep(2500);
          const l1 = (await m.stats()).audio_web1.loud ?? 0;
          assert.equal(l1, l0, `${m.peerId}: web1's muted mic is silent (loud level intervals ${l0} -> ${l1})`);
        } else {
          const st = await until(() => m.stats(), (p) => (p.audio_web1.loud ?? 0) > loudBefore[m.peerId] + 1,
            `${m.peerId}: web1's mic is heard again`, 8000, 200);
          figures.push(`${m.peerId} hears web1 again (${st.audio_web1.loud} loud intervals)`);
        }
      }
    }
  }
  console.log(`# (b) [${KIND}] ${figures.join('; ')}`);
}));

test('(c) the rooms\' announcements show on the page', { timeout: 40000 }, g(async () => {
  const figures = [];
  const steps = [
    [gst1, 'video-enabled', false, { gst1: ['off', 'on'], xgst: ['on', 'on'] }],
    [xgst, 'audio-enabled', false, { gst1: ['off', 'on'], xgst: ['on', 'off'] }],
    [gst1, 'video-enabled', true, { gst1: ['on', 'on'], xgst: ['on', 'off'] }],
    [xgst, 'audio-enabled', true, { gst1: ['on', 'on'], xgst: ['on', 'on'] }],
  ];
  for (const [m, prop, value, want] of steps) {
    const t0 = Date.now();
    assert.equal(await m.setProp(prop, value), value);
    await until(async () => Object.fromEntries(await Promise.all(ROOMS.map(async (id) => [id, await tileOf(id)]))),
      (tiles) => ROOMS.every((id) => tiles[id].cam === want[id][0] && tiles[id].mic === want[id][1]),
      `${m.peerId} ${prop}=${value}: the page shows ${short(want)}`, 5000);
    figures.push(`${m.peerId} ${prop}=${value} shown ${ms(Date.now() - t0)}`);
    const shown = JSON.parse((await tileOf(m.peerId)).announced);
    assert.equal(shown.type, 'track-state');
    assert.equal(shown[prop === 'video-enabled' ? 'videoEnabled' : 'audioEnabled'], value, `the announcement shown: ${short(shown)}`);
  }
  // the room's video keeps playing on the page throughout (black frames, no renegotiation)
  const f0 = (await tileOf('gst1')).frames;
  await until(() => tileOf('gst1'), (t) => t.frames >= f0 + 10, `gst1 still plays on the page (from ${f0} frames)`, 5000);
  console.log(`# (c) [${KIND}] ${figures.join('; ')}`);
  if (process.env.EXAMPLE_PAGE_SCREENSHOT) await page.screenshot({ path: process.env.EXAMPLE_PAGE_SCREENSHOT });
}));

test('(end) no page errors; the rooms stop cleanly', { timeout: 30000 }, g(async () => {
  assert.deepEqual(pageErrors, [], 'no uncaught errors on the page');
  const status = await page.textContent('#status');
  assert.doesNotMatch(status, /failed|error/i, `page status: ${status}`);
  for (const m of members) {
    await m.stop();
    assert.deepEqual(m.criticals, [], `${m.peerId}: no GLib criticals/warnings`);
    assert.deepEqual(m.eventsOf('error').map((e) => e.message), [], `${m.peerId}: no ERROR`);
    h.unwatch(m);
  }
}));
