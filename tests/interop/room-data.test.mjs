// peerjsroom's DataConnections and track state against real peerjs@1.5.5 in
// headless Chromium, through the server under test (INTEROP_SERVER=peer|gst).
// The room is lib/gst-member.py (videotestsrc smpte + audiotestsrc sine, so
// "black" and "silent" are measurable at the browser); its data API is driven
// through the helper's JSON commands (send-json, send-data, connect-data,
// close-data, set).
//
//   (setup) alice calls room gst1 (peers=alice,bob, answer-only) with camera
//       and mic, and opens the control DataConnection (label peerjs-room,
//       binary, reliable) like the app of docs/track-state.md; both sides
//       announce their track state on it
//   (a) alice opens a DataConnection in each serialization (default, binary,
//       binary-utf8, json, raw, MsgPack) and sends strings, integers,
//       floats, negatives, booleans, null, nested objects/arrays, binary and
//       a chunked (> 16300 bytes) value: the room's peerjs-data messages
//       (json / hex data) match exactly, in order on reliable connections;
//       the data-received signal carries the same values
//   (b) the room sends the same set back (send-json / send-data to the
//       connection ID): alice receives exactly those values, types included
//   (c) the room opens DataConnections to alice (connect-data: binary, json,
//       raw, MsgPack), values both ways, close-data closes them
//   (d) alice toggles camera and mic and announces it: peerjs-track-state
//       source=announcement; the room sets video-enabled / audio-enabled:
//       alice gets the announcement and the picture turns black, the sound
//       silent, and back
//   (e) bob, who announces nothing, calls the room: the room opens the
//       control connection after 3 s; bob's track.enabled=false shows up as
//       peerjs-track-state source=media, and back to true
//   (f) bad data (malformed BinaryPack, a text frame, a truncated chunk
//       sequence, a chunk out of range, non-JSON on json, malformed MsgPack):
//       peerjs-error bad-data each time, the connection delivers the next
//       value (MsgPack: it closes), media keeps flowing
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
  console.error(`room-data: file timeout after ${FILE_TIMEOUT_MS} ms`);
  process.exit(1);
}, FILE_TIMEOUT_MS).unref();

let server, h, alice, bob, gst1;
const members = [];
const g = (fn) => withDiagnostics(() => h, fn);
const ms = (x) => `${Math.round(x)} ms`;
const hex = (u8) => Buffer.from(u8).toString('hex');

// --- values ------------------------------------------------------------------

const pattern = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8) + 3) & 255);
function textOf(n) {               // n characters, 1- to 4-byte UTF-8 mixed
  const unit = 'héllo wörld ✓ 日本 😀 ';
  let s = '';
  while (s.length < n) s += unit;
  return s.slice(0, n - 1) + '.';  // never cut a surrogate pair in two
}

const SCALARS = [
  'hello', 'héllo wörld — ✓ 日本語 😀', '',
  0, 42, 127, 128, 300, 65536, 4294967296, -1, -33, -129, -70000, -4294967297,
  1.5, -0.1, 3.141592653589793, 1e-7, 123456.789,
  true, false,
];
const STRUCTS = [
  { a: 1, s: 'ü', n: [1, 2.5, true, null, -7], o: { deep: { x: -3, y: 'z', f: 0.25 } }, e: {}, l: [] },
  [1, 'a', [2, [3, [4]]], { k: null }, false],
];
const SMALL_BIN = new Uint8Array([0, 1, 2, 127, 128, 255]);
const NESTED_BIN = { bin: new Uint8Array([9, 8, 7]), tag: 'x' };
const BIG_BIN = pattern(40000);          // BinaryPack: 3 chunks; MsgPack: 2 messages
const BIG_TEXT = textOf(20000);          // ~33 kB of UTF-8
const JSON_TEXT = 'é'.repeat(7999);      // JSON text 16000 bytes: under json's 16300 limit

/** What alice sends on a connection of serialization `ser` (a). */
function browserSet(ser) {
  if (ser === 'raw') return ['hello raw', 'héllo wörld — ✓ 日本語 😀', SMALL_BIN, BIG_BIN, BIG_TEXT];
  if (ser === 'json') return [...SCALARS, null, ...STRUCTS, SMALL_BIN, NESTED_BIN, JSON_TEXT];
  return [...SCALARS, null, ...STRUCTS, SMALL_BIN, NESTED_BIN, BIG_BIN, BIG_TEXT];
}

/**
 * What the room sends back (b). No top-level null: peerjs 1.5.5 throws on
 * one in every serialization (reads `__peerData` of null; MsgPack's reader
 * loop even dies) — a quirk of the receiver, docs/testing.md. On BinaryPack,
 * -2^32 instead of -4294967297: the JS decoder computes negative int64 as
 * (uint64 - 2^64) in doubles, which is exact only for multiples of 4096
 * (peerjs-protocol.md 5.3; -4294967297 arrives as -4294967296).
 */
function roomSet(ser) {
  return browserSet(ser).filter((v) => v !== null)
    .map((v) => (ser === 'binary' && v === -4294967297 ? -4294967296 : v));
}

const isBytes = (v) => v instanceof Uint8Array;
const hasBytes = (v) => isBytes(v) || (v && typeof v === 'object' && Object.values(v).some(hasBytes));

/** The JSON form of a value with its binaries as arrays of byte numbers (peerjs-data `json`). */
const asJson = (v) => (isBytes(v) ? Array.from(v) : Array.isArray(v) ? v.map(asJson)
  : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asJson(x)])) : v);

