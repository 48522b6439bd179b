// The game table (peerjssrc table=true) with real peerjs@1.5.5 pages in
// headless Chromium and a peerjssink, through the server under test
// (INTEROP_SERVER=peer|gst).
//
// Two Chromium processes (the fake camera file is a per-process flag): the
// page `red` has a flat red camera, `blue` a flat blue one (Y4M files,
// lib/y4m.mjs); both beep (Chromium's fake microphone). `sink` is a
// peerjssink sending flat green and a sine. `table` is lib/gst-member.py
// --element peerjssrc --grab-table, table=true, labels for red and blue
// only (the sink's tile is labelled with its ID). The helper grabs
// table_video frames (RGB appsink) and analyses each tile of the last
// peerjs-table-layout message: the median colour of its centre, whether
// the bottom of the tile has text-like rows (the label bar).
//
//   (a) red, then blue call the table, then the sink calls it: the layout
//       goes 1 tile (full frame) -> 2 (side by side) -> 3 (2x2), tiles in
//       peer-ID order (blue, red, sink: a player keeps its seat whoever
//       joins first, docs/table.md), labels from `labels` or the ID; the
//       table reports each member connected and joined
//   (b) a table_video frame (table-width x table-height) shows red, blue
//       and green in the right tiles, each with a label bar holding text;
//       table_audio (48 kHz stereo) is loud
//   (c) blue turns its camera off (track.enabled=false, announced on the
//       table's control DataConnection, docs/track-state.md): the layout
//       marks blue placeholder=true and its tile turns flat dark grey,
//       the others unchanged; camera on again: blue is back
//   (d) red (which never announced) disables its camera track: the table
//       infers it (peerjs-track-state source=media), red's tile turns grey,
//       and back
//   (e) the sink leaves: its tile goes, blue and red side by side again,
//       table_video/table_audio keep flowing
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
  console.error(`table-browser: file timeout after ${FILE_TIMEOUT_MS} ms`);
  process.exit(1);
}, FILE_TIMEOUT_MS).unref();

const RED = [230, 30, 30];
// not pure blue: its luma (41 on 8-bit video) is near what the track-state
// inference reads as a black frame (docs/track-state.md)
const BLUE = [30, 70, 230];
const GREEN = [40, 200, 40];
const GREEN_ARG = '0xff28c828';
const LABELS = { red: 'Red Player', blue: 'Blue Player' };
const TABLE_W = 1280, TABLE_H = 720;
const COLOUR_OF = { red: RED, blue: BLUE, sink: GREEN };

let server, hRed, hBlue, red, blue, tmp, table, sink;
const members = [];
// on failure: both browsers' logs, the server and the members (the red harness watches those)
const g = (fn) => withDiagnostics(() => ({ dump: (r) => { hRed?.dump(r); hBlue?.dump('(blue browser)'); } }), fn);
const ms = (x) => `${Math.round(x)} ms`;

async function member(o) {
  const m = await startGstMember({ server, ...o });
  members.push(m);
  hRed.watchProcess(m);
  return m;
}

before(async () => {
  const t0 = Date.now();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'table-browser-'));
  const redY4m = writeSolidY4m(path.join(tmp, 'red.y4m'), { rgb: RED });
  const blueY4m = writeSolidY4m(path.join(tmp, 'blue.y4m'), { rgb: BLUE });
  server = await startPeerServer({ kind: KIND });
  [hRed, hBlue] = await Promise.all([
    Harness.start({ chromiumArgs: [`--use-file-for-fake-video-capture=${redY4m}`] }),
    Harness.start({ chromiumArgs: [`--use-file-for-fake-video-capture=${blueY4m}`] }),
  ]);
  hRed.watchServer(server);
  red = await hRed.newPage('red', server);
  blue = await hBlue.newPage('blue', server);
  for (const [p, id] of [[red, 'red'], [blue, 'blue']]) {
    await p.getLocalStream();
    await p.newPeer(id, id);
  }
  await Promise.all([red.waitOpen('red'), blue.waitOpen('blue')]);
  console.log(`# server kind=${KIND} url=${server.url}; setup (server, 2 browsers, 2 pages) ${Date.now() - t0} ms`);
});