/** What the room should post for value v received on `ser`: {hex} or {json}. */
function roomExpect(v, ser) {
  // json: the browser JSON.stringify()s; a typed array becomes {"0":…,"1":…}
  if (ser === 'json') return { json: JSON.parse(JSON.stringify(v)) };
  if (isBytes(v)) return { hex: hex(v) };
  return { json: asJson(v) };
}

/** The value as the data-received signal prints it (bytes as {$hex}). */
const sigForm = (v) => (isBytes(v) ? { $hex: hex(v) } : Array.isArray(v) ? v.map(sigForm)
  : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sigForm(x)])) : v);

/** Node value -> the page's typed form (harness.js H.toTyped). */
function T(v) {
  if (v === null) return { t: 'null' };
  if (typeof v === 'string') return { t: 'string', v };
  if (typeof v === 'boolean') return { t: 'bool', v };
  if (typeof v === 'number') return Number.isInteger(v) ? { t: 'int', v } : { t: 'float', v };
  if (isBytes(v)) return { t: 'Uint8Array', hex: hex(v) };
  if (Array.isArray(v)) return { t: 'array', v: v.map(T) };
  return { t: 'object', v: Object.fromEntries(Object.entries(v).map(([k, x]) => [k, T(x)])) };
}

/** A received typed value with ArrayBuffer / Uint8Array folded into 'bytes'. */
function norm(x) {
  if (x.t === 'ArrayBuffer' || x.t === 'Uint8Array') return { t: 'bytes', hex: x.hex };
  if (x.t === 'array') return { t: 'array', v: x.v.map(norm) };
  if (x.t === 'object') return { ...x, v: Object.fromEntries(Object.entries(x.v).map(([k, y]) => [k, norm(y)])) };
  return x;
}
/** The typed value alice should receive for v sent by the room on `ser`. */
const browserExpect = (v, ser) => norm(T(ser === 'json' ? JSON.parse(JSON.stringify(v)) : v));

/** Kinds of binary the receiver gives, per serialization (peerjs-protocol.md 4). */
const BYTES_KINDS = {
  binary: ['ArrayBuffer', 'Uint8Array'],   // Uint8Array after chunk reassembly
  MsgPack: ['Uint8Array'],
  raw: ['ArrayBuffer'],
  json: [],
};
function bytesKinds(x, out = []) {
  if (x.t === 'ArrayBuffer' || x.t === 'Uint8Array' || /Array$|DataView/.test(x.t) && x.hex !== undefined) out.push(x.t);
  else if (x.t === 'array') x.v.forEach((y) => bytesKinds(y, out));
  else if (x.t === 'object') Object.values(x.v).forEach((y) => bytesKinds(y, out));
  return out;
}

/** Number literals of a JSON text (outside strings): an integral value must be written as an integer. */
function numberTokens(text) {
  const out = [];
  const re = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
  for (const m of text.matchAll(re)) if (m[0][0] !== '"') out.push(m[0]);
  return out;
}
function checkNumberForms(text, what) {
  for (const tok of numberTokens(text)) {
    const integral = Number.isInteger(Number(tok));
    assert.equal(/^-?\d+$/.test(tok), integral,
      `${what}: number ${tok} is ${integral ? 'integral but written as a float' : 'not integral but written as an integer'} in ${text.slice(0, 200)}`);
  }
}

const short = (x) => { const s = JSON.stringify(x); return s.length > 160 ? `${s.slice(0, 160)}…(${s.length})` : s; };
const canon = (x) => JSON.stringify(x);

/** Compare received with expected: in order, or as a multiset (unordered channel). */
function compareList(got, want, ordered, what) {
  assert.equal(got.length, want.length, `${what}: ${got.length} values, want ${want.length}: ${short(got)}`);
  if (ordered) {
    for (let i = 0; i < want.length; i++)
      assert.deepEqual(got[i], want[i], `${what}: value #${i} is ${short(got[i])}, want ${short(want[i])}`);
  } else {
    const rest = got.map(canon);
    const missing = [];
    for (const w of want) {
      const i = rest.indexOf(canon(w));
      if (i < 0) missing.push(w); else rest.splice(i, 1);
    }
    assert.deepEqual(missing, [], `${what}: not received: ${short(missing)}; received instead: ${rest.map((x) => x.slice(0, 160)).join(', ')}`);
  }
}

const isTrackState = (x) => x.t === 'object' && x.v.type && x.v.type.t === 'string' && x.v.type.v === 'track-state';
const trackStateOf = (x) => ({ videoEnabled: x.v.videoEnabled?.v, audioEnabled: x.v.audioEnabled?.v });

// --- room helpers ---------------------------------------------------------------

async function member(o) {
  const m = await startGstMember({ server, ...o });
  members.push(m);
  h.watchProcess(m);
  return m;
}

/** The room's peerjs-data messages of connection `id` (seq > since), waiting for n. */
async function waitRoomData(m, id, n, { since = 0, timeout = 10000 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const got = m.msgs('peerjs-data', { 'connection-id': id }, since);
    if (got.length >= n) return got;
    if (Date.now() > end)
      throw new Error(`${m.label}: ${got.length} of ${n} peerjs-data on ${id} within ${timeout} ms: ` +
        short(got.map((e) => e.fields.json ?? `hex:${e.fields.data}`)) +
        `; errors: ${short(m.msgs('peerjs-error', null, since).map((e) => e.fields))}`);
    await sleep(25);
  }
}

const roomForm = (e) => (e.fields.data !== undefined && e.fields.data !== null
  ? { hex: e.fields.data } : { json: JSON.parse(e.fields.json) });

/** Check the room's messages of `id` against the values sent. */
function checkRoomData(msgs, values, ser, ordered, what) {
  for (const e of msgs) {
    assert.ok((e.fields.json === undefined) !== (e.fields.data === undefined),
      `${what}: exactly one of json/data: ${short(e.fields)}`);
    if (e.fields.json !== undefined) checkNumberForms(e.fields.json, what);
  }
  compareList(msgs.map(roomForm), values.map((v) => roomExpect(v, ser)), ordered, what);
}

/** Send v from the room on target: send-json, or send-data (bytes / a GVariant) on odd indexes. */
function roomSend(m, target, v, ser, i) {
  const asValue = (x) => (isBytes(x) ? { $hex: hex(x) } : Array.isArray(x) ? x.map(asValue)
    : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, asValue(y)])) : x);
  if (ser === 'json') return i % 2 && !hasBytes(v) ? m.sendValue(target, v) : m.sendJson(target, JSON.stringify(v));
  if (isBytes(v)) return m.sendBytes(target, v);
  if (hasBytes(v) || i % 2) return m.sendValue(target, asValue(v));
  return m.sendJson(target, JSON.stringify(v));
}

/**
 * Close alice's data connections with gst1 but the control one (left over
 * by an earlier case, say) and wait until the room reports each closed: the
 * room takes at most 8 per member.
 */
async function closeAliceData() {
  const open = (await alice.dataConns('alice', 'gst1')).filter((d) => d.open && d.key !== ctlA);
  for (const d of open) await alice.close(d.key);
  for (const d of open)
    await gst1.waitMsg('peerjs-data-connection', { 'connection-id': d.connectionId, state: 'closed' }, { timeout: 8000 });
  return open.length;
}

/** ERROR messages of the room after seq `since`: "message (element path)". */
const errorsSince = (since) => gst1.eventsOf('error', since).map((e) => `${e.message} (${e.path ?? e.src})`);

const WIRE = { default: 'binary', binary: 'binary', 'binary-utf8': 'binary', json: 'json', raw: 'raw', MsgPack: 'MsgPack' };
const SERS = ['default', 'binary', 'binary-utf8', 'json', 'raw', 'MsgPack'];

// --- setup ------------------------------------------------------------------------

before(async () => {
  const t0 = Date.now();
  server = await startPeerServer({ kind: KIND, allowDiscovery: true });
  h = await Harness.start();
  h.watchServer(server);
  alice = await h.newPage('alice', server);
  bob = await h.newPage('bob', server);
  for (const [p, id] of [[alice, 'alice'], [bob, 'bob']]) {
    await p.getLocalStream();
    await p.newDataPeer(id, id);
  }
  await Promise.all([alice.waitOpen('alice'), bob.waitOpen('bob')]);
  console.log(`# server kind=${KIND} url=${server.url}; setup (server, browser, 2 pages) ${Date.now() - t0} ms`);
});

after(async () => {
  for (const m of members) await m.kill();
  if (h) await h.close();
  if (server) await server.stop();
});

let callA, ctlA, ctlAId;

test('(setup) alice calls the room and opens the control DataConnection; both announce', { timeout: 45000 }, g(async () => {
  gst1 = await member({ peerId: 'gst1', peers: ['alice', 'bob'], callPolicy: 'answer-only', pattern: 'smpte' });
  await alice.speakTrackState('alice');
  const since = gst1.seq;
  const t0 = Date.now();
  callA = await alice.call('alice', 'gst1');
  ctlA = await alice.connectControl('alice', 'gst1');
  ctlAId = ctlA.split(':')[1];
  const open = await alice.waitFor(ctlA, 'open', { timeout: 10000 });
  const roomOpen = await gst1.waitMsg('peerjs-data-connection', { 'connection-id': ctlAId, state: 'open' }, { since, timeout: 10000 });
  assert.equal(roomOpen.fields['peer-id'], 'alice');
  assert.equal(roomOpen.fields.label, 'peerjs-room');
  assert.equal(roomOpen.fields.serialization, 'binary');
  assert.equal(roomOpen.fields.reliable, true);
  assert.equal(roomOpen.fields.outgoing, false);
  assert.equal(roomOpen.fields.reason, 'control', `alice's peerjs-room connection is the control connection: ${short(roomOpen.fields)}`);

  // the room announces its state on it; alice's announcement becomes peerjs-track-state
  const [ts] = await alice.waitValues(ctlA, 1, { timeout: 5000 });
  assert.deepEqual(ts.v, T({ type: 'track-state', videoEnabled: true, audioEnabled: true }),
    `the room announces on the control connection: ${short(ts.v)}`);
  const ann = await gst1.waitMsg('peerjs-track-state', { 'peer-id': 'alice' }, { since, timeout: 5000 });
  assert.deepEqual([ann.fields['video-enabled'], ann.fields['audio-enabled'], ann.fields.source], [true, true, 'announcement']);

  await alice.waitFrames(callA, 10, 15000);
  await gst1.waitPads(['video_alice', 'audio_alice'], { buffers: 10, timeout: 15000 });
  await sleep(Math.max(0, 3800 - (Date.now() - t0)));    // past the room's 3 s grace
  const ownCtl = gst1.msgs('peerjs-data-connection', { 'peer-id': 'alice', outgoing: true }, since);
  assert.deepEqual(ownCtl, [], 'the room opens no control connection of its own: alice opened one');
  console.log(`# (setup) [${KIND}] control DataConnection: connect -> open at alice ${ms(open.t - t0)}, ` +
    `at the room ${ms(roomOpen.t - t0)}; room's announcement at alice ${ms(ts.t - t0)}; ` +
    `alice's announcement -> peerjs-track-state ${ms(ann.t - t0)}`);
}));

// --- (a) browser -> room, every serialization ---------------------------------------

const dcs = {};   // ser -> {key, id, reliable}