after(async () => {
  for (const m of members) await m.kill();
  if (hRed) await hRed.close();
  if (hBlue) await hBlue.close();
  if (server) await server.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const tilesOf = (e) => e.fields.tiles ?? [];
const brief = (tiles) => tiles.map((t) => `${t['peer-id']}(${t.label}) ${t.x},${t.y} ${t.width}x${t.height}` +
  `${t.placeholder ? ' placeholder' : ''}${t.center ? ` centre ${t.center} flat ${t.center_flat} text rows ${t.bar_text_rows}` : ''}`).join('; ');

/** The next layout (seq > since) with `n` tiles. */
function waitLayout(n, since, timeout = 15000) {
  return table.waitMsg('peerjs-table-layout', { tiles: (t) => Array.isArray(t) && t.length === n }, { since, timeout });
}

/** Grab table frames until `ok(frame)` holds (bounded); returns the frame. */
async function grabUntil(ok, what, timeout = 10000) {
  const end = Date.now() + timeout;
  let f = null, err = null;
  for (;;) {
    try {
      f = await table.grabTable(2000);
      err = null;
      if (ok(f)) return f;
    } catch (e) { err = e; }
    if (Date.now() > end)
      throw new Error(`table: ${what} not seen within ${timeout} ms; last frame: ` +
        (f ? `${f.width}x${f.height} ${brief(f.tiles)}` : 'none') + (err ? `; last error: ${err.message}` : ''));
    await sleep(300);
  }
}

/** A tile shows member `id`'s camera: its colour, flat, and a label bar with text. */
const showsCamera = (t) => !t.placeholder && colourNear(t.center, COLOUR_OF[t['peer-id']], 60) &&
  t.center_flat >= 0.9 && t.bar_text_rows >= 3;
/** A placeholder tile: flat dark grey (PLACEHOLDER, the label may be drawn on it), label bar with text. */
const isGrey = (c) => Array.isArray(c) && Math.max(...c) - Math.min(...c) <= 16 && c[0] >= 25 && c[0] <= 100;
const showsPlaceholder = (t) => t.placeholder && isGrey(t.center) && t.bar_text_rows >= 3;

async function assertTableMedia() {
  const s1 = await table.waitPads(['table_video', 'table_audio'], { buffers: 10, loud: 1, timeout: 10000 });
  await sleep(600);
  const s2 = await table.stats();
  for (const p of ['table_video', 'table_audio'])
    assert.ok(s2[p].buffers > s1[p].buffers, `table: ${p} keeps flowing (${s1[p].buffers} -> ${s2[p].buffers})`);
  assert.match(s2.table_video.caps ?? '', /^video\/x-raw/, 'table_video is raw video');
  assert.match(s2.table_video.caps, new RegExp(`width=\\(int\\)${TABLE_W}.*height=\\(int\\)${TABLE_H}|height=\\(int\\)${TABLE_H}.*width=\\(int\\)${TABLE_W}`),
    `table_video is ${TABLE_W}x${TABLE_H}: ${s2.table_video.caps}`);
  assert.match(s2.table_video.caps, /framerate=\(fraction\)30\/1/, `table_video at 30/1: ${s2.table_video.caps}`);
  assert.match(s2.table_audio.caps ?? '', /^audio\/x-raw/, 'table_audio is raw audio');
  assert.match(s2.table_audio.caps, /rate=\(int\)48000/, `table_audio at 48 kHz: ${s2.table_audio.caps}`);
  assert.match(s2.table_audio.caps, /channels=\(int\)2/, `table_audio is stereo: ${s2.table_audio.caps}`);
  assert.ok(s2.table_audio.max_rms_db > -30, `table_audio is loud (max ${s2.table_audio.max_rms_db} dB RMS)`);
  return s2;
}

test('(a)+(b) two browsers and a peerjssink at the table: layout, tiles, labels, audio', { timeout: 75000 }, g(async () => {
  table = await member({
    element: 'peerjssrc', peerId: 'table', grabTable: true, measureColor: true,
    set: { table: 'true', labels: Object.entries(LABELS).map(([k, v]) => `${k}=${v}`).join(',') },
  });
  const t0 = Date.now();

  // red joins: one tile, the whole frame
  let since = table.seq;
  await red.call('red', 'table');
  const l1 = await waitLayout(1, since);
  const [t1] = tilesOf(l1);
  assert.equal(t1['peer-id'], 'red');
  assert.equal(t1.label, LABELS.red, 'label from the labels property');
  assert.deepEqual([t1.x, t1.y, t1.width, t1.height], [0, 0, TABLE_W, TABLE_H], `one tile fills the table: ${brief([t1])}`);
  await table.waitMsg('peerjs-peer-joined', { 'peer-id': 'red' }, { timeout: 10000 });
  const f1 = await grabUntil((f) => f.tiles.length === 1 && showsCamera(f.tiles[0]), 'red filling the table');
  console.log(`# [${KIND}] 1 tile after ${ms(l1.t - t0)}: ${brief(f1.tiles)}`);

  // blue joins: two tiles side by side, blue (the lower ID) first
  since = table.seq;
  await blue.call('blue', 'table');
  const l2 = await waitLayout(2, since);
  const tl2 = tilesOf(l2);
  assert.deepEqual(tl2.map((t) => t['peer-id']), ['blue', 'red'], `peer-ID order: ${brief(tl2)}`);
  assert.deepEqual(tl2.map((t) => t.label), [LABELS.blue, LABELS.red]);
  assert.equal(tl2[0].y, tl2[1].y, `side by side: ${brief(tl2)}`);
  assert.ok(tl2[0].x + tl2[0].width <= tl2[1].x, `blue left of red: ${brief(tl2)}`);
  for (const t of tl2) assert.ok(t.width >= TABLE_W / 2 - 1 && t.width <= TABLE_W / 2 && t.y + t.height <= TABLE_H, `half the width each: ${brief(tl2)}`);
  await table.waitMsg('peerjs-peer-joined', { 'peer-id': 'blue' }, { timeout: 10000 });

  // the sink joins (it calls the table): 2x2
  since = table.seq;
  const tSink = Date.now();
  sink = await member({ element: 'peerjssink', peerId: 'sink', peers: ['table'], foregroundColor: GREEN_ARG });
  const l3 = await waitLayout(3, since);
  const tl3 = tilesOf(l3);
  assert.deepEqual(tl3.map((t) => t['peer-id']), ['blue', 'red', 'sink'], `peer-ID order: ${brief(tl3)}`);
  assert.deepEqual(tl3.map((t) => t.label), [LABELS.blue, LABELS.red, 'sink'], 'labels: the property, else the ID');
  for (const t of tl3) {
    assert.deepEqual([t.width, t.height], [TABLE_W / 2, TABLE_H / 2], `2x2 grid: ${brief(tl3)}`);
    assert.ok(t.x >= 0 && t.y >= 0 && t.x + t.width <= TABLE_W && t.y + t.height <= TABLE_H, `inside the frame: ${brief(tl3)}`);
  }
  // a member's tile comes with its call; it is a placeholder until its
  // video arrives (docs/table.md), then shows the picture
  const l3v = await table.waitMsg('peerjs-table-layout',
    { tiles: (t) => Array.isArray(t) && t.length === 3 && t.every((x) => x.placeholder === false) }, { since, timeout: 10000 });
  assert.deepEqual(tilesOf(l3v).map((t) => [t['peer-id'], t.x, t.y, t.width, t.height]),
    tl3.map((t) => [t['peer-id'], t.x, t.y, t.width, t.height]), 'the video arriving moves no tile');
  assert.deepEqual([tl3[0].y, tl3[1].y, tl3[2].y], [0, 0, TABLE_H / 2], `two rows: ${brief(tl3)}`);
  assert.ok(tl3[0].x + tl3[0].width <= tl3[1].x, `blue left of red: ${brief(tl3)}`);
  assert.equal(tl3[2].x, (TABLE_W - tl3[2].width) / 2, `the third tile centred on the second row: ${brief(tl3)}`);
  for (const id of ['red', 'blue', 'sink']) {
    await table.waitMsg('peerjs-connection-state', { 'peer-id': id, kind: 'media', state: 'connected' }, { timeout: 5000 });
    await table.waitMsg('peerjs-peer-joined', { 'peer-id': id }, { timeout: 5000 });
  }
  await sink.waitMsg('peerjs-connection-state', { 'peer-id': 'table', state: 'connected' }, { timeout: 5000 });

  // (b) the picture: each tile shows its member, with a label
  const f3 = await grabUntil((f) => f.tiles.length === 3 && f.tiles.every(showsCamera), 'red, blue and green tiles with labels');
  assert.deepEqual([f3.width, f3.height], [TABLE_W, TABLE_H]);
  // the label drawn is the tile's: "sink" is much shorter than "Blue Player" / "Red Player"
  const widths = Object.fromEntries(f3.tiles.map((t) => [t['peer-id'], t.bar_text_width]));
  assert.ok(widths.sink > 0 && widths.sink < 0.6 * Math.min(widths.blue, widths.red),
    `label text widths fit the labels (sink short, the players long): ${JSON.stringify(widths)}`);
  const s = await assertTableMedia();
  console.log(`# [${KIND}] layouts after ${ms(l1.t - t0)} / ${ms(l2.t - t0)} / ${ms(l3.t - t0)} (sink start -> 3 tiles ${ms(l3.t - tSink)}, ` +
    `placeholders of the 3-tile layout: ${tl3.filter((t) => t.placeholder).map((t) => t['peer-id']).join(',') || 'none'}, their video ${ms(l3v.t - l3.t)} later); ` +
    `frame ${f3.width}x${f3.height}: ${brief(f3.tiles)}; label text widths ${JSON.stringify(widths)}; table_audio max ${s.table_audio.max_rms_db} dB RMS`);
  // the member pads flow next to the table
  const pads = await table.waitPads(['video_red', 'video_blue', 'video_sink', 'audio_red', 'audio_blue', 'audio_sink'], { buffers: 10, timeout: 5000 });
  for (const id of ['red', 'blue', 'sink'])
    assert.ok(colourNear(pads[`video_${id}`].rgb, COLOUR_OF[id], 60), `video_${id} is ${COLOUR_OF[id]}: ${pads[`video_${id}`].rgb}`);
}));

test('(c) a camera turned off becomes a placeholder, and comes back', { timeout: 60000 }, g(async () => {
  assert.ok(table && sink, 'needs the table of (a)');
  // the control DataConnection: the table opens it 3 s after a call when the
  // browser opened none, and opens another if that one fails within the
  // connection timeout, 10 s (docs/track-state.md): once seen in CI, the
  // first never opened
  const wait0 = Date.now();
  const end = wait0 + 25000;
  let conns = [];
  while (Date.now() < end) {
    conns = (await blue.dataConns('blue', 'table')).filter((c) => c.open);
    if (conns.length) break;
    await sleep(200);
  }
  assert.ok(conns.length > 0, 'the table opened a control DataConnection to blue');
  if (Date.now() - wait0 > 8000)
    console.log(`# [${KIND}] the control DataConnection to blue opened only after ${Date.now() - wait0} ms (a retry)`);

  let since = table.seq;
  const t0 = Date.now();
  await blue.setLocalTracks({ video: false });
  await blue.announceTrackState('blue', 'table', { videoEnabled: false, audioEnabled: true });
  const ts = await table.waitMsg('peerjs-track-state', { 'peer-id': 'blue', 'video-enabled': false }, { since, timeout: 5000 });
  const lay = await table.waitMsg('peerjs-table-layout',
    { tiles: (t) => Array.isArray(t) && t.length === 3 && t.find((x) => x['peer-id'] === 'blue')?.placeholder === true }, { since, timeout: 5000 });
  const tl = tilesOf(lay);
  assert.deepEqual(tl.map((t) => [t['peer-id'], t.placeholder]), [['blue', true], ['red', false], ['sink', false]], `only blue is a placeholder: ${brief(tl)}`);
  const f = await grabUntil((x) => x.tiles.length === 3 && showsPlaceholder(x.tiles[0]) && showsCamera(x.tiles[1]) && showsCamera(x.tiles[2]),
    'blue as a grey placeholder, red and green unchanged');
  const tGrey = Date.now();
  console.log(`# [${KIND}] camera off: track-state (${ts.fields.source}) after ${ms(ts.t - t0)}, placeholder layout after ${ms(lay.t - t0)}, ` +
    `grey tile grabbed after ${ms(tGrey - t0)}: ${brief(f.tiles)}`);

  // and back on
  since = table.seq;
  const t1 = Date.now();
  await blue.setLocalTracks({ video: true });
  await blue.announceTrackState('blue', 'table', { videoEnabled: true, audioEnabled: true });
  await table.waitMsg('peerjs-table-layout',
    { tiles: (t) => Array.isArray(t) && t.length === 3 && t.every((x) => x.placeholder === false) }, { since, timeout: 5000 });
  const f2 = await grabUntil((x) => x.tiles.length === 3 && x.tiles.every(showsCamera), 'blue back');
  console.log(`# [${KIND}] camera on again: blue's tile blue after ${ms(Date.now() - t1)}: ${brief(f2.tiles)}`);

}));

test('(d) a camera turned off without an announcement: inferred, a placeholder too', { timeout: 30000 }, g(async () => {
  assert.ok(table && sink, 'needs the table of (a)');
  // red never announced: the table infers its state from the media (black
  // frames, docs/track-state.md)
  let since = table.seq;
  const t0 = Date.now();
  await red.setLocalTracks({ video: false });
  const ts = await table.waitMsg('peerjs-track-state', { 'peer-id': 'red', 'video-enabled': false }, { since, timeout: 8000 });
  assert.equal(ts.fields.source, 'media', `inferred: ${JSON.stringify(ts.fields)}`);
  await table.waitMsg('peerjs-table-layout',
    { tiles: (t) => Array.isArray(t) && t.find((x) => x['peer-id'] === 'red')?.placeholder === true }, { since, timeout: 5000 });
  const f = await grabUntil((x) => x.tiles.length === 3 && showsPlaceholder(x.tiles[1]) && showsCamera(x.tiles[0]) && showsCamera(x.tiles[2]),
    'red as a grey placeholder');
  console.log(`# [${KIND}] red's track disabled, not announced: track-state (media) after ${ms(ts.t - t0)}, ` +
    `grey tile grabbed after ${ms(Date.now() - t0)}: ${brief([f.tiles[1]])}`);
  since = table.seq;
  const t1 = Date.now();
  await red.setLocalTracks({ video: true });
  await table.waitMsg('peerjs-track-state', { 'peer-id': 'red', 'video-enabled': true }, { since, timeout: 8000 });
  await grabUntil((x) => x.tiles.length === 3 && x.tiles.every(showsCamera), 'red back');
  console.log(`# [${KIND}] red's track enabled again: red tile after ${ms(Date.now() - t1)}`);
}));

test('(e) a member that leaves loses its tile', { timeout: 30000 }, g(async () => {
  assert.ok(table && sink, 'needs the table of (a)');
  const since = table.seq;
  const t0 = Date.now();
  await sink.stop();
  const l = await waitLayout(2, since, 20000);
  const tl = tilesOf(l);
  assert.deepEqual(tl.map((t) => t['peer-id']), ['blue', 'red'], `sink's tile gone: ${brief(tl)}`);
  assert.equal(tl[0].y, tl[1].y, `side by side again: ${brief(tl)}`);
  const f = await grabUntil((x) => x.tiles.length === 2 && x.tiles.every(showsCamera), 'blue and red side by side');
  console.log(`# [${KIND}] sink stopped: 2-tile layout after ${ms(l.t - t0)}: ${brief(f.tiles)}`);
  await assertTableMedia();
  await table.stop();
  for (const m of [sink, table]) {
    assert.deepEqual(m.criticals, [], `${m.label}: no GLib criticals/warnings`);
    assert.deepEqual(m.eventsOf('error').map((e) => e.message), [], `${m.label}: no ERROR`);
  }
}));