test('(a) alice sends every kind of value in each serialization: peerjs-data matches', { timeout: 60000 }, g(async () => {
  assert.ok(ctlA, 'needs the setup');
  const figures = [];
  for (const ser of SERS) {
    const reliable = ser !== 'default';       // default = what apps get: unordered
    const since = gst1.seq;
    const t0 = Date.now();
    const key = await alice.connectData('alice', 'gst1', { serialization: ser, reliable, label: `data-${ser}` });
    const id = key.split(':')[1];
    dcs[ser] = { key, id, reliable };
    const open = await alice.waitFor(key, 'open', { timeout: 10000 });
    const ro = await gst1.waitMsg('peerjs-data-connection', { 'connection-id': id, state: 'open' }, { since, timeout: 10000 });
    assert.deepEqual(
      { peer: ro.fields['peer-id'], label: ro.fields.label, serialization: ro.fields.serialization, reliable: ro.fields.reliable, outgoing: ro.fields.outgoing },
      { peer: 'alice', label: `data-${ser}`, serialization: WIRE[ser], reliable: ser === 'MsgPack' ? true : reliable, outgoing: false },
      `${ser}: peerjs-data-connection open`);
    assert.notEqual(ro.fields.reason, 'control', `${ser}: not the control connection`);

    const values = browserSet(ser);
    const sinceData = gst1.seq;
    const times = await alice.sendTyped(key, values.map(T));
    const got = await waitRoomData(gst1, id, values.length, { since: sinceData, timeout: 15000 });
    await sleep(300);             // nothing more may come
    const all = gst1.msgs('peerjs-data', { 'connection-id': id }, sinceData);
    checkRoomData(all, values, ser, dcs[ser].reliable || ser === 'MsgPack', `(a) ${ser}`);
    for (const e of all) {
      assert.equal(e.fields['peer-id'], 'alice');
      assert.equal(e.fields.label, `data-${ser}`);
      assert.equal(e.fields.serialization, WIRE[ser]);
    }
    // the data-received signal carries the same values
    const sig = gst1.eventsOf('data-received', sinceData).filter((e) => e.connection_id === id);
    compareList(sig.map((e) => e.value), values.map((v) => sigForm(ser === 'json' ? JSON.parse(JSON.stringify(v)) : v)),
      dcs[ser].reliable || ser === 'MsgPack', `(a) ${ser} data-received`);
    figures.push(`${ser}: open ${ms(open.t - t0)} (room ${ms(ro.t - t0)}), first value ${ms(got[0].t - times[0])}, ` +
      `${values.length} values ${ms(got.at(-1).t - times[0])}`);
  }
  const valuesAtAlice = {};
  for (const ser of SERS) valuesAtAlice[ser] = await alice.valueCount(dcs[ser].key);
  assert.deepEqual(Object.values(valuesAtAlice).filter((n) => n > 0), [],
    `the room sends nothing on alice's data connections by itself: ${JSON.stringify(valuesAtAlice)}`);
  console.log(`# (a) alice -> gst1 [${KIND}] ${figures.join('; ')}`);
}));

// --- (b) room -> browser on the same connections ---------------------------------------

test('(b) the room sends the same values back: alice receives exactly them', { timeout: 60000 }, g(async () => {
  assert.ok(dcs.MsgPack, 'needs the connections of (a)');
  const figures = [];
  const failures = [];
  for (const ser of SERS) {
    try {
      const { key, id, reliable } = dcs[ser];
      const wire = WIRE[ser];
      const values = roomSet(wire);
      const from = await alice.valueCount(key);
      const t0 = Date.now();
      for (let i = 0; i < values.length; i++) {
        const ok = await roomSend(gst1, id, values[i], wire, i);
        assert.equal(ok, true, `${ser}: the room's send of value #${i} (${short(values[i])}) returned ${ok}`);
      }
      const got = await alice.waitValues(key, values.length, { from, timeout: 15000 });
      await sleep(300);
      const all = await alice.valuesOf(key, from);
      const kinds = all.flatMap((x) => bytesKinds(x.v));
      for (const k of kinds) assert.ok(BYTES_KINDS[wire].includes(k), `${ser}: binary arrives as ${k}, want one of ${BYTES_KINDS[wire]}`);
      if (wire !== 'json') assert.ok(kinds.length > 0, `${ser}: the binaries arrive as binaries: ${short(all.map((x) => x.v))}`);
      compareList(all.map((x) => norm(x.v)), values.map((v) => browserExpect(v, wire)), reliable || ser === 'MsgPack', `(b) ${ser}`);
      figures.push(`${ser}: ${values.length} values in ${ms(got.at(-1).t - t0)} (first ${ms(got[0].t - t0)} after the first send)`);
    } catch (e) {
      failures.push(e.message);
    }
  }
  console.log(`# (b) gst1 -> alice [${KIND}] ${figures.join('; ')}`);

  // round trip of one small value: alice -> room -> (test) -> room -> alice
  // (the page's, the room's and the test's clocks are the same wall clock, within ~2 ms)
  const { key, id } = dcs.binary;
  const from = await alice.valueCount(key);
  const since = gst1.seq;
  const [t0] = await alice.sendTyped(key, [T({ ping: 1 })]);
  const [m] = await waitRoomData(gst1, id, 1, { since, timeout: 5000 });
  const tCmd = Date.now();
  await gst1.sendJson(id, '{"pong":1}');
  const [back] = await alice.waitValues(key, 1, { from, timeout: 5000 });
  assert.deepEqual(back.v, T({ pong: 1 }));
  console.log(`# (b) round trip on binary: alice send -> peerjs-data ${ms(m.t - t0)}; send-json command -> value at alice ` +
    `${ms(back.t - tCmd)}; total ${ms(back.t - t0)}, of which ${ms(tCmd - m.t)} the test polling for the message`);

  // alice closes them: the room reports each closed
  const since2 = gst1.seq;
  for (const ser of SERS) await alice.close(dcs[ser].key);
  for (const ser of SERS)
    await gst1.waitMsg('peerjs-data-connection', { 'connection-id': dcs[ser].id, state: 'closed' }, { since: since2, timeout: 8000 });
  const reasons = gst1.msgs('peerjs-data-connection', { state: 'closed' }, since2).map((e) => e.fields.reason);
  console.log(`#     alice closed them: room reasons ${JSON.stringify([...new Set(reasons)])}`);
  assert.deepEqual(failures, [], 'every serialization works');
}));

// --- (c) room -> browser DataConnections --------------------------------------------------

/** (c) for one serialization: connect-data, values both ways, close-data. */
async function roomOpensTo(ser, figures) {
  const sinceA = await alice.seq();
  const since = gst1.seq;
  const t0 = Date.now();
  const id = await gst1.connectData('alice', { label: `room-${ser}`, serialization: ser, reliable: true });
  assert.match(String(id), /^dc_/, `${ser}: connect-data returns a connection ID`);
  const conn = await alice.waitAny('alice', ['connection'], { since: sinceA, timeout: 10000, match: { connectionId: id } });
  assert.deepEqual({ label: conn.label, serialization: conn.serialization, reliable: conn.reliable, from: conn.from },
    { label: `room-${ser}`, serialization: ser, reliable: true, from: 'gst1' }, `${ser}: the DataConnection alice gets`);
  const key = conn.key;
  const open = await alice.waitFor(key, 'open', { timeout: 10000 });
  const ro = await gst1.waitMsg('peerjs-data-connection', { 'connection-id': id, state: 'open' }, { since, timeout: 10000 });
  assert.equal(ro.fields.outgoing, true);
  assert.equal(ro.fields.serialization, ser);
  assert.equal(ro.fields.label, `room-${ser}`);

  const values = ser === 'raw' ? ['hé 😀', 'plain', SMALL_BIN, BIG_BIN]
    : ser === 'json' ? ['hé 😀', 42, -1.5, { a: [1, null, true] }, JSON_TEXT]
      : ['hé 😀', 42, -1.5, { a: [1, null, true] }, SMALL_BIN, NESTED_BIN, BIG_BIN];
  const from = await alice.valueCount(key);
  const tSend = Date.now();
  for (let i = 0; i < values.length; i++)
    assert.equal(await roomSend(gst1, id, values[i], ser, i), true, `${ser}: send #${i}`);
  const got = await alice.waitValues(key, values.length, { from, timeout: 15000 });
  await sleep(200);
  const all = await alice.valuesOf(key, from);
  compareList(all.map((x) => norm(x.v)), values.map((v) => browserExpect(v, ser)), true, `(c) ${ser} room -> alice`);

  const sinceData = gst1.seq;
  await alice.sendTyped(key, values.map(T));
  await waitRoomData(gst1, id, values.length, { since: sinceData, timeout: 15000 });
  await sleep(200);
  checkRoomData(gst1.msgs('peerjs-data', { 'connection-id': id }, sinceData), values, ser, true, `(c) ${ser} alice -> room`);

  const sinceClose = gst1.seq;
  const tc = Date.now();
  assert.equal(await gst1.closeData(id), true, `${ser}: close-data`);
  const roomClosed = await gst1.waitMsg('peerjs-data-connection', { 'connection-id': id, state: 'closed' }, { since: sinceClose, timeout: 8000 });
  const fig = `${ser}: connect-data -> open at alice ${ms(open.t - t0)}, room -> alice ${values.length} values ` +
    `${ms(got.at(-1).t - tSend)}, close-data -> closed at the room ${ms(roomClosed.t - tc)} (${roomClosed.fields.reason})`;
  const closed = await alice.waitAny(key, ['close'], { since: open.seq, timeout: 8000 }).catch((e) => e);
  if (closed instanceof Error) {
    const info = await alice.dataChannelInfo(key);
    figures.push(`${fig}, NOT closed at alice within 8 s (RTCDataChannel ${info?.readyState})`);
    await alice.close(key);
    throw new Error(`${ser}: close-data: the room reports the connection closed but alice's DataConnection ` +
      `stays open, its RTCDataChannel '${info?.readyState}' (${closed.message})`);
  }
  figures.push(`${fig}, at alice ${ms(closed.t - tc)}`);
}

test('(c) the room opens DataConnections to alice (connect-data) and talks on them', { timeout: 60000 }, g(async () => {
  assert.ok(ctlA, 'needs the setup');
  const left = await closeAliceData();
  if (left) console.log(`# (c) closed ${left} data connections left over by (a)/(b)`);
  const sinceC = gst1.seq;
  const figures = [];
  const failures = [];
  for (const ser of ['binary', 'json', 'raw', 'MsgPack']) {
    try {
      await roomOpensTo(ser, figures);
    } catch (e) {
      failures.push(`${ser}: ${e.message}`);
    }
  }
  console.log(`# (c) gst1 -> alice [${KIND}] ${figures.join('; ')}`);
  assert.deepEqual(failures, [], 'every serialization works');
  assert.deepEqual(errorsSince(sinceC), [], 'no ERROR from the room during (c)');
}));

// --- (d) track state with an app that announces ---------------------------------------------

async function waitLuma(page, key, pred, what, timeout = 8000) {
  const end = Date.now() + timeout;
  let l;
  for (;;) {
    l = await page.videoLuma(key);
    if (l && pred(l.mean)) return { l, t: Date.now() };
    if (Date.now() > end) throw new Error(`${page.name}: the remote video did not turn ${what} in ${timeout} ms: ${short(l)}`);
    await sleep(100);
  }
}
async function waitRms(page, key, pred, what, timeout = 8000) {
  const end = Date.now() + timeout;
  let w;
  for (;;) {
    w = await page.mediaWindow(key, 300);
    if (w.rms.n && pred(w.rms)) return { w, t: Date.now() };
    if (Date.now() > end) throw new Error(`${page.name}: the remote audio did not turn ${what} in ${timeout} ms: ${short(w)}`);
  }
}
const BLACK = 30, BRIGHT = 60, LOUD = 0.05, SILENT = 0.01;

test('(d) alice announces her camera/mic; the room turns its own off and on', { timeout: 70000 }, g(async () => {
  assert.ok(ctlA && callA, 'needs the setup');
  const figures = [];
  // alice: camera + mic off, announced
  for (const [video, audio] of [[false, false], [true, false], [true, true]]) {
    const since = gst1.seq;
    await alice.setLocalTracks({ video, audio });
    const t0 = Date.now();
    const on = await alice.announceTrackState('alice', 'gst1');
    assert.ok(on.includes(ctlA), `announced on the control connection: ${short(on)}`);
    const e = await gst1.waitMsg('peerjs-track-state', { 'peer-id': 'alice', 'video-enabled': video, 'audio-enabled': audio },
      { since, timeout: 5000 });
    assert.equal(e.fields.source, 'announcement');
    figures.push(`alice v=${video} a=${audio} -> peerjs-track-state ${ms(e.t - t0)}`);
    if (!video) await sleep(3000);     // long enough for the media inference to fire if it wrongly ran
  }
  assert.deepEqual(gst1.msgs('peerjs-track-state', { 'peer-id': 'alice', source: 'media' }), [],
    'no inferred state for a member that announces');
  assert.deepEqual(gst1.msgs('peerjs-data', { 'connection-id': ctlAId }).filter((e) => /track-state/.test(e.fields.json ?? '')), [],
    'announcements are not peerjs-data');

  // the room: picture and sound at alice before
  const before = await alice.mediaWindow(callA, 1000);
  assert.ok(before.luma.mean > BRIGHT, `gst1's smpte bars are bright at alice: ${short(before)}`);
  assert.ok(before.rms.max > LOUD, `gst1's sine is heard at alice: ${short(before)}`);
  const framesBefore = (await alice.mediaState(callA)).frames;
  const from = await alice.valueCount(ctlA);

  let t0 = Date.now();
  assert.equal(await gst1.setProp('video-enabled', false), false);
  const [annV] = await alice.waitValues(ctlA, 1, { from, timeout: 5000 });
  assert.deepEqual(trackStateOf(annV.v), { videoEnabled: false, audioEnabled: true }, `announcement at alice: ${short(annV.v)}`);
  const black = await waitLuma(alice, callA, (y) => y < BLACK, 'black');
  figures.push(`room video-enabled=false -> announcement at alice ${ms(annV.t - t0)}, black picture ${ms(black.t - t0)}`);

  t0 = Date.now();
  assert.equal(await gst1.setProp('audio-enabled', false), false);
  const [, annA] = await alice.waitValues(ctlA, 2, { from, timeout: 5000 });
  assert.deepEqual(trackStateOf(annA.v), { videoEnabled: false, audioEnabled: false }, `announcement at alice: ${short(annA.v)}`);
  const silent = await waitRms(alice, callA, (r) => r.max < SILENT, 'silent');
  figures.push(`audio-enabled=false -> announcement ${ms(annA.t - t0)}, silence ${ms(silent.t - t0)}`);

  const off = await alice.mediaWindow(callA, 1500);
  assert.ok(off.luma.n > 0 && off.luma.max < BLACK, `the picture stays black: ${short(off)}`);
  assert.ok(off.rms.max < SILENT, `the sound stays silent: ${short(off)}`);
  assert.ok(off.frames > 5, `black frames keep coming (no renegotiation): ${off.frames} frames in 1.5 s`);

  t0 = Date.now();
  assert.equal(await gst1.setProp('video-enabled', true), true);
  assert.equal(await gst1.setProp('audio-enabled', true), true);
  const anns = await alice.waitValues(ctlA, 4, { from, timeout: 5000 });
  assert.deepEqual(anns.map((x) => trackStateOf(x.v)), [
    { videoEnabled: false, audioEnabled: true }, { videoEnabled: false, audioEnabled: false },
    { videoEnabled: true, audioEnabled: false }, { videoEnabled: true, audioEnabled: true }],
  'the room announced each change, in order, and nothing else');
  const bright = await waitLuma(alice, callA, (y) => y > BRIGHT, 'bright again');
  const loud = await waitRms(alice, callA, (r) => r.max > LOUD, 'loud again');
  figures.push(`both back on -> picture ${ms(bright.t - t0)}, sound ${ms(loud.t - t0)}`);
  const st = await alice.mediaState(callA);
  assert.ok(st.frames > framesBefore, 'still the same call, frames keep coming');
  assert.deepEqual(await alice.events('alice', 'call'), [], 'no new call (no renegotiation)');
  for (const a of anns) assert.ok(isTrackState(a.v));
  console.log(`# (d) [${KIND}] ${figures.join('; ')}; luma on/off ${before.luma.mean}/${off.luma.max}, ` +
    `RMS on/off ${before.rms.max}/${off.rms.max}`);
}));

// --- (e) a browser that announces nothing: inferred from its media ---------------------------

test('(e) bob announces nothing: the room opens the control connection, infers his tracks from the media', { timeout: 60000 }, g(async () => {
  assert.ok(gst1, 'needs the room');
  const since = gst1.seq;
  const sinceB = await bob.seq();
  const t0 = Date.now();
  const callB = await bob.call('bob', 'gst1');
  const [calling] = await bob.events('bob', 'calling', sinceB);
  await bob.waitFrames(callB, 10, 15000);
  await gst1.waitPads(['video_bob', 'audio_bob'], { buffers: 10, timeout: 15000 });
  const connected = await gst1.waitMsg('peerjs-connection-state', { 'peer-id': 'bob', state: 'connected' }, { since, timeout: 5000 });

  // the room's control connection, after its 3 s grace
  const conn = await bob.waitAny('bob', ['connection'], { since: sinceB, timeout: 10000 });
  assert.deepEqual({ from: conn.from, label: conn.label, serialization: conn.serialization, reliable: conn.reliable },
    { from: 'gst1', label: 'peerjs-room', serialization: 'binary', reliable: true }, 'the room opens the control connection');
  const ctl = await gst1.waitMsg('peerjs-data-connection', { 'peer-id': 'bob', state: 'open' }, { since, timeout: 10000 });
  assert.equal(ctl.fields.outgoing, true);
  assert.equal(ctl.fields.reason, 'control');
  const [ann] = await bob.waitValues(conn.key, 1, { timeout: 5000 });
  assert.deepEqual(ann.v, T({ type: 'track-state', videoEnabled: true, audioEnabled: true }), 'bob gets the room\'s state');
  assert.ok(conn.t - calling.t >= 2800, `the room waited ~3 s for bob to open one (${ms(conn.t - calling.t)} after the call)`);
  const falseOff = gst1.msgs('peerjs-track-state', { 'peer-id': 'bob' }, since).filter((e) => !e.fields['video-enabled'] || !e.fields['audio-enabled']);
  const firstBuf = Object.fromEntries(gst1.eventsOf('first-buffer', since).map((e) => [e.pad, e.t]));
  assert.deepEqual(falseOff.map((e) => e.fields), [], 'bob\'s live camera and beeping mic are not taken for "off" ' +
    `(posted ${falseOff.map((e) => `${ms(e.t - firstBuf.audio_bob)} after bob's first audio buffer, ${ms(e.t - firstBuf.video_bob)} after the first video one`).join('; ')})`);

  const stateOf = (from, init) => {
    const st = { video: init, audio: init, t: {} };
    for (const e of gst1.msgs('peerjs-track-state', { 'peer-id': 'bob' }, from)) {
      assert.equal(e.fields.source, 'media', `bob never announced: ${short(e.fields)}`);
      if (st.video !== e.fields['video-enabled']) st.t.video = e.t;
      if (st.audio !== e.fields['audio-enabled']) st.t.audio = e.t;
      st.video = e.fields['video-enabled'];
      st.audio = e.fields['audio-enabled'];
    }
    return st;
  };
  async function waitState(from, video, audio, timeout) {
    const end = Date.now() + timeout;
    for (;;) {
      const st = stateOf(from, !video);
      if (st.video === video && st.audio === audio) return st;
      if (Date.now() > end)
        throw new Error(`gst1: bob's inferred state is video=${st.video} audio=${st.audio}, want ${video}/${audio} ` +
          `after ${timeout} ms: ${short(gst1.msgs('peerjs-track-state', { 'peer-id': 'bob' }, from).map((e) => e.fields))}`);
      await sleep(100);
    }
  }

  let s0 = gst1.seq;
  let t1 = Date.now();
  await bob.setLocalTracks({ video: false, audio: false });
  const off = await waitState(s0, false, false, 8000);
  const offFig = `off: video ${ms(off.t.video - t1)}, audio ${ms(off.t.audio - t1)}`;
  const st1 = await gst1.stats();
  await sleep(500);
  const st2 = await gst1.stats();
  assert.ok(st2.video_bob.buffers >= st1.video_bob.buffers, 'bob\'s pads stay');

  s0 = gst1.seq;
  t1 = Date.now();
  await bob.setLocalTracks({ video: true, audio: true });
  const on = await waitState(s0, true, true, 8000);
  console.log(`# (e) [${KIND}] bob calls gst1: connected ${ms(connected.t - t0)}, room's control connection at bob ` +
    `${ms(conn.t - calling.t)} after the call; inferred ${offFig}; on: video ${ms(on.t.video - t1)}, audio ${ms(on.t.audio - t1)}`);
  await bob.close(callB);
}));

// --- (f) bad data ---------------------------------------------------------------------------------

/** BinaryPack chunk map {__peerData: id, n, data: <bytes>, total} (peerjs-protocol.md 4.2). */
function chunkHex(id, n, dataHex, total) {
  const len = dataHex.length / 2;
  assert.ok(len <= 15 && id < 128 && n < 128 && total < 128);
  return '84' + 'ba' + Buffer.from('__peerData').toString('hex') + id.toString(16).padStart(2, '0') +
    'b1' + '6e' + n.toString(16).padStart(2, '0') +
    'b4' + Buffer.from('data').toString('hex') + (0xa0 + len).toString(16) + dataHex +
    'b5' + Buffer.from('total').toString('hex') + total.toString(16).padStart(2, '0');
}

test('(f) bad data: peerjs-error bad-data, the connection goes on, media keeps flowing', { timeout: 60000 }, g(async () => {
  assert.ok(ctlA && callA, 'needs the setup');
  await closeAliceData();
  const sinceF = gst1.seq;
  const framesA0 = (await alice.mediaState(callA)).frames;
  const padsA0 = await gst1.stats();
  const figures = [];

  async function open(ser, label) {
    const since = gst1.seq;
    const key = await alice.connectData('alice', 'gst1', { serialization: ser, reliable: true, label });
    const id = key.split(':')[1];
    await alice.waitFor(key, 'open', { timeout: 10000 });
    await gst1.waitMsg('peerjs-data-connection', { 'connection-id': id, state: 'open' }, { since, timeout: 10000 });
    return { key, id };
  }

  async function badThenGood(c, what, frames, n) {
    const since = gst1.seq;
    const [t0] = await alice.sendRawFrames(c.key, frames);
    const err = await gst1.waitMsg('peerjs-error', { type: 'bad-data', 'connection-id': c.id }, { since, timeout: 8000 });
    assert.equal(err.fields['peer-id'], 'alice');
    assert.ok(String(err.fields.message ?? '').length > 0, 'bad-data has a message');
    await alice.sendTyped(c.key, [T(`after ${n}`)]);
    const [good] = await waitRoomData(gst1, c.id, 1, { since, timeout: 5000 });
    assert.equal(good.fields.json, JSON.stringify(`after ${n}`), `${what}: the next value arrives`);
    await sleep(200);
    const data = gst1.msgs('peerjs-data', { 'connection-id': c.id }, since);
    assert.deepEqual(data.map((e) => e.fields.json ?? e.fields.data), [JSON.stringify(`after ${n}`)],
      `${what}: nothing of the bad message is delivered`);
    const errs = gst1.msgs('peerjs-error', { 'connection-id': c.id }, since);
    assert.ok(errs.every((e) => e.fields.type === 'bad-data'), `${what}: only bad-data errors: ${short(errs.map((e) => e.fields))}`);
    assert.equal(gst1.msgs('peerjs-data-connection', { 'connection-id': c.id, state: 'closed' }, since).length, 0, `${what}: not closed`);
    figures.push(`${what}: bad-data after ${ms(err.t - t0)} (${errs.length}x, "${String(err.fields.message).slice(0, 60)}")`);
  }

  const bin = await open('binary', 'bad-binary');
  await badThenGood(bin, 'binary: d9 ff ff (string32 cut short)', [{ hex: 'd9ffff' }], 1);
  await badThenGood(bin, 'binary: a text frame', [{ text: 'hello, a text frame' }], 2);
  // two chunks that complete a message whose bytes are a cut-short string16
  await badThenGood(bin, 'binary: truncated chunk sequence',
    [{ hex: chunkHex(7, 0, 'd80010', 2) }, { hex: chunkHex(7, 1, '6162', 2) }], 3);
  await badThenGood(bin, 'binary: chunk index beyond total', [{ hex: chunkHex(8, 5, 'b161', 2) }], 4);

  const js = await open('json', 'bad-json');
  await badThenGood(js, 'json: not JSON', [{ hex: Buffer.from('not json {').toString('hex') }], 5);

  // MsgPack: a malformed stream closes that connection (it cannot resynchronise)
  const mp = await open('MsgPack', 'bad-msgpack');
  const since = gst1.seq;
  const [t0] = await alice.sendRawFrames(mp.key, [{ hex: 'c1' }]);
  const err = await gst1.waitMsg('peerjs-error', { type: 'bad-data', 'connection-id': mp.id }, { since, timeout: 8000 });
  const closed = await gst1.waitMsg('peerjs-data-connection', { 'connection-id': mp.id, state: 'closed' }, { since, timeout: 8000 });
  const closedA = await alice.waitFor(mp.key, 'close', { timeout: 8000 }).catch((e) => e);
  const stuck = closedA instanceof Error ? (await alice.dataChannelInfo(mp.key))?.readyState : null;
  figures.push(`MsgPack: c1 -> bad-data ${ms(err.t - t0)}, closed at the room ${ms(closed.t - t0)} (${closed.fields.reason}), ` +
    (closedA instanceof Error ? `NOT closed at alice within 8 s (RTCDataChannel ${stuck})` : `at alice ${ms(closedA.t - t0)}`));

  // everything else goes on
  const ctl = (await alice.dataConns('alice', 'gst1')).find((d) => d.key === ctlA);
  const framesA1 = (await alice.mediaState(callA)).frames;
  const padsA1 = await gst1.stats();
  figures.push(`media meanwhile: alice rendered ${framesA1 - framesA0} frames, gst1 got ` +
    `${padsA1.video_alice.buffers - padsA0.video_alice.buffers} video / ${padsA1.audio_alice.buffers - padsA0.audio_alice.buffers} audio buffers`);
  console.log(`# (f) [${KIND}] ${figures.join('; ')}`);
  assert.ok(ctl && ctl.open, 'the control connection is still open');
  assert.ok(framesA1 > framesA0 + 10, `alice still renders gst1's video (${framesA0} -> ${framesA1})`);
  assert.ok(padsA1.video_alice.buffers > padsA0.video_alice.buffers + 10 && padsA1.audio_alice.buffers > padsA0.audio_alice.buffers + 10,
    `gst1 still gets alice's media: ${short(padsA0.video_alice.buffers)} -> ${short(padsA1.video_alice.buffers)}`);
  for (const c of [bin, js]) await alice.close(c.key);
  assert.deepEqual(errorsSince(sinceF), [], 'no ERROR from the room during (f)');
  assert.ok(!(closedA instanceof Error), `MsgPack: the room closed the connection after the malformed stream, ` +
    `but alice's DataConnection stays open, its RTCDataChannel '${stuck}': ${closedA.message}`);
}));

test('(end) the room stops cleanly', { timeout: 20000 }, g(async () => {
  assert.ok(gst1, 'needs the room');
  await alice.close(callA).catch(() => {});
  await gst1.stop();
  assert.deepEqual(gst1.criticals, [], 'no GLib criticals/warnings');
  assert.deepEqual(gst1.eventsOf('error').map((e) => e.message), [], 'no ERROR');
  h.unwatch(gst1);
}));
